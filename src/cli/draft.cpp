// SPDX-License-Identifier: Apache-2.0
#include "cli/draft.hpp"

#include "cli/config.hpp"
#include "cli/private_files.hpp"
#include "cli/publish.hpp"

#include "core/base/error.hpp"
#include "core/record/canonical_json.hpp"
#include "core/record/record.hpp"
#include "core/base/yaml_doc.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <sys/stat.h>

namespace divert::cli {

std::string draft_path(bool demo, const std::string& further_officer) {
  if (demo) {
    return state_dir() + "/demo/drafts/screen.json";
  }
  return state_dir() + (further_officer.empty() ? std::string("/drafts/screen.json")
                                                : "/drafts/screen-" + further_officer + ".json");
}

namespace {

// A draft is a few kilobytes of answers.
constexpr std::size_t k_max_draft_bytes = 1024 * 1024;

std::string drafts_dir_of(const std::string& path) {
  return std::filesystem::path(path).parent_path().string();
}

// The directory the draft lives in, wherever a symbolic link leads: the user's own, closed to
// everyone else. Else a planted draft could be resumed, or a saved one read by others.
void check_drafts_dir(const std::string& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    return; // made private when the first draft is saved
  }
  if (!S_ISDIR(st.st_mode)) {
    throw KeyError(fmt::format("the drafts directory {} is not a directory", dir));
  }
  if (const std::string problem = privacy_problem(st, "the drafts directory", dir);
      !problem.empty()) {
    throw KeyError(problem + "; drafts hold personal data");
  }
}

[[noreturn]] void not_a_draft(const std::string& path, const char* field) {
  throw InputError(SourceLocation{path, 0, 0},
                   fmt::format("not a divert screening draft: '{}' is not as screen writes it",
                               field));
}

// A field of the draft as the type screen writes it; anything else means the file is not one of
// ours (nlohmann's value() would throw its own type_error, reported as an internal error).
std::string string_field(const nlohmann::json& draft, const char* key, const std::string& path) {
  const auto it = draft.find(key);
  if (it == draft.end()) return {};
  if (!it->is_string()) not_a_draft(path, key);
  return it->get<std::string>();
}

// Screen writes Unix seconds; a time outside 0 .. 2^40 (about the year 36812) is not one of
// them, and keeps `now - time` clear of overflow.
constexpr long long k_latest_draft_time = 1LL << 40;

long long time_field(const nlohmann::json& draft, const char* key, long long fallback,
                     const std::string& path) {
  const auto it = draft.find(key);
  if (it == draft.end()) return fallback;
  if (it->is_number_unsigned()) {
    const auto value = it->get<unsigned long long>();
    if (value <= static_cast<unsigned long long>(k_latest_draft_time)) {
      return static_cast<long long>(value);
    }
  } else if (it->is_number_integer()) {
    const auto value = it->get<long long>();
    if (value >= 0 && value <= k_latest_draft_time) return value;
  }
  not_a_draft(path, key);
}

} // namespace

bool draft_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
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
  check_drafts_dir(drafts_dir_of(path));
  make_private_dir(drafts_dir_of(path));
  replace_file(path, draft.dump(2) + "\n");
}

std::optional<Draft> load_draft(const std::string& path, long long now, bool& expired) {
  expired = false;
  check_drafts_dir(drafts_dir_of(path));
  struct stat link {};
  if (::lstat(path.c_str(), &link) != 0) {
    return std::nullopt;
  }
  if (S_ISLNK(link.st_mode)) {
    throw KeyError(fmt::format("the draft {} is a symbolic link; divert writes drafts as files "
                               "(remove it: divert screen --discard)",
                               path));
  }
  std::string text;
  long long modified_at = 0;
  try {
    const RegularFile file(path, "the draft", false);
    if (const std::string problem = privacy_problem(file.status(), "the draft", path);
        !problem.empty()) {
      throw KeyError(problem + "; drafts hold personal data (remove it: divert screen --discard)");
    }
    modified_at =
        std::clamp(static_cast<long long>(file.status().st_mtime), 0LL, k_latest_draft_time);
    text = file.read_all(k_max_draft_bytes);
  } catch (const MissingInputError& e) {
    throw KeyError(std::string(e.what()) + " (remove it: divert screen --discard)");
  }
  const nlohmann::json j = parse_json_strict(text, path);
  const auto schema = j.is_object() ? j.find("schema") : j.end();
  if (!j.is_object() || schema == j.end() || *schema != "divert.draft/1" ||
      !j.contains("answers") || !j["answers"].is_object()) {
    throw InputError(SourceLocation{path, 0, 0}, "not a divert screening draft");
  }
  Draft draft;
  draft.policy = string_field(j, "policy", path);
  draft.policy_id = string_field(j, "policy_id", path);
  draft.saved_at = time_field(j, "saved_at", 0, path);
  draft.started_at = time_field(j, "started_at", draft.saved_at, path);
  draft.answers_json = j["answers"].dump();
  if (j.contains("typed") && j["typed"].is_array()) {
    for (const auto& id : j["typed"]) {
      if (id.is_string()) draft.typed.push_back(id.get<std::string>());
    }
  }
  const long long oldest = std::min({draft.started_at, draft.saved_at, modified_at});
  // A time in the future (beyond clock skew) does not keep a draft alive either. The file's
  // own time counts only for age: a test's fixed clock may lie before it.
  const long long newest = std::max(draft.started_at, draft.saved_at);
  if (now - oldest > k_draft_lifetime_seconds || newest > now + 300) {
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
