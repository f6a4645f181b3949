// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/decision/answers.hpp"
#include "core/policy/policy.hpp"

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

// Reusable scratch for batch evaluation, so that evaluating a case allocates nothing.
class Evaluator {
public:
  explicit Evaluator(const Policy& policy);
  void run(const Answers& answers, std::optional<Days> today, Decision& out);

private:
  // What the rules said, as far as the outcome is concerned.
  struct RuleTally {
    bool fails = false;            // a require or exclude rule fired
    bool unknown_gate = false;     // a require or exclude rule may still fire
    bool approval = false;         // an approval rule fired
    bool unknown_approval = false; // an approval rule may still fire
  };

  void reset(Decision& d) const;
  void find_visible(const Answers& answers, Decision& d) const;
  void find_pathway(const Answers& answers, Decision& d) const;
  RuleTally fire_rules(const Answers& answers, Decision& d) const;
  void decide_outcome(const RuleTally& tally, Decision& d) const;
  void note_assumptions(Decision& d) const;
  void find_missing(const Answers& answers, Decision& d) const;
  void find_unused(const Answers& answers, Decision& d) const;
  void add_date_warnings(const Answers& answers, std::optional<Days> today, Decision& d) const;
  Referral make_referral(const Answers& answers, const Decision& d) const;
  static bool applies_to_pathway(const Rule& rule, int pathway);

  const Policy& m_policy;
  std::vector<int> m_asked_when; // questions with an ask-condition, in evaluation order
  // Per question, for find_unused: 1 read by the policy, 2 a declared record-only question.
  std::vector<unsigned char> m_read_or_record;
};

} // namespace divert
