// SPDX-License-Identifier: Apache-2.0
#include "cli/app.hpp"
#include "cli/files.hpp"
#include "cli/render.hpp"

#include "core/answers.hpp"
#include "core/evaluate.hpp"
#include "core/policy_loader.hpp"
#include "core/policy_test.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <ostream>

namespace fs = std::filesystem;

namespace divert::cli {

namespace {

struct LintOptions {
  std::vector<std::string> policies;
  bool json = false;
  std::string today;
};

const char* severity_name(Severity s) {
  switch (s) {
  case Severity::error: return "error";
  case Severity::warning: return "warning";
  case Severity::note: return "note";
  }
  return "?";
}

std::vector<Diagnostic> lint_one(const std::string& reference, Days day) {
  std::vector<Diagnostic> findings;
  PolicyText text;
  try {
    text = find_policy(reference);
  } catch (const MissingInputError& e) {
    findings.push_back({{reference, 0, 0}, Severity::error, e.what(), "unreadable"});
    return findings;
  }
  LoadNotes notes;
  Policy policy;
  try {
    policy = load_policy(text, policy_resolver(), notes);
  } catch (const InputError& e) {
    for (Diagnostic d : e.diagnostics()) {
      if (d.check.empty()) d.check = "load";
      findings.push_back(std::move(d));
    }
    return findings;
  }
  for (Diagnostic& d : notes.findings) {
    findings.push_back(std::move(d));
  }
  std::vector<Diagnostic> checks = lint_policy(policy, day);
  findings.insert(findings.end(), checks.begin(), checks.end());
  return findings;
}

int run_lint(const LintOptions& opts, Io& io) {
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
  size_t errors = 0;
  size_t warnings = 0;
  for (const Diagnostic& d : all) {
    errors += d.severity == Severity::error ? 1 : 0;
    warnings += d.severity == Severity::warning ? 1 : 0;
  }
  if (opts.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const Diagnostic& d : all) {
      list.push_back({{"file", d.where.file},
                      {"line", d.where.line > 0 ? nlohmann::json(d.where.line) : nlohmann::json()},
                      {"column", d.where.line > 0 ? nlohmann::json(std::max(d.where.column, 1)) : nlohmann::json()},
                      {"severity", severity_name(d.severity)},
                      {"message", d.message},
                      {"check", d.check}});
    }
    io.out << nlohmann::json{{"findings", list}, {"errors", errors}, {"warnings", warnings}}.dump()
           << '\n';
  } else {
    for (const Diagnostic& d : all) {
      io.out << format_diagnostic(d) << '\n';
    }
    io.err << fmt::format("divert policy lint: {} file(s), {} error(s), {} warning(s)\n",
                          opts.policies.size(), errors, warnings);
  }
  return errors + warnings > 0 ? exit_no : exit_ok;
}

struct TestOptions {
  std::vector<std::string> policies;
  std::string tests_dir;
};

int run_test(const TestOptions& opts, Io& io) {
  std::vector<std::string> policies = opts.policies;
  if (policies.empty()) {
    policies = shipped_policy_files();
  }
  size_t passed = 0;
  size_t failed = 0;
  size_t policies_without_tests = 0;
  for (const std::string& reference : policies) {
    const PolicyText text = find_policy(reference);
    Policy policy = load_policy(text, policy_resolver());
    const fs::path dir = opts.tests_dir.empty() ? fs::path("tests/policies") / policy.id
                                                : fs::path(opts.tests_dir) / policy.id;
    std::error_code ec;
    std::vector<fs::path> files;
    if (fs::is_directory(dir, ec)) {
      for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.path().extension() == ".yaml") files.push_back(entry.path());
      }
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) {
      if (policy.is_abstract && policy.rules.empty()) {
        continue;
      }
      ++policies_without_tests;
      io.err << fmt::format("divert: warning: policy '{}' has no tests in {}\n", policy.id,
                            dir.string());
      continue;
    }
    for (const fs::path& file : files) {
      const YamlDocument doc = parse_yaml(read_file(file.string()), file.string());
      PolicyTestFile suite = read_policy_tests(doc, policy);
      std::vector<CaseResult> results = run_policy_tests(policy, suite, today());
      for (const CaseResult& r : results) {
        if (r.passed) {
          ++passed;
          continue;
        }
        ++failed;
        io.out << fmt::format("FAIL {}:{}: {}\n", file.string(), r.line, r.name);
        for (const std::string& line : r.differences) {
          io.out << "  " << line << '\n';
        }
      }
    }
  }
  io.out << fmt::format("policy tests: {} passed, {} failed\n", passed, failed);
  return failed > 0 ? exit_no : exit_ok;
}

} // namespace

void register_policy(CLI::App& app, CommandState& state) {
  CLI::App* policy = app.add_subcommand("policy", "Tools for policy authors: lint, test");
  policy->require_subcommand(1);

  auto lint = std::make_shared<LintOptions>();
  CLI::App* lint_cmd = policy->add_subcommand(
      "lint", "Check policies; every finding as file:line:col: severity: message [check].\n"
              "Exit status: 1 if any error or warning, else 0.");
  lint_cmd->add_option("policies", lint->policies, "Policy files or ids")->required();
  lint_cmd->add_flag("--json", lint->json, "Findings as JSON");
  lint_cmd->add_option("--today", lint->today, "Date for review/end-date checks (YYYY-MM-DD)");
  lint_cmd->callback([lint, &state] {
    state.json = lint->json;
    state.action = [lint](Io& io) { return run_lint(*lint, io); };
  });

  auto test = std::make_shared<TestOptions>();
  CLI::App* test_cmd = policy->add_subcommand(
      "test", "Run policies' test cases (tests/policies/<id>/*.yaml, or --tests DIR).\n"
              "With no policy named, every shipped policy's tests run.");
  test_cmd->add_option("policies", test->policies, "Policy files or ids");
  test_cmd->add_option("--tests", test->tests_dir, "Directory holding <id>/*.yaml test files");
  test_cmd->callback([test, &state] {
    state.action = [test](Io& io) { return run_test(*test, io); };
  });
}

} // namespace divert::cli
