// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/decision/answers.hpp"

#include <optional>
#include <string>
#include <vector>

namespace divert::cli {

// An interrupted screening's answers, kept so that `divert screen --resume` can continue it.
// Drafts hold personal data: the file is private (0600 in a 0700 directory, both the user's
// own) and expires 24 hours after the screening began, however often it was saved since.
struct Draft {
  std::string policy;       // the policy reference the screening used
  std::string policy_id;    // the id of the policy it was under ("" in older drafts)
  long long started_at = 0; // when the screening's first draft was saved
  long long saved_at = 0;
  std::string answers_json;       // {"id": value, ...}
  std::vector<std::string> typed; // ids typed by the officer, in the order typed
};

constexpr long long k_draft_lifetime_seconds = 24 * 60 * 60;

// $XDG_STATE_HOME/divert/drafts/screen.json (under demo/ for --demo); a further officer's on a
// shared laptop (see further_officer_of) is drafts/screen-<officer>.json, so that no officer
// resumes, signs or discards another's screening.
std::string draft_path(bool demo, const std::string& further_officer = {});

// Writes the draft atomically (replacing the previous one) for a screening that began at
// `started_at`. KeyError (77) when the drafts directory is not private (see load_draft).
void save_draft(const std::string& path, const Policy& policy, const std::string& policy_reference,
                const Answers& answers, const std::vector<int>& history, long long started_at,
                long long now);

// Reads a draft; nullopt when there is none. A draft whose screening began more than its
// lifetime ago (by its own times or the file's modification time, whichever is oldest) is
// removed and reported as `expired`. KeyError (77) when the draft or its directory is not the
// user's own and private (mode 0600 / 0700), or the draft is not a regular file: someone else
// could have planted or read it.
std::optional<Draft> load_draft(const std::string& path, long long now, bool& expired);

// Whether a draft file exists at `path` (whatever it is), without reading it.
bool draft_exists(const std::string& path);

// Restores a draft's answers (typed ones keep the source "typed") and history.
void restore_draft(const Draft& draft, const Policy& policy, Answers& answers,
                   std::vector<int>& history);

void remove_draft(const std::string& path);

} // namespace divert::cli
