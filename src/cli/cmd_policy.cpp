// SPDX-License-Identifier: Apache-2.0
#include "cli/cmd_policy.hpp"

#include <CLI/CLI.hpp>

namespace divert::cli {

void register_policy(CLI::App& app, CommandState& state) {
  CLI::App* policy = app.add_subcommand(
      "policy", "Tools for policy authors: lint, test, diff, show, sign, schema, list.\n"
                "A typical change: edit the YAML, then\n"
                "  divert policy lint my/wa-whatcom.yaml\n"
                "  divert policy test my/wa-whatcom.yaml --coverage\n"
                "  divert policy diff wa-whatcom my/wa-whatcom.yaml --cases past-cases.jsonl\n"
                "  divert policy show my/wa-whatcom.yaml --format markdown\n"
                "  divert policy sign my/wa-whatcom.yaml   (for laptops with a policy trust list)");
  policy->require_subcommand(1);

  // Registered in the order `divert policy --help` lists them.
  register_policy_lint(*policy, state);
  register_policy_test(*policy, state);
  register_policy_diff(*policy, state);
  register_policy_show(*policy, state);
  register_policy_sign(*policy, state);
  register_policy_schema(*policy, state);
  register_policy_list(*policy, state);
}

} // namespace divert::cli
