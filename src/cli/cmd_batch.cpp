// SPDX-License-Identifier: Apache-2.0
#include "cli/app.hpp"
#include "cli/files.hpp"
#include "cli/line_reader.hpp"
#include "cli/render.hpp"

#include "core/decision/answers_json.hpp"
#include "core/decision/decision_json.hpp"
#include "core/decision/evaluate.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <istream>
#include <memory>
#include <ostream>

namespace divert::cli {

namespace {

struct BatchOptions {
  std::string policy;
  std::string cases = "-";
};

int run_batch(const BatchOptions& opts, Io& io) {
  const Policy policy = load_policy_arg(opts.policy, false);
  note_policy_status(io.err, policy);
  std::unique_ptr<std::istream> file;
  std::istream* in = &open_input(opts.cases, io.in, file);

  JsonCaseReader reader(policy);
  Evaluator evaluator(policy);
  const DecisionWriter writer(policy);
  Answers answers(policy);
  Decision decision;
  LineReader lines(*in, JsonCaseReader::padding(), JsonCaseReader::k_max_line);
  const std::optional<Days> day = today();

  std::string out;
  out.reserve(1u << 20);
  std::string case_id;
  std::array<size_t, 4> counts{};
  size_t errors = 0;
  size_t line_number = 0;
  std::string_view line;
  while (lines.next_case(line, line_number)) {
    std::string problem = reader.read(line, answers, case_id);
    if (problem.empty()) {
      problem = past_date_problem(policy, answers);
    }
    out += "{\"line\":";
    out += std::to_string(line_number);
    out += ",\"case_id\":";
    out += case_id;
    if (!problem.empty()) {
      ++errors;
      out += ",\"error\":{\"message\":";
      append_json_string(out, problem);
      out += "}}\n";
    } else {
      evaluator.run(answers, day, decision);
      ++counts[static_cast<size_t>(decision.outcome)];
      out += ',';
      writer.append_members(out, decision);
      out += "}\n";
    }
    if (out.size() > (1u << 20) - 4096) {
      io.out.write(out.data(), static_cast<std::streamsize>(out.size()));
      out.clear();
      if (io.stderr_is_tty && line_number % 16 == 0) {
        io.err << fmt::format("\rdivert batch: {} lines...", line_number) << std::flush;
      }
    }
  }
  io.out.write(out.data(), static_cast<std::streamsize>(out.size()));
  io.out.flush();
  if (in->bad()) {
    throw IoError(fmt::format("{}: read error", opts.cases));
  }
  if (io.stderr_is_tty) {
    io.err << "\r\x1b[K";
  }
  const size_t total = counts[0] + counts[1] + counts[2] + counts[3] + errors;
  io.err << fmt::format("divert batch: {} cases: {} eligible, {} ineligible, {} needs_approval, "
                        "{} incomplete, {} errors\n",
                        total, counts[0], counts[1], counts[2], counts[3], errors);
  return errors > 0 ? exit_data : exit_ok;
}

} // namespace

void register_batch(CLI::App& app, CommandState& state) {
  auto opts = std::make_shared<BatchOptions>();
  CLI::App* cmd = app.add_subcommand(
      "batch", "Decide many cases: JSON Lines in (one case per line), one JSON decision per line "
               "out, in order.\nA bad line yields an error object and the run goes on (exit 65).");
  cmd->add_option("--policy,-p", opts->policy, "Policy id (e.g. wa-whatcom) or path to a .yaml")
      ->required();
  cmd->add_option("cases", opts->cases, "Cases file (JSON Lines), or - for stdin (default)");
  cmd->callback([opts, &state] {
    state.action = [opts](Io& io) { return run_batch(*opts, io); };
  });
}

} // namespace divert::cli
