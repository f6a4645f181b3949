// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/answers.hpp"
#include "core/evaluate.hpp"
#include "core/yaml_doc.hpp"

#include <optional>
#include <string>
#include <vector>

namespace divert {

struct PolicyTestCase {
  std::string name;
  int line = 0;
  Answers answers;
  std::optional<Outcome> outcome;
  std::vector<std::string> reasons; // compared as sets
  std::vector<std::string> notices; // compared as sets
  std::optional<std::vector<std::string>> missing;
  explicit PolicyTestCase(const Policy& policy) : answers(policy) {}
};

struct PolicyTestFile {
  std::vector<PolicyTestCase> cases;
};

struct CaseResult {
  std::string name;
  int line = 0;
  bool passed = true;
  std::vector<std::string> differences; // "expected ... but got ..." lines
};

// Reads a test file: `cases:` a list of {name, answers, expect: {outcome, reasons, notices,
// missing}}. reasons and notices default to none; missing is checked only when given.
PolicyTestFile read_policy_tests(const YamlDocument& doc, const Policy& policy);

std::vector<CaseResult> run_policy_tests(const Policy& policy, const PolicyTestFile& tests,
                                         std::optional<Days> today);

// Lint checks beyond what loading already enforces (see divert-policy(5), LINT CHECKS).
std::vector<Diagnostic> lint_policy(const Policy& policy, Days today);

} // namespace divert
