// SPDX-License-Identifier: Apache-2.0
#include "cli/app.hpp"
#include "cli/config.hpp"
#include "cli/record_files.hpp"

#include "core/record/canonical_json.hpp"
#include "core/base/error.hpp"
#include "core/base/text_util.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <ostream>

namespace divert::cli {

namespace {

using nlohmann::json;

struct RecordsOptions {
  std::string dir;
  bool csv = false;
};

// One record as program staff count it.
struct Summary {
  std::string record_id, created_at, officer, agency, policy, policy_version, pathway, outcome;
  std::vector<std::string> reasons;
  std::string action, action_reason, supersedes, device;
  long long seq = 0;
};

std::string text_at(const json& j, const json::json_pointer& pointer) {
  if (!j.contains(pointer)) return {};
  const json& v = j.at(pointer);
  return v.is_string() ? v.get<std::string>() : std::string();
}

Summary summarize(const json& j) {
  Summary s;
  s.record_id = text_at(j, json::json_pointer("/record_id"));
  s.created_at = text_at(j, json::json_pointer("/created_at"));
  s.officer = text_at(j, json::json_pointer("/officer/id"));
  s.agency = text_at(j, json::json_pointer("/agency/code"));
  s.policy = text_at(j, json::json_pointer("/policy/id"));
  s.policy_version = text_at(j, json::json_pointer("/policy/version"));
  s.pathway = text_at(j, json::json_pointer("/pathway"));
  s.outcome = text_at(j, json::json_pointer("/decision/outcome"));
  const json::json_pointer reasons("/decision/reasons");
  if (j.contains(reasons) && j.at(reasons).is_array()) {
    for (const json& r : j.at(reasons)) {
      if (r.is_object() && r.contains("rule") && r["rule"].is_string()) {
        s.reasons.push_back(r["rule"].get<std::string>());
      }
    }
  }
  s.action = text_at(j, json::json_pointer("/officer_action/action"));
  s.action_reason = text_at(j, json::json_pointer("/officer_action/reason"));
  s.supersedes = text_at(j, json::json_pointer("/supersedes"));
  s.device = text_at(j, json::json_pointer("/device/id"));
  const json::json_pointer seq("/device/seq");
  if (j.contains(seq) && j.at(seq).is_number_integer()) s.seq = j.at(seq).get<long long>();
  return s;
}

std::string csv_field(const std::string& raw) {
  const std::string s = terminal_safe(raw); // a file's control characters never reach a terminal
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

json nullable(const std::string& s) { return s.empty() ? json() : json(s); }

json summary_json(const Summary& s) {
  return {{"record_id", s.record_id}, {"created_at", s.created_at},
          {"officer", s.officer},     {"agency", s.agency},
          {"policy", s.policy},       {"policy_version", s.policy_version},
          {"pathway", nullable(s.pathway)}, {"outcome", s.outcome},
          {"reasons", s.reasons},     {"action", nullable(s.action)},
          {"action_reason", nullable(s.action_reason)}, {"supersedes", nullable(s.supersedes)},
          {"device", s.device},       {"seq", s.seq}};
}

int run_records(const std::string& mode, const RecordsOptions& opts, Io& io) {
  const std::string dir = opts.dir.empty() ? load_config(config_path()).records : opts.dir;
  const FoundRecords found = find_records({dir}, false);
  std::vector<Summary> rows;
  bool bad = false;
  for (const RecordFile& file : found.records) {
    try {
      if (!file.unreadable.empty()) {
        throw InputError(SourceLocation{file.path, 0, 0}, file.unreadable);
      }
      const json j = parse_json_strict(file.bytes, file.path);
      if (!j.is_object() || j.value("schema", "") != "divert.referral/1") {
        throw InputError(SourceLocation{file.path, 0, 0}, "not a divert.referral/1 record");
      }
      rows.push_back(summarize(j));
    } catch (const InputError& e) {
      io.err << "divert: warning: skipped " << terminal_safe(file.path) << ": "
             << terminal_safe(e.diagnostics().empty() ? e.what() : e.diagnostics().front().message)
             << '\n';
      bad = true;
    }
  }
  std::sort(rows.begin(), rows.end(), [](const Summary& a, const Summary& b) {
    return std::tie(a.created_at, a.device, a.seq, a.record_id) <
           std::tie(b.created_at, b.device, b.seq, b.record_id);
  });

  if (opts.csv) {
    io.out << "record_id,created_at,officer,agency,policy,policy_version,pathway,outcome,reasons,"
              "action,action_reason,supersedes,device,seq\n";
    for (const Summary& s : rows) {
      io.out << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", csv_field(s.record_id),
                            csv_field(s.created_at), csv_field(s.officer), csv_field(s.agency),
                            csv_field(s.policy), csv_field(s.policy_version), csv_field(s.pathway),
                            csv_field(s.outcome), csv_field(join(s.reasons, ";")),
                            csv_field(s.action), csv_field(s.action_reason),
                            csv_field(s.supersedes), csv_field(s.device), s.seq);
    }
  } else if (mode == "export") {
    for (const Summary& s : rows) {
      io.out << summary_json(s).dump() << '\n';
    }
  } else {
    std::map<std::string, int> outcomes;
    std::map<std::string, int> actions;
    for (const Summary& s : rows) {
      // Every field comes from a file: escaped, never sent raw to a terminal.
      io.out << terminal_safe(fmt::format(
                    "{}  {}  {}  {} {}  {}  {}  {}{}", s.created_at, s.record_id, s.officer,
                    s.policy, s.policy_version, s.pathway.empty() ? "-" : s.pathway, s.outcome,
                    s.action.empty() ? "no-action" : s.action,
                    s.reasons.empty() ? "" : "  [" + join(s.reasons, ", ") + "]"))
             << '\n';
      ++outcomes[s.outcome];
      ++actions[s.action.empty() ? "no action" : s.action];
    }
    std::vector<std::string> counts;
    for (const auto& [name, n] : outcomes) counts.push_back(fmt::format("{} {}", n, terminal_safe(name)));
    for (const auto& [name, n] : actions) counts.push_back(fmt::format("{} {}", n, terminal_safe(name)));
    io.err << fmt::format("{} record{} in {}{}{}\n", rows.size(), rows.size() == 1 ? "" : "s", dir,
                          counts.empty() ? "" : ": ", join(counts, ", "));
  }
  return bad ? exit_data : exit_ok;
}

} // namespace

void register_records(CLI::App& app, CommandState& state) {
  CLI::App* cmd = app.add_subcommand(
      "records", "What this laptop has recorded: id, time, officer, policy and version, pathway, "
                 "outcome,\nreason ids and the officer's action, for counting and hand-over.");
  cmd->require_subcommand(1);
  for (const char* mode : {"list", "export"}) {
    auto opts = std::make_shared<RecordsOptions>();
    CLI::App* sub = cmd->add_subcommand(
        mode, std::string(mode) == "list"
                  ? "One line per record, oldest first, and counts on stderr (--csv: CSV)"
                  : "One JSON object per record (JSON Lines), oldest first (--csv: CSV)");
    sub->add_option("dir", opts->dir, "Records directory (default: the configured one)");
    sub->add_flag("--csv", opts->csv, "CSV with a header line");
    const std::string name = mode;
    sub->callback([opts, name, &state] {
      state.action = [opts, name](Io& io) { return run_records(name, *opts, io); };
    });
  }
}

} // namespace divert::cli
