// SPDX-License-Identifier: Apache-2.0
#include "core/decision/evaluate.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace divert {

const char* outcome_name(Outcome outcome) {
  switch (outcome) {
  case Outcome::eligible: return "eligible";
  case Outcome::ineligible: return "ineligible";
  case Outcome::needs_approval: return "needs_approval";
  case Outcome::incomplete: return "incomplete";
  }
  return "?";
}

namespace {

bool is_gate(Effect effect) { return effect == Effect::require || effect == Effect::exclude; }

} // namespace

Evaluator::Evaluator(const Policy& policy) : m_policy(policy) {
  for (int q : policy.ask_order) {
    if (!policy.questions[static_cast<size_t>(q)].ask.empty()) m_asked_when.push_back(q);
  }
  const size_t pathways =
      policy.pathway_question >= 0
          ? policy.questions[static_cast<size_t>(policy.pathway_question)].values.size()
          : 0;
  m_rows = pathways + 2;
  m_applies.assign(m_rows * policy.rules.size(), Tri::yes);
  for (size_t i = 0; i < policy.rules.size(); ++i) {
    const Rule& r = policy.rules[i];
    const Kind kind = is_gate(r.effect)              ? Kind::gate
                      : r.effect == Effect::approval ? Kind::approval
                                                     : Kind::notice;
    RulePlan& plan =
        m_rules.emplace_back(RulePlan{&r, kind, r.effect == Effect::require, false, {}});
    if (const ExprStep* test = r.expr.single_test()) {
      plan.one_test = true;
      plan.firing_test = *test;
      if (plan.fires_when_false) plan.firing_test.negate = !plan.firing_test.negate;
    }
    if (kind == Kind::gate && (r.basis == Basis::assumed || !r.assumption.empty())) {
      m_assumable.push_back(static_cast<int>(i));
    }
    if (r.pathway_values.empty()) continue;
    // A rule limited to pathways is unknown while the pathway is.
    for (size_t row = 0; row < m_rows; ++row) {
      const int pathway = static_cast<int>(row) - 1;
      const bool listed = std::find(r.pathway_values.begin(), r.pathway_values.end(), pathway) !=
                          r.pathway_values.end();
      m_applies[row * policy.rules.size() + i] =
          row == 0 ? Tri::unknown : (listed ? Tri::yes : Tri::no);
    }
  }
  std::vector<bool> record(policy.questions.size(), false);
  for (int q : policy.record_questions) record[static_cast<size_t>(q)] = true;
  for (size_t q = 0; q < policy.questions.size(); ++q) {
    const bool read = policy.read_by_policy[q];
    if (!record[q] && (!read || !policy.questions[q].ask.empty())) {
      m_maybe_unused.push_back({static_cast<int>(q), read});
    }
  }
}

Decision evaluate(const Policy& policy, const Answers& answers, std::optional<Days> today) {
  Decision decision;
  Evaluator(policy).run(answers, today, decision);
  return decision;
}

// A decision is made in stages, each a pass over the rules or questions (see the comment on
// each): which answers may be read, which rules fire, the outcome and its reasons, the model's
// assumptions it relied on, what is missing, what was not used, date warnings, the referral.
void Evaluator::run(const Answers& answers, std::optional<Days> today, Decision& d) {
  reset(d);
  find_visible(answers, d);
  find_pathway(answers, d);
  const RuleTally tally = fire_rules(answers, d);
  decide_outcome(tally, d);
  if (d.outcome == Outcome::eligible || d.outcome == Outcome::needs_approval) {
    note_assumptions(d);
  }
  if (d.outcome == Outcome::incomplete) {
    find_missing(answers, d);
  }
  find_unused(answers, d);
  add_date_warnings(answers, today, d);
  if ((d.outcome == Outcome::eligible || d.outcome == Outcome::needs_approval) &&
      !m_policy.providers.empty()) {
    d.referral = make_referral(answers, d);
  }
}

// Questions without an ask-condition are always asked; fire_rules sets every rule's entry.
void Evaluator::reset(Decision& d) const {
  d.reasons.clear();
  d.assumed.clear();
  d.notices.clear();
  d.missing.clear();
  d.unused.clear();
  d.warnings.clear();
  d.referral.reset();
  d.visible.assign(m_policy.questions.size(), Tri::yes);
  d.fired.resize(m_policy.rules.size());
}

