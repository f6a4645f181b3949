// SPDX-License-Identifier: Apache-2.0
#include "cli/app.hpp"
#include "cli/screen.hpp"
#include "cli/screen_interactive.hpp"

#include "core/base/error.hpp"
#include "core/base/yaml_doc.hpp"
#include "core/record/ulid.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <memory>

namespace divert::cli {

namespace {

// What `divert screen --demo` screens when there is no terminal to ask and no answers were
// given: an all-clear possession case, so that a newcomer's first run shows a whole screening
// and a signed record, and never waits for input.
constexpr const char* k_demo_answers = R"(pathway: arrest_diversion
incident_date: 2024-03-02
in_area: true
probable_cause: true
offense: drug_possession
drug_type: opioid
drug_grams: 1.2
delivery_involved: false
exploits_minors: false
promotes_prostitution: false
domestic_violence: false
weapon_involved: false
amenable: true
outstanding_warrant: none
date_of_birth: 1988-07-14
convictions: []
consents: true
capacity: open
prior_diversions: 0
)";

// Screening: the interactive walk-through on a terminal (screen_interactive.*), otherwise the
// answers come from --answers and --set only.
int run_screen(const ScreenOptions& given, Io& io) {
  ScreenOptions opts = given;
  if (!opts.supersedes.empty() && !is_ulid(opts.supersedes)) {
    throw UsageError(fmt::format("--supersedes '{}' is not a record id (26 characters, as in "
                                 "REF-<record id>.json)",
                                 opts.supersedes));
  }
  for (const auto& [flag, value] :
       {std::pair{"--decline", &opts.decline}, {"--exception", &opts.exception}}) {
    if (value->find_first_not_of(" \t") == std::string::npos && !value->empty()) {
      throw UsageError(fmt::format("{0} needs a reason: {0} REASON", flag));
    }
  }
  const bool interactive = is_interactive_screen(opts, io);
  if (opts.discard || opts.resume || interactive) {
    if (!prepare_interactive_screen(opts, io)) {
      return exit_ok;
    }
    if (opts.resume && !interactive) {
      throw UsageError("--resume continues a screening on a terminal; there is none here "
                       "(or --no-input/--json was given)");
    }
  }
  ScreenSession session = open_screen_session(opts);
  Answers answers = read_screen_answers(session, opts);
  if (interactive) {
    return run_interactive_screen(session, opts, std::move(answers), io);
  }
  if (session.demo && opts.answers.empty() && opts.sets.empty()) {
    io.err << "divert: demo: no terminal to ask on, so screening the built-in example case\n";
    read_answers(parse_yaml(k_demo_answers, "demo example"), session.policy, answers,
                 AnswerSource::file);
    check_answers(session.policy, answers);
  }
  const Decision decision = evaluate(session.policy, answers, today());
  if (decision.outcome == Outcome::incomplete) {
    report_screening(io, session, decision, std::nullopt, std::nullopt, opts.json);
    return exit_for_outcome(decision.outcome);
  }
  const std::optional<OfficerAction> action = action_from_flags(opts, decision.outcome);
  const SigningKey key = unlock_screen_key(session, opts, io);
  const PublishedRecord record =
      sign_and_publish(session, answers, decision, action, opts.supersedes, key);
  report_screening(io, session, decision, action, record, opts.json);
  return exit_for_screening(decision.outcome, action);
}

} // namespace

void register_screen(CLI::App& app, CommandState& state) {
  auto opts = std::make_shared<ScreenOptions>();
  CLI::App* cmd = app.add_subcommand(
      "screen",
      "Screen a case and write the signed referral record.\n"
      "On a terminal it walks you through the checklist, asking only what can still change the\n"
      "outcome (y/n, a number from a list, YYYY-MM-DD or today; ? help, b back, r review,\n"
      "q quit), then shows the decision; type sign (or decline / exception) to sign.\n"
      "Without a terminal, or with --no-input or --json, the answers come from --answers and\n"
      "--set only. Exit status: 0 eligible, 1 ineligible, 2 needs approval, 3 incomplete\n"
      "(nothing written), 4 declined, 5 exception requested, 130 quit or interrupted\n"
      "(nothing written; --resume continues).");
  cmd->add_option("--policy,-p", opts->policy,
                  "Policy id or path (default: the configured policy)");
  add_answer_options(*cmd, opts->answers, opts->sets);
  cmd->add_option("--key", opts->key, "Private key (default: the configured key)");
  cmd->add_option(
      "--passphrase-file", opts->passphrase_file,
      "Read the key's passphrase from the first line of this file (/dev/fd/N for a descriptor)");
  cmd->add_option("--records", opts->records, "Records directory (default: the configured one)");
  cmd->add_option("--officer", opts->officer,
                  "Whose configuration and key to use, on a laptop shared by officers (default: "
                  "the officer last used)");
  cmd->add_flag("--no-input", opts->no_input, "Never prompt, even on a terminal");
  auto* resume =
      cmd->add_flag("--resume", opts->resume, "Resume an interrupted interactive screening");
  auto* discard =
      cmd->add_flag("--discard", opts->discard, "Discard an interrupted interactive screening");
  resume->excludes(discard);
  cmd->add_flag(
      "--demo", opts->demo,
      "Use a demonstration key, configuration and records under $XDG_STATE_HOME/divert/demo");
  cmd->add_flag("--json", opts->json,
                "Print the decision as JSON (divert.decision/1) with \"record\"");
  auto* decline = cmd->add_option("--decline", opts->decline,
                                  "Record that you decline to refer an eligible person, and why");
  auto* exception =
      cmd->add_option("--exception", opts->exception,
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
