// SPDX-License-Identifier: Apache-2.0
#include "core/decision/interview.hpp"

#include <algorithm>

namespace divert {

namespace {

// Questions that could still matter to the rules selected by `wanted`, closed over the
// ask-conditions of those whose asking is not yet decided.
std::vector<bool> candidates(const Policy& p, const Answers& answers, const Decision& d,
                             bool (*wanted)(const Rule&)) {
  std::vector<bool> in(p.questions.size(), false);
  std::vector<int> stack;
  auto add = [&](int q) {
    const auto qi = static_cast<size_t>(q);
    if (!in[qi]) {
      in[qi] = true;
      stack.push_back(q);
    }
  };
  for (size_t i = 0; i < p.rules.size(); ++i) {
    if (d.fired[i] == Tri::unknown && wanted(p.rules[i])) {
      for (int q : p.rules[i].reads) {
        if (!answers.slots[static_cast<size_t>(q)].present ||
            d.visible[static_cast<size_t>(q)] != Tri::yes) {
          add(q);
        }
      }
    }
  }
  while (!stack.empty()) {
    const auto q = static_cast<size_t>(stack.back());
    stack.pop_back();
    if (d.visible[q] == Tri::unknown) {
      for (int dep : p.questions[q].ask.reads()) {
        add(dep);
      }
    }
  }
  return in;
}

bool outcome_rule(const Rule& r) { return r.effect != Effect::notice; }
bool notice_rule(const Rule& r) { return r.effect == Effect::notice; }

} // namespace

InterviewPlan plan_interview(const Policy& p, const Answers& answers, const Decision& d) {
  InterviewPlan plan;
  const size_t n = p.questions.size();
  auto askable = [&](size_t q) { return !answers.slots[q].present && d.visible[q] == Tri::yes; };
  auto possible = [&](size_t q) { return !answers.slots[q].present && d.visible[q] != Tri::no; };

  const std::vector<bool> for_outcome = candidates(p, answers, d, outcome_rule);
  const std::vector<bool> for_notice = candidates(p, answers, d, notice_rule);
  std::vector<bool> for_record(n, false);
  for (int q : p.record_questions) {
    if (p.questions[static_cast<size_t>(q)].id != "agency") {
      for_record[static_cast<size_t>(q)] = true;
    }
  }

  // The vocabulary asks the incident date always, even where no rule reads it: it decides which
  // law applies by date, the intake deadline and the record.
  std::vector<bool> for_outcome_and_always = for_outcome;
  const int always = p.incident_date_question;
  if (always >= 0) {
    for_outcome_and_always[static_cast<size_t>(always)] = true;
  }
  for (size_t q = 0; q < n; ++q) {
    if (possible(q) && (for_outcome_and_always[q] || for_notice[q] || for_record[q])) {
      ++plan.remaining;
    }
  }
  auto first = [&](const std::vector<bool>& set) -> int {
    for (size_t q = 0; q < n; ++q) {
      if (set[q] && askable(q)) {
        return static_cast<int>(q);
      }
    }
    return -1;
  };
  if (d.outcome == Outcome::incomplete) {
    plan.stage = InterviewPlan::Stage::outcome;
    plan.next = first(for_outcome_and_always);
  } else if (always >= 0 && askable(static_cast<size_t>(always))) {
    plan.stage = InterviewPlan::Stage::outcome;
    plan.next = always;
  }
  if (plan.next < 0) {
    plan.next = first(for_notice);
    plan.stage = InterviewPlan::Stage::notice;
  }
  if (plan.next < 0) {
    plan.next = first(for_record);
    plan.stage = InterviewPlan::Stage::record;
  }
  if (plan.next < 0) {
    plan.stage = InterviewPlan::Stage::done;
    plan.remaining = 0;
    return plan;
  }
  for (size_t i = 0; i < p.rules.size(); ++i) {
    const auto& reads = p.rules[i].reads;
    if (std::find(reads.begin(), reads.end(), plan.next) != reads.end()) {
      plan.reasons_for_next.push_back(static_cast<int>(i));
    }
  }
  return plan;
}

std::vector<int> answers_no_longer_asked(const Policy& p, const Answers& answers,
                                         const Decision& d) {
  std::vector<int> out;
  for (size_t q = 0; q < p.questions.size(); ++q) {
    if (answers.slots[q].present && d.visible[q] == Tri::no) {
      out.push_back(static_cast<int>(q));
    }
  }
  return out;
}

} // namespace divert
