// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/decision/answers.hpp"
#include "core/decision/answers_json.hpp"
#include "core/decision/evaluate.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace divert {

// One case under one policy version: its outcome and reason ids, or why the line was refused.
struct DiffSide {
  bool error = false;
  std::string message; // when error
  Outcome outcome = Outcome::incomplete;
  std::vector<std::string> reasons; // rule ids, policy rule order
  const char* outcome_text() const { return error ? "error" : outcome_name(outcome); }
};

struct CaseChange {
  size_t line = 0;
  std::string case_id_json; // the case_id as JSON text ("null" when absent)
  DiffSide before;
  DiffSide after;
};

// Compares the decisions of two versions of a policy over a corpus of cases, line by line,
// exactly as two `divert batch` runs would decide them (same reader, same checks, same
// evaluator). A case changed when its outcome or its set of reason ids differs; a line refused
// by one version only is a change to or from outcome "error". Keeps only counts and a few
// examples, so a corpus of any size streams through in constant memory.
class PolicyDiff {
public:
  PolicyDiff(const Policy& before, const Policy& after, std::optional<Days> today);

  // Compares one non-blank line (its CR already stripped). `line` must stay readable for
  // padding() bytes past its end. Returns true, with `change` filled, when the case changed.
  bool compare(std::string_view line, size_t line_number, CaseChange& change);

  static size_t padding() { return JsonCaseReader::padding(); }

  struct Group {
    size_t count = 0;
    size_t gained = 0; // by_rule: cases where the rule is a reason only in the new version
    size_t lost = 0;   // ... only in the old version
    std::vector<std::string> examples; // case ids (or "line N"), the first few
  };

  size_t total() const { return m_total; }
  size_t changed() const { return m_changed; }
  size_t errors_in_both() const { return m_errors_in_both; }
  // "eligible->ineligible" -> cases (reason-only changes appear as "ineligible->ineligible").
  const std::map<std::string, Group>& by_transition() const { return m_by_transition; }
  // Rule id -> cases where it is a reason in exactly one of the versions.
  const std::map<std::string, Group>& by_rule() const { return m_by_rule; }

private:
  struct Side {
    explicit Side(const Policy& p) : policy(p), reader(p), evaluator(p), answers(p) {}
    const Policy& policy;
    JsonCaseReader reader;
    Evaluator evaluator;
    Answers answers;
    Decision decision;
  };
  void decide(Side& side, std::string_view line, DiffSide& out, std::string& case_id);

  Side m_before;
  Side m_after;
  std::optional<Days> m_today;
  size_t m_total = 0;
  size_t m_changed = 0;
  size_t m_errors_in_both = 0;
  std::map<std::string, Group> m_by_transition;
  std::map<std::string, Group> m_by_rule;
};

// One element of the "changes" array of `policy diff --json`, on one line.
std::string change_json(const CaseChange& change);

// The members after "changes" in `policy diff --json`: "total", "changed", "by_transition",
// "by_rule" (without the braces).
std::string diff_totals_json(const PolicyDiff& diff);

// "ex-12" for a case_id, "line 12" otherwise.
std::string case_label(const CaseChange& change);

} // namespace divert
