// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cli/io.hpp"

#include "core/decision/answers.hpp"
#include "core/decision/evaluate.hpp"
#include "core/record/record.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace divert::cli {

// The last line of every interruption of a screening: how to take it up again.
constexpr const char* k_resume_hint = "To continue: divert screen --resume";

// What signing produced, for the officer's confirmation and hand-off card.
struct SignedScreening {
  std::string record_id;
  std::string path;
  std::string fingerprint;
};

// What the walk-through needs from the rest of `divert screen`, so that tests can drive it
// through string streams: keeping a draft after every answer, and signing at the end.
struct WalkthroughHooks {
  // Called after every change of the answers (a private draft, for --resume).
  std::function<void(const Answers&, const std::vector<int>& history)> save_draft;
  // Signs and publishes. Throws KeyError on a wrong passphrase (the officer may retry).
  std::function<SignedScreening(const Answers&, const Decision&,
                                const std::optional<OfficerAction>&)>
      sign;
};

struct WalkthroughOptions {
  bool color = false;
  bool demo = false;         // every screen says so
  Days today = 0;            // for "today" as a date answer
  std::string policy_banner; // a model/draft warning, shown before the first question
};

// The interactive checklist: asks only what can still change the outcome (then what notices
// and the record need), in the policy's order, with ? help, b back, r review, q quit; shows
// the decision; signs on `sign`, `decline` or `exception`. `history` holds the questions typed
// so far (for b), resumed from a draft. Returns the exit status for the outcome; throws
// Interrupted on q, end of input or Ctrl-C (nothing published).
int run_walkthrough(const Policy& policy, Answers& answers, std::vector<int>& history, Io& io,
                    const WalkthroughHooks& hooks, const WalkthroughOptions& options);

// Parses what an officer typed for question `q` into `answers` (validated like a file answer).
// Returns "" when accepted, else what to tell the officer.
std::string accept_typed_answer(const Policy& policy, size_t q, const std::string& typed,
                                Days today, Answers& answers);

// An answer as the officer reads it back ("yes", a value's label, "2.5 g", "2024-03-02").
std::string describe_answer(const Question& question, const Slot& slot);

// Installs a SIGINT handler that makes a blocked read fail instead of killing the process, so
// that Ctrl-C becomes a clean exit 130. Returns whether Ctrl-C was pressed since.
void catch_interrupts();
bool interrupted();

// While one lives, Ctrl-C does not end the process: a record being published is finished
// (and then reported) rather than left for the officer to wonder about.
class InterruptHold {
public:
  InterruptHold();
  ~InterruptHold();
  InterruptHold(const InterruptHold&) = delete;
  InterruptHold& operator=(const InterruptHold&) = delete;
};

} // namespace divert::cli
