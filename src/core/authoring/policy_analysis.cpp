// SPDX-License-Identifier: Apache-2.0
#include "core/authoring/policy_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <unordered_set>

namespace divert {

namespace {

using Op = ExprNode::Op;

// Beyond this many sample cases per rule the analysis gives no verdict rather than be slow.
constexpr double k_max_cases = 200000;

// An incident date far from any date constant a policy is likely to use.
constexpr Days k_base_incident = 19784; // 2024-03-02

bool is_comparison(Op op) {
  return op == Op::eq || op == Op::ne || op == Op::lt || op == Op::le || op == Op::gt ||
         op == Op::ge;
}

} // namespace

PolicyAnalyzer::PolicyAnalyzer(const Policy& policy)
    : m_policy(policy), m_numbers(policy.questions.size()), m_dates(policy.questions.size()) {
  for (const Rule& rule : policy.rules) {
    if (!rule.expr.empty()) {
      collect(rule.expr, static_cast<int>(rule.expr.nodes().size()) - 1, -1);
    }
  }
  for (const Question& q : policy.questions) {
    if (!q.ask.empty()) {
      collect(q.ask, static_cast<int>(q.ask.nodes().size()) - 1, -1);
    }
  }
  std::sort(m_shifts.begin(), m_shifts.end());
  m_shifts.erase(std::unique(m_shifts.begin(), m_shifts.end(),
                             [](const Shift& a, const Shift& b) { return !(a < b) && !(b < a); }),
                 m_shifts.end());
  for (const Rule& rule : policy.rules) {
    m_rule_exact.push_back(is_exact(rule.expr));
  }
}

// Gathers the constants each question is compared with, walking from the root so that an
// item's `date` inside any(list, ...) is attributed to that list question.
void PolicyAnalyzer::collect(const Expr& expr, int index, int list_q) {
  if (index < 0) {
    return;
  }
  const std::vector<ExprNode>& nodes = expr.nodes();
  const ExprNode& n = nodes[static_cast<size_t>(index)];
  if (n.op == Op::any || n.op == Op::count) {
    collect(expr, n.a, n.q);
    return;
  }
  if (n.op == Op::add_months) {
    m_shifts.push_back(Shift{n.months, static_cast<int>(n.x)});
  }
  auto note_constant = [&](const ExprNode& side, double x) {
    if (side.op == Op::answer && side.type == ValueType::number) {
      m_numbers[static_cast<size_t>(side.q)].push_back(x); // sorted and made unique in samples
    } else if (side.op == Op::answer && side.type == ValueType::date) {
      m_dates[static_cast<size_t>(side.q)].push_back(static_cast<Days>(x));
    } else if (side.op == Op::field_date && list_q >= 0) {
      m_dates[static_cast<size_t>(list_q)].push_back(static_cast<Days>(x));
    } else if (side.op == Op::years_between) {
      // Ages on either side of a birthday: the earlier date k years before the later one gives
      // k and k - 1; k + 1 years before gives k + 1 (without it, `age <= 100` held in every
      // sample, and lint called it always true).
      m_shifts.push_back(Shift{-12 * static_cast<int>(x), 0});
      m_shifts.push_back(Shift{-12 * (static_cast<int>(x) + 1), 0});
    } else if (side.op == Op::months_between) {
      m_shifts.push_back(Shift{-static_cast<int>(x), 0});
      m_shifts.push_back(Shift{-(static_cast<int>(x) + 1), 0});
    }
  };
  if (is_comparison(n.op)) {
    const ExprNode& l = nodes[static_cast<size_t>(n.a)];
    const ExprNode& r = nodes[static_cast<size_t>(n.b)];
    if (r.op == Op::constant) note_constant(l, r.x);
    if (l.op == Op::constant) note_constant(r, l.x);
  }
  if (n.op == Op::in || n.op == Op::not_in) {
    for (double x : n.set) note_constant(nodes[static_cast<size_t>(n.a)], x);
  }
  collect(expr, n.a, list_q);
  collect(expr, n.b, list_q);
}

bool PolicyAnalyzer::is_exact(const Expr& expr) const {
  const std::vector<ExprNode>& nodes = expr.nodes();
  std::map<int, int> lists;
  for (const ExprNode& n : nodes) {
    if (n.op == Op::count) {
      return false; // a count needs lists of every length: not sampled
    }
    if (n.op == Op::answered) {
      return false; // the samples are all answers: "not answered" is not sampled
    }
    if (n.op == Op::any && ++lists[n.q] > 1) {
      return false; // two any() over one list need lists of two different items
    }
    if (is_comparison(n.op) && nodes[static_cast<size_t>(n.a)].type == ValueType::number) {
      const ExprNode& l = nodes[static_cast<size_t>(n.a)];
      const ExprNode& r = nodes[static_cast<size_t>(n.b)];
      auto sampled = [](const ExprNode& side) {
        return side.op == Op::answer || side.op == Op::years_between ||
               side.op == Op::months_between;
      };
      const bool covered = (l.op == Op::constant && (sampled(r) || r.op == Op::constant)) ||
                           (r.op == Op::constant && sampled(l));
      if (!covered) {
        return false; // two varying numbers compared: their relation is not sampled
      }
    }
  }
  return true;
}

std::vector<int> PolicyAnalyzer::closure(const std::vector<int>& reads) const {
  std::vector<bool> in(m_policy.questions.size(), false);
  std::vector<int> stack;
  for (int q : reads) {
    if (!in[static_cast<size_t>(q)]) {
      in[static_cast<size_t>(q)] = true;
      stack.push_back(q);
    }
  }
  while (!stack.empty()) {
    const int q = stack.back();
    stack.pop_back();
    for (int dep : m_policy.questions[static_cast<size_t>(q)].ask.reads()) {
      if (!in[static_cast<size_t>(dep)]) {
        in[static_cast<size_t>(dep)] = true;
        stack.push_back(dep);
      }
    }
  }
  // The incident date first: other dates are sampled relative to it.
  std::vector<int> out;
  if (m_policy.incident_date_question >= 0 &&
      in[static_cast<size_t>(m_policy.incident_date_question)]) {
    out.push_back(m_policy.incident_date_question);
  }
  for (size_t q = 0; q < in.size(); ++q) {
    if (in[q] && static_cast<int>(q) != m_policy.incident_date_question) {
      out.push_back(static_cast<int>(q));
    }
  }
  return out;
}

std::vector<Days> PolicyAnalyzer::date_samples(size_t q, std::optional<Days> incident) const {
  std::vector<Days> out;
  auto add = [&](Days d) {
    if (std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
  };
  for (Days c : m_dates[q]) {
    add(c - 1);
    add(c);
    add(c + 1);
  }
  if (static_cast<int>(q) == m_policy.incident_date_question) {
    add(k_base_incident);
    return out;
  }
  const Days ref = incident.value_or(k_base_incident);
  add(ref);
  add(ref - 1);
  add(add_months(ref, -1200));
  for (const Shift& s : m_shifts) {
    for (int sign : {1, -1}) {
      const Days shifted = add_months(ref, sign * s.months) + sign * s.days;
      add(shifted - 1);
      add(shifted);
      add(shifted + 1);
    }
  }
  if (m_policy.questions[q].past && incident) {
    // A past event after the incident is an input error, never a case.
    out.erase(std::remove_if(out.begin(), out.end(), [&](Days d) { return d > *incident; }),
              out.end());
  }
  return out;
}

const std::vector<Slot>& PolicyAnalyzer::samples(size_t q, std::optional<Days> incident) const {
  const QuestionType type = m_policy.questions[q].type;
  if (type != QuestionType::date && type != QuestionType::convictions) {
    incident.reset(); // the others' samples do not depend on it
  }
  auto [at, made] = m_samples.try_emplace({q, incident});
  if (made) {
    at->second = make_samples(q, incident);
  }
  return at->second;
}

std::vector<Slot> PolicyAnalyzer::make_samples(size_t q, std::optional<Days> incident) const {
  const Question& question = m_policy.questions[q];
  std::vector<Slot> out;
  auto value = [&](double x) {
    Slot s;
    s.present = true;
    s.x = x;
    out.push_back(std::move(s));
  };
  switch (question.type) {
  case QuestionType::boolean:
    value(0);
    value(1);
    break;
  case QuestionType::choice:
    for (size_t i = 0; i < question.values.size(); ++i) value(static_cast<double>(i));
    break;
  case QuestionType::number:
  case QuestionType::integer: {
    // Every region between the constants, the constants themselves and the bounds.
    std::vector<double> points = m_numbers[q];
    if (question.min) points.push_back(*question.min);
    if (question.max) points.push_back(*question.max);
    std::sort(points.begin(), points.end());
    points.erase(std::unique(points.begin(), points.end()), points.end());
    std::vector<double> xs;
    if (points.empty()) {
      xs.push_back(0);
    }
    for (size_t i = 0; i < points.size(); ++i) {
      xs.push_back(points[i]);
      if (i + 1 < points.size()) xs.push_back((points[i] + points[i + 1]) / 2);
    }
    if (!points.empty()) {
      xs.push_back(points.front() - 1);
      xs.push_back(points.back() + 1);
    }
    // In the order found, each once: a set, not a search of the list, since a policy with many
    // comparisons on one answer (a thousand rules) made this quadratic in every rule's check.
    std::vector<double> kept;
    std::unordered_set<double> seen;
    for (double x : xs) {
      for (double candidate : {x, std::floor(x), std::ceil(x)}) {
        if (question.type == QuestionType::integer && candidate != std::floor(candidate)) continue;
        if (question.type == QuestionType::number && candidate != x) continue;
        if (question.min && candidate < *question.min) continue;
        if (question.max && candidate > *question.max) continue;
        if (seen.insert(candidate).second) kept.push_back(candidate);
      }
    }
    for (double x : kept) value(x);
    break;
  }
  case QuestionType::date:
    for (Days d : date_samples(q, incident)) value(d);
    break;
  case QuestionType::convictions: {
    Slot none;
    none.present = true;
    out.push_back(none);
    const std::vector<Days> dates = date_samples(q, incident);
    for (size_t c = 0; c < question.categories.size(); ++c) {
      for (Days d : dates) {
        Slot s;
        s.present = true;
        s.items.push_back(ConvictionItem{static_cast<int>(c), d});
        out.push_back(std::move(s));
      }
    }
    break;
  }
  case QuestionType::text: break;
  }
  return out;
}

// Calls visit(input) for every combination of sample answers to `questions` (the others stay
// unanswered), with each question's visibility computed as the evaluator does. Returns false,
// without visiting anything, when there would be too many combinations.
template <typename Visit>
bool PolicyAnalyzer::enumerate(const std::vector<int>& questions, Visit&& visit) const {
  const size_t nq = m_policy.questions.size();
  double estimate = 1;
  for (int q : questions) {
    estimate *= static_cast<double>(
        std::max<size_t>(samples(static_cast<size_t>(q), std::nullopt).size(), 1));
  }
  if (estimate > k_max_cases) {
    return false;
  }
  std::vector<bool> chosen(nq, false);
  for (int q : questions) chosen[static_cast<size_t>(q)] = true;
  std::vector<int> ask_order;
  for (int q : m_policy.ask_order) {
    if (chosen[static_cast<size_t>(q)]) ask_order.push_back(q);
  }
  std::vector<Slot> slots(nq);
  std::vector<Tri> visible(nq, Tri::unknown);
  const EvalInput input{slots.data(), visible.data()};
  const int incident_q = m_policy.incident_date_question;
  std::function<void(size_t)> assign = [&](size_t i) {
    if (i == questions.size()) {
      for (int q : ask_order) {
        visible[static_cast<size_t>(q)] =
            m_policy.questions[static_cast<size_t>(q)].ask.eval_bool(input);
      }
      visit(input);
      return;
    }
    const auto q = static_cast<size_t>(questions[i]);
    std::optional<Days> incident;
    if (incident_q >= 0 && slots[static_cast<size_t>(incident_q)].present) {
      incident = static_cast<Days>(slots[static_cast<size_t>(incident_q)].x);
    }
    for (const Slot& s : samples(q, incident)) {
      slots[q] = s;
      assign(i + 1);
    }
    slots[q] = Slot{};
  };
  assign(0);
  return true;
}

Tri PolicyAnalyzer::rule_fired(const Rule& rule, const EvalInput& input, int pathway) {
  Tri applies = Tri::yes;
  if (!rule.pathway_values.empty()) {
    applies = pathway < 0 ? Tri::unknown
                          : (std::find(rule.pathway_values.begin(), rule.pathway_values.end(),
                                       pathway) != rule.pathway_values.end()
                                 ? Tri::yes
                                 : Tri::no);
  }
  if (applies == Tri::no) {
    return Tri::no;
  }
  const Tri cond = rule.expr.eval_bool(input);
  return tri_and(applies, rule.effect == Effect::require ? tri_not(cond) : cond);
}

static int pathway_of(const Policy& policy, const EvalInput& input) {
  if (policy.pathway_question < 0) {
    return -1;
  }
  const auto pq = static_cast<size_t>(policy.pathway_question);
  return input.visible[pq] == Tri::yes && input.slots[pq].present
             ? static_cast<int>(input.slots[pq].x)
             : -1;
}

RuleFacts PolicyAnalyzer::analyze_rule(size_t index) const {
  const Rule& rule = m_policy.rules[index];
  RuleFacts facts;
  const std::vector<int> questions = closure(rule.reads);
  for (int q : questions) {
    if (!is_exact(m_policy.questions[static_cast<size_t>(q)].ask)) {
      return facts;
    }
  }
  if (!m_rule_exact[index]) {
    return facts;
  }
  // The require/exclude rules whose inputs are all among this rule's: candidates for
  // "fails whenever this one fires".
  std::vector<bool> in_scope(m_policy.questions.size(), false);
  for (int q : questions) in_scope[static_cast<size_t>(q)] = true;
  std::vector<size_t> candidates;
  for (size_t j = 0; j < m_policy.rules.size(); ++j) {
    const Rule& other = m_policy.rules[j];
    if (j == index || (other.effect != Effect::require && other.effect != Effect::exclude) ||
        !m_rule_exact[j]) {
      continue;
    }
    if (std::all_of(other.reads.begin(), other.reads.end(),
                    [&](int q) { return in_scope[static_cast<size_t>(q)]; })) {
      candidates.push_back(j);
    }
  }
  std::vector<bool> still_implied(candidates.size(), true);
  std::vector<bool> seen(m_policy.questions.size(), false);
  bool fired_somewhere = false;
  const bool ok = enumerate(questions, [&](const EvalInput& input) {
    const int pathway = pathway_of(m_policy, input);
    if (!rule.pathway_values.empty() &&
        std::find(rule.pathway_values.begin(), rule.pathway_values.end(), pathway) ==
            rule.pathway_values.end()) {
      return;
    }
    facts.can_apply = true;
    for (int q : rule.reads) {
      if (input.visible[static_cast<size_t>(q)] == Tri::yes) seen[static_cast<size_t>(q)] = true;
    }
    const Tri cond = rule.expr.eval_bool(input);
    facts.cond_true = facts.cond_true || cond == Tri::yes;
    facts.cond_false = facts.cond_false || cond == Tri::no;
    facts.cond_known = facts.cond_known || cond != Tri::unknown;
    const Tri fired = rule.effect == Effect::require ? tri_not(cond) : cond;
    if (fired != Tri::yes) {
      return;
    }
    fired_somewhere = true;
    for (size_t c = 0; c < candidates.size(); ++c) {
      if (still_implied[c] &&
          rule_fired(m_policy.rules[candidates[c]], input, pathway) != Tri::yes) {
        still_implied[c] = false;
      }
    }
  });
  if (!ok) {
    return RuleFacts{};
  }
  facts.exact = true;
  if (facts.can_apply) {
    for (int q : rule.reads) {
      if (q != m_policy.pathway_question && !seen[static_cast<size_t>(q)]) {
        facts.never_asked.push_back(q);
      }
    }
  }
  if (fired_somewhere) {
    for (size_t c = 0; c < candidates.size(); ++c) {
      if (still_implied[c]) facts.implies.push_back(candidates[c]);
    }
  }
  return facts;
}

int PolicyAnalyzer::refusing_rule(int value) const {
  if (m_policy.pathway_question < 0) {
    return -1;
  }
  const size_t nq = m_policy.questions.size();
  std::vector<Slot> slots(nq);
  std::vector<Tri> visible(nq, Tri::unknown);
  slots[static_cast<size_t>(m_policy.pathway_question)].present = true;
  slots[static_cast<size_t>(m_policy.pathway_question)].x = value;
  const EvalInput input{slots.data(), visible.data()};
  for (int q : m_policy.ask_order) {
    visible[static_cast<size_t>(q)] =
        m_policy.questions[static_cast<size_t>(q)].ask.eval_bool(input);
  }
  for (size_t i = 0; i < m_policy.rules.size(); ++i) {
    const Rule& rule = m_policy.rules[i];
    if ((rule.effect == Effect::require || rule.effect == Effect::exclude) &&
        rule_fired(rule, input, value) == Tri::yes) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

} // namespace divert
