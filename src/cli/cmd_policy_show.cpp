// SPDX-License-Identifier: Apache-2.0
#include "cli/cmd_policy.hpp"

#include "cli/files.hpp"

#include "core/authoring/policy_show.hpp"

#include <fmt/format.h>

#include <memory>
#include <ostream>

namespace divert::cli {

namespace {

struct ShowOptions {
  std::string policy;
  std::string format = "text";
};

int run_show(const ShowOptions& opts, Io& io) {
  const Policy policy = load_policy_arg(opts.policy, true);
  if (opts.format == "text") {
    io.out << show_policy_text(policy);
  } else if (opts.format == "markdown") {
    io.out << show_policy_markdown(policy);
  } else if (opts.format == "dot") {
    io.out << show_policy_dot(policy);
  } else {
    io.out << show_policy_json(policy);
  }
  return exit_ok;
}

} // namespace

void register_policy_show(CLI::App& policy, CommandState& state) {
  auto opts = std::make_shared<ShowOptions>();
  CLI::App* cmd =
      policy.add_subcommand("show",
                            "The checklist and rules as text, markdown, a Graphviz graph or JSON");
  cmd->footer(
      "Show a policy as a document: the checklist as officers see it (question, help,\n"
      "when it is asked) and the rules in plain language with their sources, for\n"
      "training and for the people who approve a change.\n"
      "  --format text       80-column text (default)\n"
      "  --format markdown   the same, with tables, for a wiki or a council packet\n"
      "  --format dot        a Graphviz graph of questions and rules:\n"
      "                      divert policy show wa-whatcom --format dot | dot -Tsvg > p.svg\n"
      "  --format json       questions, types, allowed values and ask-conditions (as\n"
      "                      text and as an expression tree) for a dispatch system\n"
      "                      that builds its own form");
  cmd->add_option("policy", opts->policy, "Policy file or id (abstract layers too)")->required();
  cmd->add_option("--format,-f", opts->format, "text, markdown, dot or json")
      ->check(CLI::IsMember({"text", "markdown", "dot", "json"}));
  cmd->callback([opts, &state] {
    state.json = opts->format == "json";
    state.action = [opts](Io& io) { return run_show(*opts, io); };
  });
}

} // namespace divert::cli
