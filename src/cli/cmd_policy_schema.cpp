// SPDX-License-Identifier: Apache-2.0
#include "cli/cmd_policy.hpp"

#include "core/authoring/policy_schema.hpp"

#include <ostream>

namespace divert::cli {

namespace {

int run_schema(Io& io) {
  io.out << policy_schema_json();
  return exit_ok;
}

} // namespace

void register_policy_schema(CLI::App& policy, CommandState& state) {
  CLI::App* schema_cmd =
      policy.add_subcommand("schema",
                            "The JSON Schema (draft-07) of the policy format, for editors");
  schema_cmd->footer(
      "Print the JSON Schema (draft-07) of the policy format. Editors with a YAML\n"
      "language server complete and check policies with it as they are typed when a\n"
      "policy starts with\n"
      "  # yaml-language-server: $schema=../schema/divert-policy.schema.json\n"
      "(schema/divert-policy.schema.json in the source tree; installed with divert).");
  schema_cmd->callback([&state] { state.action = [](Io& io) { return run_schema(io); }; });
}

} // namespace divert::cli
