// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cli/app.hpp"

#include <CLI/CLI.hpp>

namespace divert::cli {

// The `divert policy` subcommands, one file each; register_policy() (cmd_policy.cpp) wires
// them under `policy`.
void register_policy_lint(CLI::App& policy, CommandState& state);
void register_policy_test(CLI::App& policy, CommandState& state);
void register_policy_diff(CLI::App& policy, CommandState& state);
void register_policy_show(CLI::App& policy, CommandState& state);
void register_policy_sign(CLI::App& policy, CommandState& state);
void register_policy_schema(CLI::App& policy, CommandState& state);
void register_policy_list(CLI::App& policy, CommandState& state);

} // namespace divert::cli
