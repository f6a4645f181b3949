// SPDX-License-Identifier: Apache-2.0
#pragma once

// The parts of `divert screen` that every way of screening shares: the non-interactive path in
// cmd_screen.cpp and the interactive walk-through (prompt.*) both open a session, reach final
// answers and a decision, then call sign_and_publish() and report_screening().

#include "cli/config.hpp"
#include "cli/io.hpp"
#include "cli/publish.hpp"

#include "core/decision/answers.hpp"
#include "core/decision/evaluate.hpp"
#include "core/record/record.hpp"
#include "core/record/sshsig.hpp"

#include <optional>
#include <string>
#include <vector>

namespace divert::cli {

struct ScreenOptions {
  std::string officer; // whose configuration; empty: the officer last used
  std::string policy;
  std::string answers;
  std::vector<std::string> sets;
  std::string key;
  std::string passphrase_file;
  std::string records;
  bool no_input = false;
  bool resume = false;
  bool discard = false;
  bool demo = false;
  bool json = false;
  std::string decline;   // --decline REASON
  std::string exception; // --exception REASON
  std::string supersedes;
};

// The configuration (flags applied), where device state lives, and the policy.
struct ScreenSession {
  Config config;              // with --key and --records applied
  std::string configured_key; // the officer's key file the configuration names
  bool demo = false;
  std::string state_dir; // device state (and the demo's files)
  Policy policy;
};

// Loads the configuration (KeyError 77 naming divert keygen when there is none; with --demo,
// the demonstration configuration under $XDG_STATE_HOME/divert/demo, made on first use),
// applies --key and --records, and loads --policy or the configured policy (UsageError when
// neither names one).
ScreenSession open_screen_session(const ScreenOptions& opts);

// --answers then --set, validated (InputError 65); `agency` defaults to the configured agency
// code (source "default") when the policy asks it and no answer gives it.
Answers read_screen_answers(const ScreenSession& session, const ScreenOptions& opts);

// The officer's action from --decline/--exception for `outcome`: refer by default for eligible
// and needs_approval, none (nullopt) for ineligible. UsageError for a combination that makes
// no sense (declining an ineligible person, an exception to an eligible outcome).
std::optional<OfficerAction> action_from_flags(const ScreenOptions& opts, Outcome outcome);

// Whether a passphrase may be asked for on the terminal.
bool may_prompt(const ScreenOptions& opts, const Io& io);

// Loads the configured (or --key) signing key; see load_signing_key for the errors. KeyError
// (77, naming both fingerprints) when it is not the configured officer's key (key_fpr in the
// configuration, or the .pub beside the configured key), or when --key names a key and the
// configuration gives no way to tell.
SigningKey unlock_screen_key(const ScreenSession& session, const ScreenOptions& opts, const Io& io);

// Builds the divert.referral/1 record of a decided case, signs it with `key` and publishes it
// with the next device seq (publish_record). `supersedes` is a record id or empty.
PublishedRecord sign_and_publish(const ScreenSession& session, const Answers& answers,
                                 const Decision& decision,
                                 const std::optional<OfficerAction>& action,
                                 const std::string& supersedes, const SigningKey& key);

// Prints the decision and, when one was written, where the record is (text), or the decision
// JSON with "record" (`json`).
void report_screening(Io& io, const ScreenSession& session, const Decision& decision,
                      const std::optional<OfficerAction>& action,
                      const std::optional<PublishedRecord>& record, bool json);

} // namespace divert::cli
