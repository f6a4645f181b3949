// SPDX-License-Identifier: Apache-2.0
#include "cli/draft.hpp"

#include "cli/config.hpp"
#include "cli/files.hpp"
#include "cli/publish.hpp"

#include "core/record/canonical_json.hpp"
#include "core/record/record.hpp"
#include "core/base/yaml_doc.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace divert::cli {

std::string draft_path(bool demo) {
  return state_dir() + (demo ? "/demo/drafts/screen.json" : "/drafts/screen.json");
}

void save_draft(const std::string& path, const Policy& policy, const std::string& policy_reference,
                const Answers& answers, const std::vector<int>& history, long long started_at,
                long long now) {
  nlohmann::json values = nlohmann::json::object();
  for (size_t q = 0; q < policy.questions.size(); ++q) {
    if (answers.slots[q].present) {
      values[policy.questions[q].id] = answer_value_json(policy.questions[q], answers.slots[q]);
    }
  }
  nlohmann::json typed = nlohmann::json::array();
  for (int q : history) {
    typed.push_back(policy.questions[static_cast<size_t>(q)].id);
  }
  const nlohmann::json draft = {{"schema", "divert.draft/1"},
                                {"policy", policy_reference},
                                {"policy_id", policy.id},
                                {"started_at", started_at},
                                {"saved_at", now},
                                {"answers", values},
                                {"typed", typed}};
  make_private_dir(std::filesystem::path(path).parent_path().string());
  replace_file(path, draft.dump(2) + "\n");
}

std::optional<Draft> load_draft(const std::string& path, long long now, bool& expired) {
  expired = false;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return std::nullopt;
  }
  const nlohmann::json j = parse_json_strict(read_file(path), path);
  if (!j.is_object() || j.value("schema", "") != "divert.draft/1" || !j.contains("answers") ||
      !j["answers"].is_object()) {
    throw InputError(SourceLocation{path, 0, 0}, "not a divert screening draft");
  }
  Draft draft;
  draft.policy = j.value("policy", "");
  draft.policy_id = j.value("policy_id", "");
  draft.saved_at = j.value("saved_at", 0LL);
  draft.started_at = j.value("started_at", draft.saved_at);
  draft.answers_json = j["answers"].dump();
  if (j.contains("typed") && j["typed"].is_array()) {
    for (const auto& id : j["typed"]) {
      if (id.is_string()) draft.typed.push_back(id.get<std::string>());
    }
  }
  if (now - draft.saved_at > k_draft_lifetime_seconds || draft.saved_at > now + 300) {
    expired = true;
    remove_draft(path);
    return std::nullopt;
  }
  return draft;
}

void restore_draft(const Draft& draft, const Policy& policy, Answers& answers,
                   std::vector<int>& history) {
  // JSON is YAML: the answers read back through the same validation as an answers file.
  const YamlDocument doc = parse_yaml(draft.answers_json, "draft");
  read_answers(doc, policy, answers, AnswerSource::file);
  for (const std::string& id : draft.typed) {
    const int q = policy.question_index(id);
    if (q >= 0 && answers.slots[static_cast<size_t>(q)].present &&
        std::find(history.begin(), history.end(), q) == history.end()) {
      answers.sources[static_cast<size_t>(q)] = AnswerSource::typed;
      history.push_back(q);
    }
  }
}

void remove_draft(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
}

} // namespace divert::cli
