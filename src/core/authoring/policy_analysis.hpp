// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/policy/policy.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <vector>

namespace divert {

// What can happen to one rule over every kind of case it can see.
struct RuleFacts {
  // False when the rule's inputs are too many or too intertwined to try every kind of case
  // (e.g. count() over a list): then no verdict below may be trusted and lint says nothing.
  bool exact = false;
  bool can_apply = false;  // some case is on one of the rule's pathways
  bool cond_true = false;  // the condition is true in some case the rule applies to
  bool cond_false = false; // ... false in some such case
  bool cond_known = false; // ... known at all in some such case
  // Questions the rule reads that are never asked in any case the rule applies to.
  std::vector<int> never_asked;
  // Require/exclude rules that fail in every case where this rule fires (so this one never
  // decides a case on its own). Empty when the rule never fires.
  std::vector<size_t> implies;

  bool can_fire(Effect effect) const { return effect == Effect::require ? cond_false : cond_true; }
  bool can_pass(Effect effect) const { return effect == Effect::require ? cond_true : cond_false; }
};

// Static analysis of a loaded policy by exhaustive trial over a finite set of sample answers
// that represents every distinct case: each question takes every choice value, both truth
// values, numbers on and either side of every constant it is compared with, and dates on and
// either side of every date constant and every date shift the policy uses (relative to the
// incident date). Conditions compare questions only with constants and shifted dates, so these
// samples cover every region in which a rule's verdict can change.
class PolicyAnalyzer {
public:
  explicit PolicyAnalyzer(const Policy& policy);

  RuleFacts analyze_rule(size_t rule) const;

  // The first require/exclude rule that refuses a case whose only answer is pathway
  // `value` (a value index), or -1 when none does.
  int refusing_rule(int value) const;

  // fired as the evaluator computes it: fails (require/exclude) or holds (approval/notice).
  static Tri rule_fired(const Rule& rule, const EvalInput& input, int pathway);

  // Whether `expr` uses only the constructs the sampling covers.
  bool is_exact(const Expr& expr) const;

private:
  struct Shift {
    int months = 0;
    int days = 0;
    bool operator<(const Shift& o) const {
      return months != o.months ? months < o.months : days < o.days;
    }
  };
  void collect(const Expr& expr, int node, int list_q);
  std::vector<int> closure(const std::vector<int>& reads) const;
  // Each question's samples are made once (per incident date, for the date questions that
  // depend on it) and kept: every rule's check asks for them again.
  const std::vector<Slot>& samples(size_t q, std::optional<Days> incident) const;
  std::vector<Slot> make_samples(size_t q, std::optional<Days> incident) const;
  std::vector<Days> date_samples(size_t q, std::optional<Days> incident) const;
  template <typename Visit> bool enumerate(const std::vector<int>& questions, Visit&& visit) const;

  const Policy& m_policy;
  std::vector<std::vector<double>> m_numbers; // per question: constants it is compared with
  std::vector<std::vector<Days>> m_dates;     // per date question: date constants
  std::vector<Shift> m_shifts;                // date shifts, as written (sign included)
  std::vector<bool> m_rule_exact;             // is_exact of each rule's condition
  // Not thread-safe: an analyzer belongs to one thread (lint's and test's are local).
  mutable std::map<std::pair<size_t, std::optional<Days>>, std::vector<Slot>> m_samples;
};

} // namespace divert
