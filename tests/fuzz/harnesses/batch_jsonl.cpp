// SPDX-License-Identifier: Apache-2.0
// The batch reader: JSON Lines cases (one or more lines) against every shipped policy, as
// `divert batch` reads them. Every output line must be valid JSON (strict, UTF-8), and the
// plain-line reader must give the line the general simdjson reader gives (issue 13).
#include "harness.hpp"

#include "core/decision/answers.hpp"
#include "core/decision/answers_json.hpp"
#include "core/decision/decision_json.hpp"
#include "core/decision/evaluate.hpp"

#include <nlohmann/json.hpp>

#include <memory>

namespace {

using namespace divert;

struct PolicyRun {
  PolicyRun(const Policy& p, bool plain_lines)
      : policy(p), reader(p), evaluator(p), writer(p), answers(p) {
    reader.set_plain_lines(plain_lines);
  }
  const Policy& policy;
  JsonCaseReader reader;
  Evaluator evaluator;
  DecisionWriter writer;
  Answers answers;
  Decision decision;
};

std::vector<std::unique_ptr<PolicyRun>>& runs() {
  static std::vector<std::unique_ptr<PolicyRun>> all = [] {
    std::vector<std::unique_ptr<PolicyRun>> out;
    for (const Policy& p : fuzz::shipped_policies()) {
      out.push_back(std::make_unique<PolicyRun>(p, true));
      out.push_back(std::make_unique<PolicyRun>(p, false));
    }
    return out;
  }();
  return all;
}

// One decision line, built as `divert batch` builds it.
std::string decide_line(PolicyRun& run, std::string_view line) {
  std::string case_id;
  std::string problem = run.reader.read(line, run.answers, case_id);
  if (problem.empty()) {
    problem = past_date_problem(run.policy, run.answers);
  }
  std::string out = "{\"line\":1,\"case_id\":" + case_id;
  if (!problem.empty()) {
    out += ",\"error\":{\"message\":";
    append_json_string(out, problem);
    out += "}}";
  } else {
    run.evaluator.run(run.answers, static_cast<Days>(fuzz::k_now / 86400), run.decision);
    out += ',';
    run.writer.append_members(out, run.decision);
    out += '}';
  }
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string padded;
  size_t begin = 0;
  while (begin <= input.size()) {
    size_t end = input.find('\n', begin);
    if (end == std::string_view::npos) end = input.size();
    std::string_view line = input.substr(begin, end - begin);
    begin = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    // The reader may look past the line's end (simdjson's padding), as into the batch buffer.
    padded.assign(line);
    padded.append(JsonCaseReader::padding(), ' ');
    const std::string_view view(padded.data(), line.size());
    // Runs come in pairs per policy: the plain-line reader on, then off.
    for (size_t i = 0; i + 1 < runs().size(); i += 2) {
      fuzz::expect_errors([&] {
        const std::string out = decide_line(*runs()[i], view);
        if (!nlohmann::json::accept(out)) {
          fuzz::wrong(("a decision line that is not valid JSON: " + out).c_str(), line);
        }
        if (decide_line(*runs()[i + 1], view) != out) {
          fuzz::wrong(("the plain-line reader differs from the general one: " + out).c_str(), line);
        }
      });
    }
  }
  return 0;
}
