// SPDX-License-Identifier: Apache-2.0
#include "cli/cmd_policy.hpp"

#include "cli/files.hpp"

#include "core/authoring/policy_lint.hpp"
#include "core/base/text_util.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <ostream>

namespace divert::cli {

namespace {

const char* severity_name(Severity s) {
  switch (s) {
  case Severity::error: return "error";
  case Severity::warning: return "warning";
  case Severity::note: return "note";
  }
  return "?";
}

struct LintOptions {
  std::vector<std::string> policies;
  bool json = false;
  bool list_checks = false;
  std::string today;
};

std::vector<Diagnostic> lint_one(const std::string& reference, Days day) {
  PolicyText text;
  try {
    text = find_policy(reference);
  } catch (const MissingInputError& e) {
    std::string message = e.what();
    if (message.starts_with(reference + ": ")) {
      message.erase(0, reference.size() + 2); // the file name leads the finding already
    }
    Diagnostic d; // member by member: GCC 12 -O2 warns (wrongly) about the braced form
    d.where.file = reference;
    d.message = message;
    d.check = "unreadable";
    return {d};
  }
  return lint_policy_file(text, policy_resolver(), day);
}

int list_lint_checks(Io& io) {
  for (const LintCheck& c : lint_checks()) {
    io.out << fmt::format("{:<26} {:<8} {}\n", c.id, severity_name(c.severity), c.summary);
  }
  return exit_ok;
}

int run_lint(const LintOptions& opts, Io& io) {
  if (opts.list_checks) {
    return list_lint_checks(io);
  }
  if (opts.policies.empty()) {
    throw UsageError("policy lint needs at least one policy (a file or an id)");
  }
  Days day = today();
  if (!opts.today.empty()) {
    const auto parsed = parse_date(opts.today);
    if (!parsed) {
      throw UsageError(fmt::format("--today '{}' is not a date YYYY-MM-DD", opts.today));
    }
    day = *parsed;
  }
  std::vector<Diagnostic> all;
  for (const std::string& p : opts.policies) {
    std::vector<Diagnostic> found = lint_one(p, day);
    all.insert(all.end(), found.begin(), found.end());
  }
  size_t counts[3] = {0, 0, 0};
  for (const Diagnostic& d : all) {
    ++counts[static_cast<size_t>(d.severity)];
  }
  const size_t errors = counts[static_cast<size_t>(Severity::error)];
  const size_t warnings = counts[static_cast<size_t>(Severity::warning)];
  const size_t notes = counts[static_cast<size_t>(Severity::note)];
  if (opts.json) {
    // ordered: each finding reads file, line, column, severity, message, check, as in text.
    using Json = nlohmann::ordered_json;
    Json list = Json::array();
    for (const Diagnostic& d : all) {
      const bool located = d.where.line > 0;
      list.push_back({{"file", d.where.file},
                      {"line", located ? Json(d.where.line) : Json()},
                      {"column", located ? Json(std::max(d.where.column, 1)) : Json()},
                      {"severity", severity_name(d.severity)},
                      {"message", d.message},
                      {"check", d.check}});
    }
    io.out << Json{{"findings", list}, {"errors", errors}, {"warnings", warnings}, {"notes", notes}}
                  .dump()
           << '\n';
  } else {
    for (const Diagnostic& d : all) {
      io.out << terminal_safe_lines(format_diagnostic(d)) << '\n'; // it quotes the file
    }
    io.err << fmt::format("divert policy lint: {} file{}, {} error{}, {} warning{}, {} note{}\n",
                          opts.policies.size(), opts.policies.size() == 1 ? "" : "s", errors,
                          errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s", notes,
                          notes == 1 ? "" : "s");
  }
  return errors + warnings > 0 ? exit_no : exit_ok;
}

} // namespace

void register_policy_lint(CLI::App& policy, CommandState& state) {
  auto lint = std::make_shared<LintOptions>();
  CLI::App* lint_cmd = policy.add_subcommand(
      "lint", "Check policies: every finding as FILE:LINE:COL: severity: message [check]");
  lint_cmd->footer(
      "Check policies without deciding anything. Beyond load errors and unknown\n"
      "questions: rules that can never fire (or always fire) given the questions'\n"
      "types and ranges, comparisons such as 'drug_grams > 10000' or 'age < 0',\n"
      "duplicate conditions, rules another exclusion makes unreachable, questions\n"
      "nothing reads or never asked, missing explanations or citations, review and\n"
      "end dates (against --today), draft/model status, overrides that change\n"
      "nothing, pathways offered but not refused. 'policy lint --list-checks' lists\n"
      "every check; 'man divert-policy' describes them.\n"
      "Every finding is one line: FILE:LINE:COL: error|warning|note: MESSAGE [CHECK].\n"
      "Exit status: 1 if any error or warning (notes do not count), else 0.\n"
      "Example: divert policy lint policies/wa-whatcom.yaml --today 2025-01-01");
  lint_cmd->add_option("policies", lint->policies, "Policy files or ids");
  lint_cmd->add_flag("--json", lint->json,
                     "Findings as one JSON object: {findings: [{file, line, column, severity, "
                     "message, check}], errors, warnings, notes}");
  lint_cmd->add_option("--today", lint->today,
                       "The date review_by and expires are checked against (YYYY-MM-DD; default: "
                       "today)");
  lint_cmd->add_flag("--list-checks", lint->list_checks,
                     "List every check id, its severity and "
                     "what it finds, then exit");
  lint_cmd->callback([lint, &state] {
    state.json = lint->json;
    state.action = [lint](Io& io) { return run_lint(*lint, io); };
  });
}

} // namespace divert::cli