// An answer is readable only while its question's ask-condition is true on the others
// (conditions are evaluated in ask order, so each sees the visibility of those before it).
void Evaluator::find_visible(const Answers& answers, Decision& d) const {
  const EvalInput input{answers.slots.data(), d.visible.data()};
  for (int q : m_asked_when) {
    d.visible[static_cast<size_t>(q)] =
        m_policy.questions[static_cast<size_t>(q)].ask.eval_bool(input);
  }
}

void Evaluator::find_pathway(const Answers& answers, Decision& d) const {
  d.pathway = -1;
  if (m_policy.pathway_question >= 0) {
    const auto pq = static_cast<size_t>(m_policy.pathway_question);
    if (d.visible[pq] == Tri::yes && answers.slots[pq].present) {
      d.pathway = static_cast<int>(answers.slots[pq].x);
    }
  }
}

// Per rule, whether it applies on `pathway` (-1: unknown).
const Tri* Evaluator::applicability(int pathway) const {
  const size_t row = std::min(static_cast<size_t>(pathway + 1), m_rows - 1);
  return m_applies.data() + row * m_rules.size();
}

// Every rule, three-valued: a rule that does not apply does not fire; a require rule fires when
// its condition is false, the others when it is true. The rules that fire are collected as
// they go, in policy order: the gates as the reasons of an ineligible outcome, the approvals
// as those of needs_approval (decide_outcome keeps the right ones).
Evaluator::RuleTally Evaluator::fire_rules(const Answers& answers, Decision& d) {
  const EvalInput input{answers.slots.data(), d.visible.data()};
  const Tri* applies = applicability(d.pathway);
  RuleTally tally{};
  m_approvals.clear();
  // Locals, which stay in registers across the stores below (see PlainLineReader::read).
  const RulePlan* const plans = m_rules.data();
  const size_t rule_count = m_rules.size();
  Tri* const fired_out = d.fired.data();
  for (size_t i = 0; i < rule_count; ++i) {
    const RulePlan& plan = plans[i];
    Tri fired = Tri::no;
    if (applies[i] != Tri::no) {
      Tri fires = Tri::no;
      if (plan.one_test) {
        fires = plan.rule->expr.test_truth(plan.firing_test, input);
      } else {
        const Tri cond = plan.rule->expr.eval_bool(input);
        fires = plan.fires_when_false ? tri_not(cond) : cond;
      }
      fired = applies[i] == Tri::yes ? fires : tri_and(applies[i], fires);
    }
    fired_out[i] = fired;
    tally[static_cast<size_t>(plan.kind)] |= 1u << static_cast<unsigned>(fired);
    if (fired != Tri::yes) continue;
    switch (plan.kind) {
    case Kind::gate: d.reasons.push_back(plan.rule); break;
    case Kind::approval: m_approvals.push_back(plan.rule); break;
    case Kind::notice: d.notices.push_back(plan.rule); break;
    }
  }
  return tally;
}

// A failing gate decides at once, whatever is unknown elsewhere; an approval only once every
// gate has passed; eligible only when nothing is left unknown.
void Evaluator::decide_outcome(const RuleTally& tally, Decision& d) const {
  const auto came_to = [&](Kind kind, Tri t) {
    return (tally[static_cast<size_t>(kind)] & (1u << static_cast<unsigned>(t))) != 0;
  };
  if (came_to(Kind::gate, Tri::yes)) {
    d.outcome = Outcome::ineligible; // the reasons are the gates that fired
    return;
  }
  d.reasons.clear();
  if (came_to(Kind::gate, Tri::unknown)) {
    d.outcome = Outcome::incomplete;
  } else if (came_to(Kind::approval, Tri::yes)) {
    d.outcome = Outcome::needs_approval;
    d.reasons = m_approvals;
  } else if (came_to(Kind::approval, Tri::unknown)) {
    d.outcome = Outcome::incomplete;
  } else {
    d.outcome = Outcome::eligible;
  }
}

