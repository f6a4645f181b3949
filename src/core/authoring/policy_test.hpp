// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/decision/answers.hpp"
#include "core/decision/evaluate.hpp"
#include "core/base/yaml_doc.hpp"

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
  const YamlNode* expect_key = nullptr; // where `expect:` is, for --update
  const YamlNode* expect_value = nullptr;
  explicit PolicyTestCase(const Policy& policy) : answers(policy) {}
};

struct PolicyTestFile {
  std::vector<PolicyTestCase> cases;
};

struct CaseResult {
  std::string name;
  int line = 0;
  bool passed = true;
  std::vector<std::string> differences; // "outcome: expected eligible, got ineligible", ...
  // Per rule that explains the difference: its verdict and the answers it read.
  std::vector<std::string> mattered;
  Decision decision; // the actual decision
};

// Reads a test file: `cases:` a list of {name, answers, expect: {outcome, reasons, notices,
// missing}}. reasons and notices default to none; missing is checked only when given. The
// cases keep pointers into `doc`, which must outlive them.
PolicyTestFile read_policy_tests(const YamlDocument& doc, const Policy& policy);

std::vector<CaseResult> run_policy_tests(const Policy& policy, const PolicyTestFile& tests,
                                         std::optional<Days> today);

// The test file's text with the expectations of every failed case replaced by what the policy
// now decides (names, answers, comments and passing cases untouched), for a human to review.
std::string update_policy_tests(const YamlDocument& doc, const Policy& policy,
                                const PolicyTestFile& tests,
                                const std::vector<CaseResult>& results);

// Clause coverage of a policy by its tests: every rule fired and cleared (known not to fire),
// every question the policy reads asked, every value of those choice questions tried. A rule
// outcome that no case can produce (static analysis, see PolicyAnalyzer) is not counted.
class TestCoverage {
public:
  explicit TestCoverage(const Policy& policy);
  void add(const Answers& answers, const Decision& decision);

  size_t covered() const;
  size_t total() const;
  double percent() const; // 100 when there is nothing to cover
  // One line per uncovered item, in policy order: "rule 'x' (exclude) never fired".
  std::vector<std::string> uncovered() const;

private:
  const Policy& m_policy;
  std::vector<bool> m_fired, m_cleared; // per rule
  // Per rule: whether a case can fire (clear) it at all. A rule that holds by design can never
  // be cleared: counting that would keep every such policy under 100%.
  std::vector<bool> m_can_fire, m_can_clear;
  std::vector<bool> m_asked;              // per question
  std::vector<std::vector<bool>> m_tried; // per question: per choice value
  size_t m_cases = 0;
};

} // namespace divert
