// SPDX-License-Identifier: Apache-2.0
#include "cli/app.hpp"
#include "cli/screen.hpp"

#include "core/error.hpp"
#include "core/ulid.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <memory>

namespace divert::cli {

namespace {

// The non-interactive screening: the answers come from --answers and --set only. The
// interactive walk-through (prompt.*) takes over where marked once it exists.
int run_screen(const ScreenOptions& opts, Io& io) {
  if (!opts.supersedes.empty() && !is_ulid(opts.supersedes)) {
    throw UsageError(fmt::format("--supersedes '{}' is not a record id (26 characters, as in "
                                 "REF-<record id>.json)",
                                 opts.supersedes));
  }
  for (const auto& [flag, value] : {std::pair{"--decline", &opts.decline}, {"--exception", &opts.exception}}) {
    if (value->find_first_not_of(" \t") == std::string::npos && !value->empty()) {
      throw UsageError(fmt::format("{0} needs a reason: {0} REASON", flag));
    }
  }
  ScreenSession session = open_screen_session(opts);
  const Answers answers = read_screen_answers(session, opts);
  const Decision decision = evaluate(session.policy, answers, today());
  // (The interactive walk-through hooks in here when may_prompt(opts, io) holds.)
  if (decision.outcome == Outcome::incomplete) {
    report_screening(io, session, decision, std::nullopt, std::nullopt, opts.json);
    return exit_for_outcome(decision.outcome);
  }
  const std::optional<OfficerAction> action = action_from_flags(opts, decision.outcome);
  const SigningKey key = unlock_screen_key(session, opts, io);
  const PublishedRecord record =
      sign_and_publish(session, answers, decision, action, opts.supersedes, key);
  report_screening(io, session, decision, action, record, opts.json);
  return exit_for_outcome(decision.outcome);
}

} // namespace

void register_screen(CLI::App& app, CommandState& state) {
  auto opts = std::make_shared<ScreenOptions>();
  CLI::App* cmd = app.add_subcommand(
      "screen", "Screen a case and write the signed referral record.\n"
                "Without a terminal (or with --no-input) the answers come from --answers and "
                "--set only.\nExit status: 0 eligible, 1 ineligible, 2 needs approval, "
                "3 incomplete (nothing written).");
  cmd->add_option("--policy,-p", opts->policy, "Policy id or path (default: the configured policy)");
  cmd->add_option("--answers,-a", opts->answers, "Answers file (YAML or JSON), or - for stdin");
  cmd->add_option("--set", opts->sets, "Answer one question: ID=VALUE (repeatable; overrides --answers)");
  cmd->add_option("--key", opts->key, "Private key (default: the configured key)");
  cmd->add_option("--passphrase-file", opts->passphrase_file,
                  "Read the key's passphrase from the first line of this file (/dev/fd/N for a descriptor)");
  cmd->add_option("--records", opts->records, "Records directory (default: the configured one)");
  cmd->add_flag("--no-input", opts->no_input, "Never prompt, even on a terminal");
  auto* resume = cmd->add_flag("--resume", opts->resume, "Resume an interrupted interactive screening");
  auto* discard = cmd->add_flag("--discard", opts->discard, "Discard an interrupted interactive screening");
  resume->excludes(discard);
  cmd->add_flag("--demo", opts->demo,
                "Use a demonstration key, configuration and records under $XDG_STATE_HOME/divert/demo");
  cmd->add_flag("--json", opts->json, "Print the decision as JSON (divert.decision/1) with \"record\"");
  auto* decline = cmd->add_option("--decline", opts->decline,
                                  "Record that you decline to refer an eligible person, and why");
  auto* exception = cmd->add_option("--exception", opts->exception,
                                    "Record a request for an exception to an ineligible outcome, and why");
  decline->excludes(exception);
  cmd->add_option("--supersedes", opts->supersedes, "The record id this record corrects");
  cmd->callback([opts, &state, decline, exception] {
    // A reason given as "" still asks for that action; it is then refused for lacking a reason.
    if (decline->count() > 0 && opts->decline.empty()) opts->decline = " ";
    if (exception->count() > 0 && opts->exception.empty()) opts->exception = " ";
    state.json = opts->json;
    state.action = [opts](Io& io) { return run_screen(*opts, io); };
  });
}

} // namespace divert::cli
