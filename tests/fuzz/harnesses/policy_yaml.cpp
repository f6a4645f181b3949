// SPDX-License-Identifier: Apache-2.0
// A policy file, as `divert policy lint`, `policy show` and `decide --policy FILE` read it: the
// YAML reader, the loader (with `extends` resolved against the shipped policies), the
// condition parser and type checker, every lint check, and for a policy that loads, each
// `show` format and a decision on no answers. The JSON forms must be valid JSON.
#include "harness.hpp"

#include "core/authoring/policy_lint.hpp"
#include "core/authoring/policy_show.hpp"
#include "core/decision/answers.hpp"
#include "core/decision/decision_json.hpp"
#include "core/decision/evaluate.hpp"

#include <nlohmann/json.hpp>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace divert;
  const PolicyText top{std::string(reinterpret_cast<const char*>(data), size), "fuzz.yaml",
                       fuzz::source_path("policies")};
  const Days today = static_cast<Days>(fuzz::k_now / 86400);
  fuzz::expect_errors([&] {
    const std::vector<Diagnostic> findings = lint_policy_file(top, fuzz::shipped_resolver(), today);
    for (const Diagnostic& d : findings) (void)format_diagnostic(d);
  });
  fuzz::expect_errors([&] {
    const Policy policy = load_policy(top, fuzz::shipped_resolver());
    (void)show_policy_text(policy);
    (void)show_policy_markdown(policy);
    (void)show_policy_dot(policy);
    if (!nlohmann::json::accept(show_policy_json(policy))) {
      fuzz::wrong("policy show --format json is not valid JSON", top.text);
    }
    if (policy.is_abstract) return; // `decide` refuses it
    const Answers none(policy);
    const Decision decision = evaluate(policy, none, today);
    if (!nlohmann::json::accept(decision_json(policy, decision))) {
      fuzz::wrong("a decision that is not valid JSON", top.text);
    }
  });
  return 0;
}
