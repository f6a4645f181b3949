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

Evaluator::Evaluator(const Policy& policy)
    : m_policy(policy), m_read_or_record(policy.questions.size(), 0) {
  for (int q : policy.ask_order) {
    if (!policy.questions[static_cast<size_t>(q)].ask.empty()) {
      m_asked_when.push_back(q);
    }
  }
  for (size_t q = 0; q < policy.questions.size(); ++q) {
    m_read_or_record[q] = policy.read_by_policy[q] ? 1 : 0;
  }
  for (int q : policy.record_questions) {
    m_read_or_record[static_cast<size_t>(q)] |= 2;
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

void Evaluator::reset(Decision& d) const {
  d.reasons.clear();
  d.assumed.clear();
  d.notices.clear();
  d.missing.clear();
  d.unused.clear();
  d.warnings.clear();
  d.referral.reset();
  d.visible.assign(m_policy.questions.size(), Tri::yes); // no ask-condition: always asked
  d.fired.assign(m_policy.rules.size(), Tri::unknown);
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

bool Evaluator::applies_to_pathway(const Rule& rule, int pathway) {
  return rule.pathway_values.empty() ||
         std::find(rule.pathway_values.begin(), rule.pathway_values.end(), pathway) !=
             rule.pathway_values.end();
}

// Every rule, three-valued: a rule limited to pathways is unknown while the pathway is; a
// require rule fires when its condition is false, the others when it is true.
Evaluator::RuleTally Evaluator::fire_rules(const Answers& answers, Decision& d) const {
  const EvalInput input{answers.slots.data(), d.visible.data()};
  RuleTally tally;
  for (size_t i = 0; i < m_policy.rules.size(); ++i) {
    const Rule& rule = m_policy.rules[i];
    Tri applies = Tri::yes;
    if (!rule.pathway_values.empty()) {
      applies =
          d.pathway < 0 ? Tri::unknown : (applies_to_pathway(rule, d.pathway) ? Tri::yes : Tri::no);
    }
    Tri fired = Tri::no;
    if (applies != Tri::no) {
      const Tri cond = rule.expr.eval_bool(input);
      fired = tri_and(applies, rule.effect == Effect::require ? tri_not(cond) : cond);
    }
    d.fired[i] = fired;
    switch (rule.effect) {
    case Effect::require:
    case Effect::exclude:
      tally.fails = tally.fails || fired == Tri::yes;
      tally.unknown_gate = tally.unknown_gate || fired == Tri::unknown;
      break;
    case Effect::approval:
      tally.approval = tally.approval || fired == Tri::yes;
      tally.unknown_approval = tally.unknown_approval || fired == Tri::unknown;
      break;
    case Effect::notice:
      if (fired == Tri::yes) d.notices.push_back(&rule);
      break;
    }
  }
  return tally;
}

// A failing gate decides at once, whatever is unknown elsewhere; an approval only once every
// gate has passed; eligible only when nothing is left unknown.
void Evaluator::decide_outcome(const RuleTally& tally, Decision& d) const {
  const auto collect = [&](auto wanted) {
    for (size_t i = 0; i < m_policy.rules.size(); ++i) {
      if (wanted(m_policy.rules[i], d.fired[i])) d.reasons.push_back(&m_policy.rules[i]);
    }
  };
  if (tally.fails) {
    d.outcome = Outcome::ineligible;
    collect([](const Rule& r, Tri t) {
      return t == Tri::yes && (r.effect == Effect::require || r.effect == Effect::exclude);
    });
  } else if (tally.unknown_gate) {
    d.outcome = Outcome::incomplete;
  } else if (tally.approval) {
    d.outcome = Outcome::needs_approval;
    collect([](const Rule& r, Tri t) { return t == Tri::yes && r.effect == Effect::approval; });
  } else if (tally.unknown_approval) {
    d.outcome = Outcome::incomplete;
  } else {
    d.outcome = Outcome::eligible;
  }
}

// Every require and exclude rule that applied and passed let the person through; those
// resting on the model's own choice are named, so an officer sees what is not published.
void Evaluator::note_assumptions(Decision& d) const {
  for (size_t i = 0; i < m_policy.rules.size(); ++i) {
    const Rule& r = m_policy.rules[i];
    const bool gate = r.effect == Effect::require || r.effect == Effect::exclude;
    if (gate && applies_to_pathway(r, d.pathway) && d.fired[i] == Tri::no &&
        (r.basis == Basis::assumed || !r.assumption.empty())) {
      d.assumed.push_back(&r);
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
  for (size_t q = 0; q < m_read_or_record.size(); ++q) {
    const unsigned char flags = m_read_or_record[q];
    if (!answers.slots[q].present || ((flags & 1) != 0 && d.visible[q] == Tri::yes)) continue;
    if ((flags & 2) == 0) d.unused.push_back(static_cast<int>(q));
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
  const std::string pathway_code = d.pathway >= 0
                                       ? p.questions[static_cast<size_t>(p.pathway_question)]
                                             .values[static_cast<size_t>(d.pathway)]
                                             .code
                                       : std::string();
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
