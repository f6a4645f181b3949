// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cli/io.hpp"

#include "core/decision/evaluate.hpp"
#include "core/record/record.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
class Validator;
class Option;
} // namespace CLI

namespace divert::cli {

// The exit statuses of divert(1), in one place.
enum ExitCode : int {
  exit_ok = 0,
  exit_no = 1, // ineligible; a lint finding; a failed test; a bad record; a changed case
  exit_needs_approval = 2,
  exit_incomplete = 3,
  exit_declined = 4,  // screen: the officer declined the referral (a decline record published)
  exit_exception = 5, // screen: the officer asked for an exception (an exception record published)
  exit_usage = 64,
  exit_data = 65,
  exit_no_input = 66,
  exit_cannot_create = 73,
  exit_io = 74,
  exit_key = 77,
  exit_interrupted = 130,
};

// The one wording of a lost standard output (exit_io): said by run() after any command, or by
// a command that must stop at once (batch) or add what stands all the same (screen).
inline constexpr const char* k_output_lost = "cannot write to standard output";

// The exit status for a decision's outcome (decide, screen).
int exit_for_outcome(Outcome outcome);

// The exit status of a signed screening: the officer's decline or exception request, else the
// outcome's.
int exit_for_screening(Outcome outcome, const std::optional<OfficerAction>& action);

// The command chosen on the command line, run after parsing so that every exception reaches
// the one handler in run().
using Action = std::function<int(Io&)>;

// Whether the chosen command was asked for JSON output (errors then go to stdout as JSON).
struct CommandState {
  Action action;
  bool json = false;
};

void register_decide(CLI::App& app, CommandState& state);
void register_batch(CLI::App& app, CommandState& state);
void register_policy(CLI::App& app, CommandState& state);
void register_keygen(CLI::App& app, CommandState& state);
void register_screen(CLI::App& app, CommandState& state);
void register_verify(CLI::App& app, CommandState& state);
void register_records(CLI::App& app, CommandState& state);

// An option's value must be a number in [low, high] (whole: an integer), said in our words
// rather than CLI11's "Value 150 not in range 0.000000 to 100.000000".
CLI::Validator number_from(double low, double high, bool whole);

// Options that mean the same in every command that takes them, named and explained once:
// --policy where it has no configured default (decide, batch), and the answer sources that
// read_case_answers() reads (decide, screen).
CLI::Option* add_policy_option(CLI::App& cmd, std::string& policy);
void add_answer_options(CLI::App& cmd, std::string& answers, std::vector<std::string>& sets);

int run(const std::vector<std::string>& args, Io& io);
int run(int argc, char** argv);

} // namespace divert::cli
