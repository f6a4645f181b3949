// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/decision/answers.hpp"

#include <optional>
#include <string>
#include <vector>

namespace divert::cli {

// An interrupted screening's answers, kept so that `divert screen --resume` can continue it.
// Drafts hold personal data: the file is private (0600 in a 0700 directory) and expires.
struct Draft {
  std::string policy; // the policy reference the screening used
  std::string policy_id; // the id of the policy it was under ("" in older drafts)
  long long started_at = 0;
  long long saved_at = 0;
  std::string answers_json; // {"id": value, ...}
  std::vector<std::string> typed; // ids typed by the officer, in the order typed
};

constexpr long long k_draft_lifetime_seconds = 24 * 60 * 60;

// $XDG_STATE_HOME/divert/drafts/screen.json (under demo/ for --demo).
std::string draft_path(bool demo);

// Writes the draft atomically (replacing the previous one).
void save_draft(const std::string& path, const Policy& policy, const std::string& policy_reference,
                const Answers& answers, const std::vector<int>& history, long long started_at,
                long long now);

// Reads a draft; nullopt when there is none. A draft older than its lifetime is removed and
// reported as `expired`.
std::optional<Draft> load_draft(const std::string& path, long long now, bool& expired);

// Restores a draft's answers (typed ones keep the source "typed") and history.
void restore_draft(const Draft& draft, const Policy& policy, Answers& answers,
                   std::vector<int>& history);

void remove_draft(const std::string& path);

} // namespace divert::cli
