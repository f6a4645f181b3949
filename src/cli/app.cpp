// SPDX-License-Identifier: Apache-2.0
#include "cli/app.hpp"

#include "cli/test_hooks.hpp"

#include "core/base/error.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <unistd.h>

#ifndef DIVERT_VERSION
#define DIVERT_VERSION "0.0.0"
#endif

namespace divert::cli {

long long now_seconds() {
  if (const std::optional<long long> fixed = fixed_clock()) {
    return *fixed;
  }
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Days today() { return static_cast<Days>(now_seconds() / 86400); }

int exit_for_outcome(Outcome outcome) {
  switch (outcome) {
  case Outcome::eligible: return exit_ok;
  case Outcome::ineligible: return exit_no;
  case Outcome::needs_approval: return exit_needs_approval;
  case Outcome::incomplete: return exit_incomplete;
  }
  return exit_no;
}

int exit_for_screening(Outcome outcome, const std::optional<OfficerAction>& action) {
  if (action && action->kind == ActionKind::decline) return exit_declined;
  if (action && action->kind == ActionKind::exception_requested) return exit_exception;
  return exit_for_outcome(outcome);
}

static void report(Io& io, bool json, const Diagnostic& d) {
  if (json) {
    nlohmann::json e = {{"message", d.message},
                        {"file", d.where.file.empty() ? nlohmann::json() : nlohmann::json(d.where.file)},
                        {"line", d.where.line > 0 ? nlohmann::json(d.where.line) : nlohmann::json()},
                        {"column", d.where.line > 0 ? nlohmann::json(std::max(d.where.column, 1))
                                                    : nlohmann::json()}};
    io.out << nlohmann::json{{"error", e}}.dump() << '\n';
  } else {
    io.err << "divert: " << format_diagnostic(d) << '\n';
  }
}

static void report(Io& io, bool json, const std::string& message) {
  // Built member by member: GCC 12 at -O2 warns (wrongly) about the braced form.
  Diagnostic d;
  d.message = message;
  report(io, json, d);
}

int run(const std::vector<std::string>& args, Io& io) {
  CLI::App app{"divert: Law Enforcement Assisted Diversion eligibility, checklists and signed "
               "referral records.\nRun 'divert COMMAND --help' for a command's options; "
               "'man divert' for everything.",
               "divert"};
  app.set_version_flag("--version", std::string("divert ") + DIVERT_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);
  CommandState state;
  register_decide(app, state);
  register_batch(app, state);
  register_policy(app, state);
  register_keygen(app, state);
  register_screen(app, state);
  register_verify(app, state);
  register_records(app, state);

  if (!args.empty() && !args.front().empty() && args.front()[0] != '-') {
    const auto known = app.get_subcommands([&](CLI::App* sub) { return sub->get_name() == args.front(); });
    if (known.empty()) {
      io.err << "divert: error: unknown command '" << args.front()
             << "'\nRun 'divert --help' for the list of commands.\n";
      return exit_usage;
    }
  }
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, io.out, io.err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, io.out, io.err);
  } catch (const CLI::CallForVersion& e) {
    io.out << std::string("divert ") + DIVERT_VERSION << '\n';
    return exit_ok;
  } catch (const CLI::ParseError& e) {
    io.err << "divert: error: " << e.what() << "\nRun 'divert --help' for usage.\n";
    return exit_usage;
  }
  if (!state.action) {
    io.err << "divert: error: no command given\nRun 'divert --help' for usage.\n";
    return exit_usage;
  }

  try {
    check_test_hooks();
    return state.action(io);
  } catch (const UsageError& e) {
    report(io, state.json, e.what());
    return exit_usage;
  } catch (const InputError& e) {
    if (state.json) {
      if (e.diagnostics().empty()) {
        report(io, true, std::string(e.what()));
      } else {
        report(io, true, e.diagnostics().front());
      }
    } else {
      for (const Diagnostic& d : e.diagnostics()) {
        report(io, false, d);
      }
    }
    return exit_data;
  } catch (const MissingInputError& e) {
    report(io, state.json, e.what());
    return exit_no_input;
  } catch (const CannotCreateError& e) {
    report(io, state.json, e.what());
    return exit_cannot_create;
  } catch (const IoError& e) {
    report(io, state.json, e.what());
    return exit_io;
  } catch (const KeyError& e) {
    report(io, state.json, e.what());
    return exit_key;
  } catch (const Interrupted& e) {
    report(io, state.json, e.what());
    return exit_interrupted;
  } catch (const std::bad_alloc&) {
    report(io, state.json, "out of memory");
    return exit_io;
  } catch (const std::exception& e) {
    report(io, state.json, fmt::format("internal error: {} (please report this bug)", e.what()));
    return 70;
  }
}

int run(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    args.emplace_back(argv[i]);
  }
  Io io{std::cin, std::cout, std::cerr};
  io.stdin_is_tty = isatty(0) == 1;
  io.stdout_is_tty = isatty(1) == 1;
  io.stderr_is_tty = isatty(2) == 1;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  io.color = io.stdout_is_tty && (no_color == nullptr || *no_color == '\0') &&
             !(term != nullptr && std::string(term) == "dumb");
  const int code = run(args, io);
  std::cout.flush();
  if (!std::cout) {
    std::cerr << "divert: error: cannot write to standard output\n";
    return code == exit_ok ? exit_io : code;
  }
  return code;
}

} // namespace divert::cli
