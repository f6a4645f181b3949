// SPDX-License-Identifier: Apache-2.0
// The batch reader: JSON Lines cases (one or more lines) against every shipped policy, as
// `divert batch` reads them. Every output line must be valid JSON (strict, UTF-8), and batch's
// own path (the plain-line reader on a line ended by a NUL, read in place; the decision lines
// remembered and looked up) must give the line that the general simdjson reader and the plain
// decision writer give (issue 13).
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
  PolicyRun(const Policy& p, bool batch_path)
      : policy(p), batch(batch_path), reader(p), evaluator(p), writer(p), remembering(p),
        answers(p) {
    reader.set_plain_lines(batch_path);
  }
  const Policy& policy;
  bool batch;
  JsonCaseReader reader;
  Evaluator evaluator;
  DecisionWriter writer;
  RememberingDecisionWriter remembering;
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
    if (run.batch) {
      run.remembering.append_members(out, run.decision);
    } else {
      run.writer.append_members(out, run.decision);
    }
    out += '}';
  }
  return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string padded;
  std::string nul_ended;
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
    // batch ends each line with a NUL over its newline, and reads it in place: the next line
    // follows (here the same line again), then the block's padding.
    nul_ended.assign(line);
    nul_ended += '\0';
    nul_ended += padded;
    const std::string_view batch_view(nul_ended.data(), line.size());
    // Runs come in pairs per policy: batch's path, then the general reader and plain writer.
    for (size_t i = 0; i + 1 < runs().size(); i += 2) {
      fuzz::expect_errors([&] {
        const std::string out = decide_line(*runs()[i], batch_view);
        if (!nlohmann::json::accept(out)) {
          fuzz::wrong(("a decision line that is not valid JSON: " + out).c_str(), line);
        }
        if (decide_line(*runs()[i + 1], view) != out) {
          fuzz::wrong(("batch's reader or writer differs from the general ones: " + out).c_str(),
                      line);
        }
      });
    }
  }
  return 0;
}
