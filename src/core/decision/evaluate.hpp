// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/decision/answers.hpp"
#include "core/policy/policy.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace divert {

enum class Outcome : std::uint8_t { eligible, ineligible, needs_approval, incomplete };
const char* outcome_name(Outcome outcome);

struct Referral {
  std::string provider;
  std::string contact;
  std::optional<Days> intake_deadline;
  std::string approver; // empty: none needed
};

// The decision on one case, and enough of the evaluation to explain it.
struct Decision {
  Outcome outcome = Outcome::incomplete;
  int pathway = -1;                 // value index of the pathway, -1 when unknown
  std::vector<const Rule*> reasons; // policy rule order
  std::vector<const Rule*> notices; // policy rule order
  // eligible or needs_approval: the require/exclude rules that passed and rest (in whole or in
  // part) on the model's assumption rather than a published or reported criterion
  std::vector<const Rule*> assumed;
  std::vector<int> missing; // question indices, policy question order
  std::vector<int> unused;  // question indices, policy question order
  std::vector<std::string> warnings;
  std::optional<Referral> referral;

  std::vector<Tri> visible; // per question: its ask-condition holds
  std::vector<Tri> fired;   // per rule: fails (require/exclude) or holds (approval/notice)
};

// Evaluates `answers` under `policy`, exactly as the checklist vocabulary orders it.
// `today` (from the front-end's clock) adds a warning for an incident dated in the future.
Decision evaluate(const Policy& policy, const Answers& answers, std::optional<Days> today);

// Reusable scratch for batch evaluation, so that evaluating a case allocates nothing. What
// depends only on the policy (which rules apply on which pathway, which answers may go unused)
// is worked out once here, so that a case costs little more than its conditions.
class Evaluator {
public:
  explicit Evaluator(const Policy& policy);
  void run(const Answers& answers, std::optional<Days> today, Decision& out);

private:
  // The three kinds of rule as the outcome counts them.
  enum class Kind : std::uint8_t { gate, approval, notice };
  struct RulePlan {
    const Rule* rule;
    Kind kind;
    bool fires_when_false; // require: fires when its condition is false
    // A condition that is one test of answers (most are), copied with a require rule's `not`
    // folded in: its truth is whether the rule fires, with no step between.
    bool one_test;
    ExprStep firing_test;
  };
  // Which truths (bit 1 << Tri) the rules of each kind came to.
  using RuleTally = std::array<unsigned, 3>;

  void reset(Decision& d) const;
  void find_visible(const Answers& answers, Decision& d) const;
  void find_pathway(const Answers& answers, Decision& d) const;
  const Tri* applicability(int pathway) const;
  RuleTally fire_rules(const Answers& answers, Decision& d);
  void decide_outcome(const RuleTally& tally, Decision& d) const;
  void note_assumptions(Decision& d) const;
  void find_missing(const Answers& answers, Decision& d) const;
  void find_unused(const Answers& answers, Decision& d) const;
  void add_date_warnings(const Answers& answers, std::optional<Days> today, Decision& d) const;
  Referral make_referral(const Answers& answers, const Decision& d) const;

  const Policy& m_policy;
  std::vector<int> m_asked_when; // questions with an ask-condition, in evaluation order
  std::vector<RulePlan> m_rules; // per rule
  // Per row, per rule: whether the rule applies. Row 0: the pathway is unknown; row 1 + v: the
  // pathway is value v; the last row: a pathway no rule names.
  std::vector<Tri> m_applies;
  size_t m_rows = 0;
  std::vector<int> m_assumable; // require/exclude rules resting on the model's assumption
  // The questions whose answer may go unused: not record-only, and either read by no rule or
  // asked only under a condition (then `read` says the answer is used whenever it is asked).
  struct UnusedCandidate {
    int q;
    bool read;
  };
  std::vector<UnusedCandidate> m_maybe_unused;
  std::vector<const Rule*> m_approvals; // scratch: the approval rules that fired
};

} // namespace divert