// Every require and exclude rule that applied and passed let the person through; those
// resting on the model's own choice are named, so an officer sees what is not published.
void Evaluator::note_assumptions(Decision& d) const {
  const Tri* applies = applicability(d.pathway);
  for (int i : m_assumable) {
    const auto at = static_cast<size_t>(i);
    if (applies[at] == Tri::yes && d.fired[at] == Tri::no) {
      d.assumed.push_back(m_rules[at].rule);
    }
  }
}

// What is still needed: unanswered, askable questions read by the rules still undecided.
void Evaluator::find_missing(const Answers& answers, Decision& d) const {
  const size_t nq = m_policy.questions.size();
  std::vector<bool> needed(nq, false);
  for (size_t i = 0; i < m_policy.rules.size(); ++i) {
    if (d.fired[i] == Tri::unknown && m_policy.rules[i].effect != Effect::notice) {
      for (int q : m_policy.rules[i].reads) needed[static_cast<size_t>(q)] = true;
    }
  }
  for (size_t q = 0; q < nq; ++q) {
    if (needed[q] && !answers.slots[q].present && d.visible[q] == Tri::yes) {
      d.missing.push_back(static_cast<int>(q));
    }
  }
}

// Answers no rule could read (never read, or their question not asked in this case), except
// the record-only questions the policy declares.
void Evaluator::find_unused(const Answers& answers, Decision& d) const {
  for (const UnusedCandidate& c : m_maybe_unused) {
    const auto q = static_cast<size_t>(c.q);
    if (answers.slots[q].present && !(c.read && d.visible[q] == Tri::yes)) {
      d.unused.push_back(c.q);
    }
  }
}

// The incident date against the policy's own dates, and against today when it is known.
void Evaluator::add_date_warnings(const Answers& answers, std::optional<Days> today,
                                  Decision& d) const {
  const Policy& p = m_policy;
  if (p.incident_date_question < 0) return;
  const Slot& incident = answers.slots[static_cast<size_t>(p.incident_date_question)];
  if (!incident.present) return;
  const auto day = static_cast<Days>(incident.x);
  if (p.effective && day < *p.effective) {
    d.warnings.push_back(fmt::format("incident_date is before the policy's effective date {}",
                                     format_date(*p.effective)));
  }
  if (p.until && day >= *p.until) {
    d.warnings.push_back(fmt::format("the policy ended on {}{}: incident_date is on or after "
                                     "it",
                                     format_date(*p.until),
                                     p.until_reason.empty() ? "" : " (" + p.until_reason + ")"));
  }
  if (p.expires && day > *p.expires) {
    d.warnings.push_back(
        fmt::format("incident_date is after the policy's end date {}", format_date(*p.expires)));
  }
  if (today && day > *today) {
    d.warnings.push_back(
        fmt::format("incident_date {} is after today ({})", format_date(day), format_date(*today)));
  }
}

// The first provider serving the case's pathway (or serving all), the intake deadline where
// the policy sets an intake period for that pathway, and who approves.
Referral Evaluator::make_referral(const Answers& answers, const Decision& d) const {
  const Policy& p = m_policy;
  const std::string_view pathway_code = d.pathway >= 0
                                            ? p.questions[static_cast<size_t>(p.pathway_question)]
                                                  .values[static_cast<size_t>(d.pathway)]
                                                  .code
                                            : std::string_view();
  const auto serves = [&](const std::vector<std::string>& pathways) {
    return std::find(pathways.begin(), pathways.end(), pathway_code) != pathways.end();
  };
  const Provider* provider = &p.providers.front();
  for (const Provider& candidate : p.providers) {
    if (candidate.pathways.empty() || serves(candidate.pathways)) {
      provider = &candidate;
      break;
    }
  }
  Referral referral;
  referral.provider = provider->name;
  referral.contact = provider->contact;
  if (p.intake_days && p.incident_date_question >= 0 && serves(p.intake_pathways)) {
    const Slot& incident = answers.slots[static_cast<size_t>(p.incident_date_question)];
    if (incident.present) referral.intake_deadline = static_cast<Days>(incident.x) + *p.intake_days;
  }
  for (const Rule* r : d.reasons) {
    if (r->effect == Effect::approval && !r->approver.empty() &&
        referral.approver.find(r->approver) == std::string::npos) {
      referral.approver += (referral.approver.empty() ? "" : "; ") + r->approver;
    }
  }
  return referral;
}

} // namespace divert
