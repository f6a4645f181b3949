// SPDX-License-Identifier: Apache-2.0
#include "cli/app.hpp"
#include "cli/render.hpp"

#include "cli/test_hooks.hpp"

#include "core/base/dates.hpp"
#include "core/base/error.hpp"
#include "core/base/text_util.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string_view>
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

// The calendar date where the laptop is (TZ, /etc/localtime): an incident "today" at 5 p.m. in
// Washington State is dated today, not tomorrow as in Greenwich. Timestamps stay in UTC.
Days today() {
  const long long seconds = now_seconds();
  const auto t = static_cast<std::time_t>(seconds);
  std::tm local{};
  if (localtime_r(&t, &local) == nullptr) return split_unix_seconds(seconds).day;
  return days_from_civil(CivilDate{local.tm_year + 1900, static_cast<unsigned>(local.tm_mon + 1),
                                   static_cast<unsigned>(local.tm_mday)});
}

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

static void report(Io& io, bool json, const Diagnostic& d, const std::string& kind_code) {
  if (json) {
    const auto or_null = [](const std::string& v) {
      return v.empty() ? nlohmann::json() : nlohmann::json(v);
    };
    nlohmann::json e = {{"code", d.code.empty() ? kind_code : d.code},
                        {"message", d.message},
                        {"file", or_null(d.where.file)},
                        {"line",
                         d.where.line > 0 ? nlohmann::json(d.where.line) : nlohmann::json()},
                        {"column", d.where.line > 0 ? nlohmann::json(std::max(d.where.column, 1))
                                                    : nlohmann::json()},
                        {"question", or_null(d.question)}};
    io.out << nlohmann::json{{"error", e}}.dump() << '\n';
    // An error that cannot reach standard output (it is full) is said where it can be read.
    if (io.out.flush()) return;
  }
  // Messages quote what they read (a file name, an answer's value): its control characters
  // must not reach the terminal as commands.
  io.err << "divert: " << terminal_safe_lines(format_diagnostic(d)) << '\n';
}

static void report(Io& io, bool json, const Error& e, const std::string& kind_code) {
  // Built member by member: GCC 12 at -O2 warns (wrongly) about the braced form.
  Diagnostic d;
  d.message = e.what();
  report(io, json, d, e.code().empty() ? kind_code : e.code());
}

namespace {

// The command path named by `args` ("policy lint"), and the subcommand it leads to.
CLI::App* command_of(CLI::App& app, const std::vector<std::string>& args, std::string& path) {
  CLI::App* current = &app;
  for (const std::string& arg : args) {
    if (arg == "--") break;
    if (arg.starts_with("-")) continue;
    CLI::App* sub = nullptr;
    for (CLI::App* candidate : current->get_subcommands({})) {
      if (candidate->get_name() == arg) sub = candidate;
    }
    if (sub == nullptr) break;
    current = sub;
    path += (path.empty() ? "" : " ") + arg;
  }
  return current;
}

const CLI::Option* find_option(const CLI::App& command, const std::string& name) {
  for (const CLI::Option* option : command.get_options()) {
    for (const std::string& n : option->get_lnames()) {
      if (name == "--" + n) return option;
    }
    for (const std::string& n : option->get_snames()) {
      if (name == "-" + n) return option;
    }
  }
  return nullptr;
}

std::vector<std::string> option_names(const CLI::App& command) {
  std::vector<std::string> names;
  for (const CLI::Option* option : command.get_options()) {
    for (const std::string& n : option->get_lnames()) names.push_back("--" + n);
    for (const std::string& n : option->get_snames()) names.push_back("-" + n);
  }
  return names;
}

// What is wrong with the options on the line for `command`, or empty: an option it does not
// have (with the nearest one it has), or an option given no value. Values of known options are
// skipped, so `--decline -x` or `--min-coverage -5` are not taken for options.
std::string option_problem(const CLI::App& command, const std::vector<std::string>& args,
                           const std::string& command_name) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") break;
    if (arg.size() < 2 || arg[0] != '-' || std::isdigit(static_cast<unsigned char>(arg[1]))) {
      continue;
    }
    const bool long_form = arg.starts_with("--");
    const std::string name = long_form ? arg.substr(0, arg.find('=')) : arg.substr(0, 2);
    const CLI::Option* option = find_option(command, name);
    if (option == nullptr) {
      if (name == "--version" && command.get_parent() == nullptr) continue;
      // One letter is too little to guess from.
      return fmt::format("unknown option '{}' for '{}'{}", name, command_name,
                         long_form ? did_you_mean(name, option_names(command)) : std::string());
    }
    const bool value_attached = long_form ? arg.find('=') != std::string::npos : arg.size() > 2;
    if (option->get_expected_max() == 0 || value_attached) continue;
    const bool next_is_option =
        i + 1 < args.size() && args[i + 1].starts_with("-") &&
        find_option(command, args[i + 1].substr(0, args[i + 1].find('='))) != nullptr;
    if (i + 1 == args.size() || next_is_option) {
      return fmt::format("{} needs a value ({})", name, option->get_type_name());
    }
    ++i;
  }
  return {};
}

