// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/decision/answers.hpp"
#include "core/decision/evaluate.hpp"

#include <vector>

namespace divert {

// What an interactive screening should ask next, so that the officer is asked only what can
// still change the outcome, then what only a notice needs, then the record-only questions.
struct InterviewPlan {
  enum class Stage { outcome, notice, record, done };
  Stage stage = Stage::done;
  int next = -1;     // the question to ask now, -1 when done
  int remaining = 0; // questions that may still be asked, `next` included (an upper bound)
  std::vector<int> reasons_for_next; // rule indices that read `next` (for "why is this asked")
};

// Plans the next question given the answers so far and their decision. A question is a
// candidate when an undecided rule reads it, or when deciding whether a candidate is asked
// needs it (its ask-condition reads it); of the candidates that are unanswered and asked,
// the first in policy order comes next.
InterviewPlan plan_interview(const Policy& policy, const Answers& answers,
                             const Decision& decision);

// Answers that the current answers no longer ask for (their ask-condition is false), so that a
// changed answer drops what no longer applies. Returns question indices, policy order.
std::vector<int> answers_no_longer_asked(const Policy& policy, const Answers& answers,
                                         const Decision& decision);

} // namespace divert
