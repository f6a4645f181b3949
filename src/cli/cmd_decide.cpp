// SPDX-License-Identifier: Apache-2.0
#include "cli/app.hpp"
#include "cli/files.hpp"
#include "cli/policy_trust.hpp"
#include "cli/render.hpp"

#include "core/decision/answers.hpp"
#include "core/decision/decision_json.hpp"
#include "core/decision/evaluate.hpp"

#include <CLI/CLI.hpp>

#include <memory>
#include <ostream>

namespace divert::cli {

namespace {

struct DecideOptions {
  std::string policy;
  std::string answers;
  std::vector<std::string> sets;
  bool json = false;
};

int run_decide(const DecideOptions& opts, Io& io) {
  const Policy policy = load_policy_arg(opts.policy, false, laptop_policy_trust());
  const Answers answers = read_case_answers(policy, opts.answers, opts.sets);
  check_answers(policy, answers);
  const Decision decision = evaluate(policy, answers, today());
  if (opts.json) {
    note_policy_status(io.err, policy);
    // Which file each layer came from: what was decided under is never in doubt.
    io.out << decision_json(policy, decision, true) << '\n';
  } else {
    render_decision(io.out, policy, decision, io.color);
  }
  return exit_for_outcome(decision.outcome);
}

} // namespace

void register_decide(CLI::App& app, CommandState& state) {
  auto opts = std::make_shared<DecideOptions>();
  CLI::App* cmd = app.add_subcommand(
      "decide", "Decide one case from an answers file and/or --set values; writes nothing.\n"
                "Exit status: 0 eligible, 1 ineligible, 2 needs approval, 3 incomplete.");
  add_policy_option(*cmd, opts->policy);
  add_answer_options(*cmd, opts->answers, opts->sets);
  cmd->add_flag("--json", opts->json, "Print the decision as JSON (divert.decision/1)");
  cmd->callback([opts, &state] {
    state.json = opts->json;
    state.action = [opts](Io& io) { return run_decide(*opts, io); };
  });
}

} // namespace divert::cli