// A usage error, as JSON under --json (anywhere on the line) or as text pointing to the
// command's own help.
int usage_error(Io& io, bool json, const std::string& message, const std::string& path) {
  const std::string help = path.empty() ? "divert --help" : "divert " + path + " --help";
  if (json) {
    Diagnostic d;
    d.message = message + " (see " + help + ")";
    report(io, true, d, "usage");
  } else {
    io.err << "divert: error: " << terminal_safe_lines(message) << "\nRun '" << help
           << "' for usage.\n";
  }
  return exit_usage;
}

// Metavariables in the officer's and author's words instead of CLI11's TEXT, INT, FLOAT, and
// without the validators' own descriptions ("FLOAT in [0 - 100]"): the help text says the range.
void name_values(CLI::App& command) {
  static const std::map<std::string, std::string> k_options = {{"policy", "P"},
                                                               {"answers", "FILE"},
                                                               {"set", "ID=VALUE"},
                                                               {"key", "FILE"},
                                                               {"passphrase-file", "FILE"},
                                                               {"records", "DIR"},
                                                               {"out", "DIR"},
                                                               {"import", "FILE"},
                                                               {"tests", "DIR"},
                                                               {"cases", "FILE"},
                                                               {"trust", "FILE"},
                                                               {"policies", "DIR"},
                                                               {"today", "YYYY-MM-DD"},
                                                               {"min-coverage", "PERCENT"},
                                                               {"format", "FORMAT"},
                                                               {"decline", "REASON"},
                                                               {"exception", "REASON"},
                                                               {"supersedes", "RECORD_ID"},
                                                               {"officer", "ID"},
                                                               {"agency", "CODE"},
                                                               {"agency-name", "NAME"},
                                                               {"from", "DEVICE:SEQ"},
                                                               {"jobs", "N"}};
  static const std::map<std::string, std::string> k_positionals =
      {{"policies", "P"},   {"policy", "P"},   {"old", "P"},   {"new", "P"},
       {"records", "PATH"}, {"cases", "FILE"}, {"dir", "DIR"}, {"id", "ID"}};
  for (CLI::Option* option : command.get_options()) {
    if (option->get_expected_max() == 0) continue; // a flag
    const bool positional = option->get_lnames().empty() && option->get_snames().empty();
    const std::string name = positional ? option->get_name() : option->get_lnames().front();
    const auto& names = positional ? k_positionals : k_options;
    const auto it = names.find(name);
    std::string value = it != names.end() ? it->second : name;
    if (it == names.end()) {
      std::transform(value.begin(), value.end(), value.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    }
    option->type_name(value);
    for (int v = 0;; ++v) {
      try {
        option->get_validator(v)->description("");
      } catch (const CLI::OptionNotFound&) {
        break;
      }
    }
  }
  for (CLI::App* sub : command.get_subcommands({})) name_values(*sub);
}

// Help is read on an 80-column terminal (a patrol laptop's), and CLI11 does not wrap.
constexpr size_t k_help_columns = 80;

// Each line of `text` word-wrapped to `width` columns, its continuation under its own indentation
// (a footer's examples keep theirs); lines that fit are left as they are.
std::string wrap_lines(std::string_view text, size_t width) {
  std::string out;
  for (size_t begin = 0;;) {
    const size_t newline = text.find('\n', begin);
    const size_t end = newline == std::string_view::npos ? text.size() : newline;
    const std::string_view line = text.substr(begin, end - begin);
    if (line.size() <= width) {
      out += line;
    } else {
      const std::string indent(std::min(line.find_first_not_of(' '), line.size()), ' ');
      std::string wrapped = word_wrap(line, indent, indent, width);
      if (!wrapped.empty()) wrapped.pop_back(); // its last newline: the text's own follows
      out += wrapped;
    }
    if (newline == std::string_view::npos) return out;
    out += '\n';
    begin = newline + 1;
  }
}

// A description's lines were broken by hand for no width in particular: a line ending a sentence
// ('.' or ':') ends a paragraph, the others run on, and each paragraph is wrapped to `width`.
// Indented lines (a command line to type) are kept as they are, each on its own line.
std::string reflow(std::string_view text, size_t width) {
  std::string joined(text);
  size_t line_start = 0;
  for (size_t at = joined.find('\n'); at != std::string::npos; at = joined.find('\n', at + 1)) {
    const bool sentence_end = at > 0 && (joined[at - 1] == '.' || joined[at - 1] == ':');
    const bool indented = joined[line_start] == ' ';
    const bool next_indented = at + 1 < joined.size() && joined[at + 1] == ' ';
    if (!sentence_end && !indented && !next_indented && at + 1 < joined.size()) joined[at] = ' ';
    line_start = at + 1;
  }
  return wrap_lines(joined, width);
}

// CLI11's layout with our words: "Commands", "COMMAND", and no "Excludes:" (the descriptions say
// which options go together); every text wrapped to k_help_columns. CLI11 indents the lines of a
// description after the first under its column, so they are wrapped to what is left of the line.
class HelpFormatter : public CLI::Formatter {
public:
  HelpFormatter() {
    label("SUBCOMMAND", "COMMAND");
    label("Subcommands", "Commands");
  }
  std::string make_description(const CLI::App* app) const override {
    return reflow(CLI::Formatter::make_description(app), k_help_columns);
  }
  std::string make_footer(const CLI::App* app) const override {
    return wrap_lines(CLI::Formatter::make_footer(app), k_help_columns);
  }
  // In a list of commands, a command's first paragraph (its summary): the whole description is
  // its own --help's, and the list should fit a 24-line terminal rather than scroll off it.
  std::string make_subcommand(const CLI::App* sub) const override {
    std::stringstream out;
    CLI::detail::format_help(out, sub->get_display_name(true),
                             reflow(summary_of(sub->get_description()), description_columns()),
                             get_column_width());
    return out.str();
  }
  static std::string summary_of(const std::string& description) {
    const size_t end = description.find(".\n");
    return end == std::string::npos ? description : description.substr(0, end + 1);
  }
  std::string make_option_desc(const CLI::Option* option) const override {
    return wrap_lines(CLI::Formatter::make_option_desc(option), description_columns());
  }
  size_t description_columns() const { return k_help_columns - get_column_width(); }
  std::string make_option_opts(const CLI::Option* option) const override {
    std::string out;
    if (option->get_expected_max() == 0) return out;
    out += " " + option->get_type_name();
    if (option->get_expected_max() == CLI::detail::expected_max_vector_size) out += " ...";
    if (option->get_required()) out += " REQUIRED";
    return out;
  }
};

} // namespace

