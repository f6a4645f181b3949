// SPDX-License-Identifier: Apache-2.0
#include "cli/cmd_policy.hpp"

#include "cli/files.hpp"
#include "cli/publish.hpp"
#include "cli/render.hpp"

#include "core/policy/policy_loader.hpp"
#include "core/authoring/policy_test.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <ostream>

namespace fs = std::filesystem;

namespace divert::cli {

namespace {

struct TestOptions {
  std::vector<std::string> policies;
  std::string tests_dir;
  bool coverage = false;
  double min_coverage = -1;
  bool update = false;
};

// The file's own mode, so that an update does not change who may read a test file.
unsigned file_mode(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  return ec ? 0644u : static_cast<unsigned>(status.permissions() & fs::perms::mask);
}

std::vector<fs::path> test_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) {
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      const std::string ext = entry.path().extension().string();
      if (ext == ".yaml" || ext == ".yml") files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

struct Totals {
  size_t passed = 0;
  size_t failed = 0;
  size_t updated = 0;
  size_t under_coverage = 0;
};

void test_policy(const std::string& reference, const TestOptions& opts, Totals& totals, Io& io) {
  const PolicyText text = find_policy(reference);
  const Policy policy = load_policy(text, policy_resolver());
  const fs::path dir =
      fs::path(opts.tests_dir.empty() ? "tests/policies" : opts.tests_dir) / policy.id;
  const std::vector<fs::path> files = test_files(dir);
  const bool coverage = opts.coverage || opts.min_coverage >= 0;
  if (files.empty() && policy.is_abstract && policy.rules.empty()) {
    return; // a vocabulary: nothing to decide, nothing to test
  }
  note_policy_status(io.err, policy);
  if (files.empty()) {
    io.err << fmt::format("divert: warning: policy '{}' has no tests in {}/ (write cases as "
                          "{}/NAME.yaml)\n",
                          policy.id, dir.string(), dir.string());
    if (coverage) {
      io.out << fmt::format("coverage {}: 0.0% (no tests)\n", policy.id);
      totals.under_coverage += opts.min_coverage > 0 ? 1 : 0;
    }
    return;
  }
  TestCoverage cover(policy);
  size_t passed = 0;
  size_t failed = 0;
  const Days day = today();
  for (const fs::path& file : files) {
    const YamlDocument doc = parse_yaml(read_file(file.string()), file.string());
    const PolicyTestFile suite = read_policy_tests(doc, policy);
    const std::vector<CaseResult> results = run_policy_tests(policy, suite, day);
    size_t failed_here = 0;
    for (size_t i = 0; i < results.size(); ++i) {
      const CaseResult& r = results[i];
      cover.add(suite.cases[i].answers, r.decision);
      if (r.passed) {
        ++passed;
        continue;
      }
      ++failed_here;
      io.out << fmt::format("{} {}:{}: {}\n", opts.update ? "UPDATE" : "FAIL", file.string(),
                            r.line, r.name);
      for (const std::string& line : r.differences) {
        io.out << "  " << line << '\n';
      }
      if (!r.mattered.empty()) {
        io.out << "  the rules involved, and the answers they read:\n";
        for (const std::string& line : r.mattered) {
          io.out << "    " << line << '\n';
        }
      }
    }
    if (opts.update && failed_here > 0) {
      // Through publish's replace_file (temporary name, fsync, rename): an interrupted update or
      // a full disk leaves the old file whole.
      replace_file(file.string(), update_policy_tests(doc, policy, suite, results), {},
                   file_mode(file));
      totals.updated += failed_here;
      io.err << fmt::format("divert: rewrote {} expectation{} in {}; review the change (git diff) "
                            "before committing it\n",
                            failed_here, failed_here == 1 ? "" : "s", file.string());
    } else {
      failed += failed_here;
    }
  }
  io.out << fmt::format("{}: {} passed, {} failed\n", policy.id, passed, failed);
  totals.passed += passed;
  totals.failed += failed;
  if (coverage) {
    io.out << fmt::format("coverage {}: {:.1f}% ({} of {} rule outcomes, questions and choice "
                          "values)\n",
                          policy.id, cover.percent(), cover.covered(), cover.total());
    for (const std::string& line : cover.uncovered()) {
      io.out << "  " << line << '\n';
    }
    if (opts.min_coverage >= 0 && cover.percent() < opts.min_coverage) {
      ++totals.under_coverage;
      io.err << fmt::format("divert: coverage of '{}' is {:.1f}%, under --min-coverage {}\n",
                            policy.id, cover.percent(), opts.min_coverage);
    }
  }
}

int run_test(const TestOptions& opts, Io& io) {
  if (opts.min_coverage > 100) {
    throw UsageError(fmt::format("--min-coverage {} is over 100", opts.min_coverage));
  }
  std::vector<std::string> policies = opts.policies;
  if (policies.empty()) {
    policies = shipped_policy_files();
    if (policies.empty()) {
      throw MissingInputError("no policies found to test (name one, or run where ./policies is)");
    }
  }
  Totals totals;
  for (const std::string& reference : policies) {
    test_policy(reference, opts, totals, io);
  }
  io.out << fmt::format("policy tests: {} passed, {} failed{}\n", totals.passed, totals.failed,
                        totals.updated > 0 ? fmt::format(", {} updated", totals.updated) : "");
  return totals.failed > 0 || totals.under_coverage > 0 ? exit_no : exit_ok;
}

} // namespace

void register_policy_test(CLI::App& policy, CommandState& state) {
  auto opts = std::make_shared<TestOptions>();
  CLI::App* cmd = policy.add_subcommand(
      "test", "Run the policies' test cases, with --coverage, --min-coverage, --update");
  cmd->footer("Run policies' test cases: tests/policies/<id>/*.yaml (or --tests DIR), each\n"
              "  cases:\n"
              "    - name: possession under the limit\n"
              "      answers: {pathway: arrest_diversion, offense: drug_possession, ...}\n"
              "      expect: {outcome: eligible, reasons: [], notices: [], missing: []}\n"
              "reasons, notices and missing are compared as sets (missing only when given).\n"
              "With no policy named, every shipped policy's tests run. A failure shows\n"
              "expected vs actual and, for each rule involved, its verdict and the answers\n"
              "it read. --coverage lists what no test exercises; --update rewrites the\n"
              "expectations of failing cases for you to review in git.\n"
              "Exit status: 1 if a test fails or coverage is under --min-coverage, else 0.");
  cmd->add_option("policies", opts->policies,
                  "Policy files or ids (default: every shipped policy)");
  cmd->add_option("--tests", opts->tests_dir,
                  "Directory holding <id>/*.yaml test files "
                  "(default: tests/policies)");
  cmd->add_flag("--coverage", opts->coverage,
                "Report per policy the rules never fired and never cleared, the questions never "
                "asked and the choice values never tried, with a percentage");
  cmd->add_option("--min-coverage", opts->min_coverage,
                  "Fail (exit 1) when a policy's coverage is under PERCENT (0 to 100; implies "
                  "--coverage)")
      ->check(number_from(0, 100, false));
  cmd->add_flag("--update", opts->update,
                "Rewrite the expectations of failing cases to what the policy now decides "
                "(names, answers, comments and passing cases are kept); review with git diff");
  cmd->callback([opts, &state] { state.action = [opts](Io& io) { return run_test(*opts, io); }; });
}

} // namespace divert::cli
