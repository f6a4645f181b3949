// SPDX-License-Identifier: Apache-2.0
#include "cli/cmd_policy.hpp"

#include "cli/files.hpp"

#include "core/policy/policy_loader.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <ostream>
#include <set>

namespace fs = std::filesystem;

namespace divert::cli {

namespace {

struct ListOptions {
  bool ids_only = false;
  bool decidable_only = false;
};

// The policies divert can find by id, for people and for shell completion.
int run_list(const ListOptions& opts, Io& io) {
  std::set<std::string> seen;
  for (const std::string& file : shipped_policy_files()) {
    const std::string id = fs::path(file).stem().string();
    if (!seen.insert(id).second) {
      continue;
    }
    if (opts.ids_only && !opts.decidable_only) {
      io.out << id << '\n';
      continue;
    }
    try {
      const Policy policy = load_policy(find_policy(file), policy_resolver());
      if (opts.decidable_only && policy.is_abstract) {
        continue;
      }
      if (opts.ids_only) {
        io.out << id << '\n';
        continue;
      }
      io.out << fmt::format("{:<22} {:<8} {}{}\n", id, status_name(policy.status), policy.title,
                            policy.is_abstract ? " (abstract)" : "");
    } catch (const Error& e) {
      if (opts.decidable_only) {
        continue;
      }
      io.out << fmt::format("{:<22} {:<8} (does not load: {})\n", id, "invalid", e.what());
    }
  }
  return exit_ok;
}

} // namespace

void register_policy_list(CLI::App& policy, CommandState& state) {
  auto list = std::make_shared<ListOptions>();
  CLI::App* list_cmd = policy.add_subcommand("list", "The policies divert finds by id");
  list_cmd->footer("List the policies divert finds by id ($DIVERT_POLICY_PATH, the installed\n"
                   "policies, ./policies): id, status and title.");
  list_cmd->add_flag("--ids", list->ids_only,
                     "Only the ids, one per line (for scripts and "
                     "shell completion)");
  list_cmd->add_flag("--decidable", list->decidable_only,
                     "Only the policies that can decide a case: no abstract layers, none that "
                     "fails to load");
  list_cmd->callback(
      [list, &state] { state.action = [list](Io& io) { return run_list(*list, io); }; });
}

} // namespace divert::cli