CLI::Validator number_from(double low, double high, bool whole) {
  const std::string range =
      fmt::format("{} number from {} to {}", whole ? "a whole" : "a", low, high);
  return CLI::Validator(
      [low, high, whole, range](std::string& text) -> std::string {
        char* end = nullptr;
        const double value = std::strtod(text.c_str(), &end);
        const bool is_number = !text.empty() && end == text.c_str() + text.size() &&
                               std::isfinite(value) && (!whole || value == std::floor(value));
        if (is_number && value >= low && value <= high) return {};
        return fmt::format("'{}' is not {}", text, range);
      },
      "");
}

CLI::Option* add_policy_option(CLI::App& cmd, std::string& policy) {
  return cmd.add_option("--policy,-p", policy, "Policy id (e.g. wa-whatcom) or path to a .yaml")
      ->required();
}

void add_answer_options(CLI::App& cmd, std::string& answers, std::vector<std::string>& sets) {
  cmd.add_option("--answers,-a", answers, "Answers file (YAML or JSON), or - for stdin");
  cmd.add_option("--set", sets, "Answer one question: ID=VALUE (repeatable; overrides --answers)");
}

int run(const std::vector<std::string>& args, Io& io) {
  CLI::App app{"divert: Law Enforcement Assisted Diversion eligibility, checklists and signed "
               "referral records.\nRun 'divert COMMAND --help' for a command's options; "
               "'man divert' for everything.",
               "divert"};
  app.set_version_flag("--version", std::string("divert ") + DIVERT_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);
  app.formatter(std::make_shared<HelpFormatter>());
  CommandState state;
  // Listed by use: the officer's command first, the authors' last.
  register_screen(app, state);
  register_decide(app, state);
  register_batch(app, state);
  register_records(app, state);
  register_verify(app, state);
  register_keygen(app, state);
  register_policy(app, state);
  name_values(app);
  const std::function<void(CLI::App&)> group_commands = [&](CLI::App& parent) {
    for (CLI::App* sub : parent.get_subcommands({})) {
      sub->group("Commands");
      group_commands(*sub);
    }
  };
  group_commands(app);

  const bool json_asked =
      std::find(args.begin(), std::find(args.begin(), args.end(), "--"), "--json") != args.end();
  std::string path;
  CLI::App* command = command_of(app, args, path);
  // Unknown commands and options are named as unknown, with the nearest known one, before
  // CLI11 reports something else (a missing --policy, a missing subcommand).
  if (std::string problem =
          option_problem(*command, args, path.empty() ? "divert" : "divert " + path);
      !problem.empty()) {
    return usage_error(io, json_asked, problem, path);
  }
  const auto subcommand_names = [](CLI::App* parent) {
    std::vector<std::string> names;
    for (CLI::App* sub : parent->get_subcommands({})) names.push_back(sub->get_name());
    return names;
  };
  if (!command->get_subcommands({}).empty()) {
    // The first word after the command path must be one of its subcommands.
    size_t words =
        path.empty() ? 0 : static_cast<size_t>(std::count(path.begin(), path.end(), ' ') + 1);
    for (const std::string& arg : args) {
      if (arg == "--") break;
      if (arg.starts_with("-")) continue;
      if (words-- > 0) continue;
      return usage_error(io, json_asked,
                         fmt::format("unknown command '{}'{}", arg,
                                     did_you_mean(arg, subcommand_names(command))),
                         path);
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
  } catch (const CLI::RequiredError& e) {
    std::string what = e.what();
    if (what.find("subcommand") != std::string::npos) {
      return usage_error(io, json_asked,
                         fmt::format("'{}' needs a command: {}",
                                     path.empty() ? "divert" : "divert " + path,
                                     join(subcommand_names(command), ", ")),
                         path);
    }
    return usage_error(io, json_asked, what, path);
  } catch (const CLI::ParseError& e) {
    return usage_error(io, json_asked, e.what(), path);
  }
  if (!state.action) {
    return usage_error(io, json_asked, "no command given", path);
  }
  state.json = state.json || json_asked;

  try {
    check_test_hooks();
    return state.action(io);
  } catch (const UsageError& e) {
    report(io, state.json, e, "usage");
    return exit_usage;
  } catch (const InputError& e) {
    if (state.json) {
      if (e.diagnostics().empty()) {
        report(io, true, e, "bad-input");
      } else {
        report(io, true, e.diagnostics().front(), "bad-input");
      }
    } else {
      for (const Diagnostic& d : e.diagnostics()) {
        report(io, false, d, "bad-input");
      }
    }
    return exit_data;
  } catch (const MissingInputError& e) {
    report(io, state.json, e, "no-input");
    return exit_no_input;
  } catch (const CannotCreateError& e) {
    report(io, state.json, e, "cannot-create");
    return exit_cannot_create;
  } catch (const IoError& e) {
    report(io, state.json, e, "io-error");
    return exit_io;
  } catch (const KeyError& e) {
    report(io, state.json, e, "key");
    return exit_key;
  } catch (const Interrupted& e) {
    if (state.json) {
      report(io, true, e, "interrupted");
    } else {
      // Not an error: the person stopped, and nothing was written. Lines of their own, each
      // wrapped, as the walk-through's own lines are.
      std::string_view rest = e.what();
      for (std::string_view prefix = "divert: "; !rest.empty(); prefix = "") {
        const size_t end = std::min(rest.find('\n'), rest.size());
        io.err << wrap(std::string(prefix) + std::string(rest.substr(0, end)), "");
        rest.remove_prefix(std::min(end + 1, rest.size()));
      }
    }
    return exit_interrupted;
  } catch (const std::bad_alloc&) {
    report(io, state.json, Error("out of memory"), "out-of-memory");
    return exit_io;
  } catch (const std::exception& e) {
    report(io, state.json,
           Error(fmt::format("internal error: {} (please report this bug)", e.what())), "internal");
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
  // Output that was lost outranks a result (an outcome, a finding, a changed case: a script
  // would read it as one), as grep's trouble outranks its matches; an error code stays. A command
  // that already failed on its output (batch, screen) has said so.
  if (!std::cout && code != exit_io) {
    std::cerr << "divert: error: " << k_output_lost << '\n';
    return code < exit_usage ? exit_io : code;
  }
  return code;
}

} // namespace divert::cli
