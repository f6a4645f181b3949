// SPDX-License-Identifier: Apache-2.0
// An answers file (YAML or JSON), as `divert decide --answers` and `screen --answers` read it,
// against every shipped policy: every value read must be UTF-8, the decision valid JSON, and a
// decided case must make a record that is canonical and passes every check of `divert verify`;
// the text form is drawn.
// parse_yaml's plain block reader (the fast path for the usual answers file) must make exactly
// yaml-cpp's tree of the same text, positions included, or leave the text to yaml-cpp.
#include "harness.hpp"

#include "base/yaml_parse_outcome.hpp"

#include "cli/render.hpp"
#include "core/decision/answers.hpp"
#include "core/decision/decision_json.hpp"
#include "core/decision/evaluate.hpp"
#include "core/record/canonical_json.hpp"
#include "core/record/jcs_check.hpp"
#include "core/record/record.hpp"
#include "core/record/verify.hpp"

#include <nlohmann/json.hpp>

namespace {

using namespace divert;

void record_round_trip(const Policy& policy, const Answers& answers, const Decision& decision,
                       std::string_view input) {
  std::optional<OfficerAction> action;
  if (decision.outcome != Outcome::ineligible) action = OfficerAction{ActionKind::refer, ""};
  RecordContext context;
  context.record_id = "01M8BVX9F0000000QPWTAR96KA";
  context.created_at = fuzz::k_now;
  context.agency_code = "TEST000";
  context.officer_id = "T-0001";
  context.key_fpr = fuzz::test_key().public_key().fingerprint();
  context.device_id = "DEV-FUZZ";
  context.tool_version = "0";
  const std::string bytes = canonicalize(build_record(policy, answers, decision, action, context));
  if (!is_canonical_json(bytes)) fuzz::wrong("a record divert made is not canonical", input);
  const std::string name = "REF-" + context.record_id + ".json";
  const RecordReport report =
      check_record(RecordFile{name, name, bytes,
                              sshsig_sign(fuzz::test_key(), bytes,
                                          record_namespace(context.agency_code)),
                              "", ""},
                   fuzz::test_trust());
  if (!report.ok()) {
    fuzz::wrong(("a record divert made fails verify: " + report.failures.front().check + ": " +
                 report.failures.front().message)
                    .c_str(),
                input);
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (divert::testing::yaml_parse_outcome(text, true) !=
      divert::testing::yaml_parse_outcome(text, false)) {
    fuzz::wrong("the plain YAML reader and yaml-cpp read this differently", text);
  }
  fuzz::expect_errors([&] {
    const YamlDocument doc = parse_yaml(text, "answers.yaml");
    if (!fuzz::all_utf8(doc.root)) fuzz::wrong("parse_yaml made text that is not UTF-8", text);
    for (const Policy& policy : fuzz::shipped_policies()) {
      fuzz::expect_errors([&] {
        Answers answers(policy);
        read_answers(doc, policy, answers, AnswerSource::file);
        check_answers(policy, answers);
        const Decision decision = evaluate(policy, answers, static_cast<Days>(fuzz::k_now / 86400));
        if (!nlohmann::json::accept(decision_json(policy, decision))) {
          fuzz::wrong("a decision that is not valid JSON", text);
        }
        std::ostringstream shown;
        cli::render_decision(shown, policy, decision, false);
        if (decision.outcome != Outcome::incomplete) {
          record_round_trip(policy, answers, decision, text);
        }
      });
    }
  });
  return 0;
}
