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

Evaluator::Evaluator(const Policy& policy) : m_policy(policy) {
  for (int q : policy.ask_order) {
    if (!policy.questions[static_cast<size_t>(q)].ask.empty()) {
      m_asked_when.push_back(q);
    }
  }
}

Decision evaluate(const Policy& policy, const Answers& answers, std::optional<Days> today) {
  Decision decision;
  Evaluator(policy).run(answers, today, decision);
  return decision;
}

void Evaluator::run(const Answers& answers, std::optional<Days> today, Decision& d) {
  const Policy& p = m_policy;
  const size_t nq = p.questions.size();
  d.reasons.clear();
  d.assumed.clear();
  d.notices.clear();
  d.missing.clear();
  d.unused.clear();
  d.warnings.clear();
  d.referral.reset();
  d.visible.assign(nq, Tri::yes); // a question without an ask-condition is always asked
  d.fired.assign(p.rules.size(), Tri::unknown);

  // An answer is readable only while its question's ask-condition is true on the others.
  EvalInput input{answers.slots.data(), d.visible.data()};
  for (int q : m_asked_when) {
    d.visible[static_cast<size_t>(q)] = p.questions[static_cast<size_t>(q)].ask.eval_bool(input);
  }

  d.pathway = -1;
  if (p.pathway_question >= 0) {
    const auto pq = static_cast<size_t>(p.pathway_question);
    if (d.visible[pq] == Tri::yes && answers.slots[pq].present) {
      d.pathway = static_cast<int>(answers.slots[pq].x);
    }
  }

  bool any_fails = false;
  bool any_unknown_gate = false;
  bool any_approval = false;
  bool any_unknown_approval = false;
  for (size_t i = 0; i < p.rules.size(); ++i) {
    const Rule& rule = p.rules[i];
    Tri applies = Tri::yes;
    if (!rule.pathway_values.empty()) {
      applies = d.pathway < 0 ? Tri::unknown
                              : (std::find(rule.pathway_values.begin(), rule.pathway_values.end(),
                                           d.pathway) != rule.pathway_values.end()
                                     ? Tri::yes
                                     : Tri::no);
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
      any_fails = any_fails || fired == Tri::yes;
      any_unknown_gate = any_unknown_gate || fired == Tri::unknown;
      break;
    case Effect::approval:
      any_approval = any_approval || fired == Tri::yes;
      any_unknown_approval = any_unknown_approval || fired == Tri::unknown;
      break;
    case Effect::notice:
      if (fired == Tri::yes) {
        d.notices.push_back(&rule);
      }
      break;
    }
  }

  auto collect = [&](auto wanted) {
    for (size_t i = 0; i < p.rules.size(); ++i) {
      if (wanted(p.rules[i], d.fired[i])) {
        d.reasons.push_back(&p.rules[i]);
      }
    }
  };
  if (any_fails) {
    d.outcome = Outcome::ineligible;
    collect([](const Rule& r, Tri t) {
      return t == Tri::yes && (r.effect == Effect::require || r.effect == Effect::exclude);
    });
  } else if (any_unknown_gate) {
    d.outcome = Outcome::incomplete;
  } else if (any_approval) {
    d.outcome = Outcome::needs_approval;
    collect([](const Rule& r, Tri t) { return t == Tri::yes && r.effect == Effect::approval; });
  } else if (any_unknown_approval) {
    d.outcome = Outcome::incomplete;
  } else {
    d.outcome = Outcome::eligible;
  }
  if (d.outcome == Outcome::eligible || d.outcome == Outcome::needs_approval) {
    // Every require and exclude rule that applied and passed let the person through; those
    // resting on the model's own choice are named, so an officer sees what is not published.
    for (size_t i = 0; i < p.rules.size(); ++i) {
      const Rule& r = p.rules[i];
      const bool gate = r.effect == Effect::require || r.effect == Effect::exclude;
      const bool applies = r.pathway_values.empty() ||
                           std::find(r.pathway_values.begin(), r.pathway_values.end(),
                                     d.pathway) != r.pathway_values.end();
      if (gate && applies && d.fired[i] == Tri::no &&
          (r.basis == Basis::assumed || !r.assumption.empty())) {
        d.assumed.push_back(&r);
      }
    }
  }

  if (d.outcome == Outcome::incomplete) {
    // What is still needed: unanswered, askable questions read by the rules still undecided.
    std::vector<bool> needed(nq, false);
    for (size_t i = 0; i < p.rules.size(); ++i) {
      if (d.fired[i] == Tri::unknown && p.rules[i].effect != Effect::notice) {
        for (int q : p.rules[i].reads) {
          needed[static_cast<size_t>(q)] = true;
        }
      }
    }
    for (size_t q = 0; q < nq; ++q) {
      if (needed[q] && !answers.slots[q].present && d.visible[q] == Tri::yes) {
        d.missing.push_back(static_cast<int>(q));
      }
    }
  }

  for (size_t q = 0; q < nq; ++q) {
    if (!answers.slots[q].present) {
      continue;
    }
    if (!p.read_by_policy[q] || d.visible[q] != Tri::yes) {
      const bool declared_record = std::find(p.record_questions.begin(), p.record_questions.end(),
                                             static_cast<int>(q)) != p.record_questions.end();
      if (declared_record) {
        continue;
      }
      d.unused.push_back(static_cast<int>(q));
    }
  }

  if (p.incident_date_question >= 0) {
    const Slot& incident = answers.slots[static_cast<size_t>(p.incident_date_question)];
    if (incident.present) {
      const auto day = static_cast<Days>(incident.x);
      if (p.effective && day < *p.effective) {
        d.warnings.push_back(fmt::format("incident_date is before the policy's effective date {}",
                                         format_date(*p.effective)));
      }
      if (p.until && day >= *p.until) {
        d.warnings.push_back(fmt::format("the policy ended on {}{}: incident_date is on or after "
                                         "it", format_date(*p.until),
                                         p.until_reason.empty() ? "" : " (" + p.until_reason + ")"));
      }
      if (p.expires && day > *p.expires) {
        d.warnings.push_back(fmt::format("incident_date is after the policy's end date {}",
                                         format_date(*p.expires)));
      }
      if (today && day > *today) {
        d.warnings.push_back(fmt::format("incident_date {} is after today ({})", format_date(day),
                                         format_date(*today)));
      }
    }
  }

  if ((d.outcome == Outcome::eligible || d.outcome == Outcome::needs_approval) &&
      !p.providers.empty()) {
    const std::string pathway_code =
        d.pathway >= 0
            ? p.questions[static_cast<size_t>(p.pathway_question)].values[static_cast<size_t>(d.pathway)].code
            : std::string();
    const Provider* provider = &p.providers.front();
    for (const Provider& candidate : p.providers) {
      if (candidate.pathways.empty() ||
          std::find(candidate.pathways.begin(), candidate.pathways.end(), pathway_code) !=
              candidate.pathways.end()) {
        provider = &candidate;
        break;
      }
    }
    Referral referral;
    referral.provider = provider->name;
    referral.contact = provider->contact;
    const Slot& incident = answers.slots[static_cast<size_t>(p.incident_date_question)];
    if (p.intake_days && incident.present &&
        std::find(p.intake_pathways.begin(), p.intake_pathways.end(), pathway_code) !=
            p.intake_pathways.end()) {
      referral.intake_deadline = static_cast<Days>(incident.x) + *p.intake_days;
    }
    for (const Rule* r : d.reasons) {
      if (r->effect == Effect::approval && !r->approver.empty() &&
          referral.approver.find(r->approver) == std::string::npos) {
        referral.approver += (referral.approver.empty() ? "" : "; ") + r->approver;
      }
    }
    d.referral = std::move(referral);
  }
}

} // namespace divert
