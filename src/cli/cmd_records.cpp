// SPDX-License-Identifier: Apache-2.0
#include "cli/app.hpp"
#include "cli/config.hpp"
#include "cli/record_files.hpp"
#include "cli/render.hpp"

#include "core/record/canonical_json.hpp"
#include "core/base/error.hpp"
#include "core/base/text_util.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <ostream>

namespace divert::cli {

namespace {

using nlohmann::json;

struct RecordsOptions {
  std::string dir;
  std::string dir_option; // list and export: --records, the same as their DIR
  std::string officer;    // whose configured records directory; empty: the officer last used
  std::string id;         // show: the record id (or REF-<id>.json)
  bool csv = false;
  bool json = false;
};

// One record as program staff count it.
struct Summary {
  std::string record_id, created_at, case_number, incident_date, officer, agency, policy,
      policy_version, pathway, outcome;
  std::vector<std::string> reasons;
  std::string action, action_reason, supersedes, device;
  long long seq = 0;
};

std::string text_at(const json& j, const json::json_pointer& pointer) {
  if (!j.contains(pointer)) return {};
  const json& v = j.at(pointer);
  return v.is_string() ? v.get<std::string>() : std::string();
}

// One spelling per action wherever records are listed, counted or exported.
std::string action_word(const std::string& recorded) {
  if (recorded.empty()) return "no-action";
  if (recorded == "exception_requested") return "exception";
  return recorded;
}

Summary summarize(const json& j) {
  Summary s;
  s.record_id = text_at(j, json::json_pointer("/record_id"));
  s.created_at = text_at(j, json::json_pointer("/created_at"));
  s.case_number = text_at(j, json::json_pointer("/answers/case_number/value"));
  s.incident_date = text_at(j, json::json_pointer("/answers/incident_date/value"));
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
  s.action = action_word(text_at(j, json::json_pointer("/officer_action/action")));
  s.action_reason = text_at(j, json::json_pointer("/officer_action/reason"));
  s.supersedes = text_at(j, json::json_pointer("/supersedes"));
  s.device = text_at(j, json::json_pointer("/device/id"));
  const json::json_pointer seq("/device/seq");
  if (j.contains(seq) && j.at(seq).is_number_integer()) s.seq = j.at(seq).get<long long>();
  return s;
}

std::string csv_field(const std::string& raw) {
  std::string s = terminal_safe(raw); // a file's control characters never reach a terminal
  // A spreadsheet runs a cell that starts with = + - or @ as a formula (CWE-1236), and the CSV
  // is for hand-over, opened in one; free text (a case number, a decline reason) could start so.
  // A leading apostrophe makes it text, as OWASP advises; the JSON output is left as it is.
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@'))
    s.insert(0, 1, '\'');
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
  return {{"record_id", s.record_id},
          {"created_at", s.created_at},
          {"case_number", nullable(s.case_number)},
          {"incident_date", nullable(s.incident_date)},
          {"officer", s.officer},
          {"agency", s.agency},
          {"policy", s.policy},
          {"policy_version", s.policy_version},
          {"pathway", nullable(s.pathway)},
          {"outcome", s.outcome},
          {"reasons", s.reasons},
          {"action", s.action},
          {"action_reason", nullable(s.action_reason)},
          {"supersedes", nullable(s.supersedes)},
          {"device", s.device},
          {"seq", s.seq}};
}

struct LoadedRecord {
  Summary summary;
  std::string path;
  std::string bytes;
};

// The records of `dir`, oldest first; a file that is not a record is skipped with a warning
// (and sets `bad`).
std::vector<LoadedRecord> load_records(const std::string& dir, Io& io, bool& bad) {
  const FoundRecords found = find_records({dir}, false);
  std::vector<LoadedRecord> rows;
  for (const RecordFile& file : found.records) {
    try {
      if (!file.unreadable.empty()) {
        throw InputError(SourceLocation{file.path, 0, 0}, file.unreadable);
      }
      const json j = parse_json_strict(file.bytes, file.path);
      if (!j.is_object() || j.value("schema", "") != "divert.referral/1") {
        throw InputError(SourceLocation{file.path, 0, 0}, "not a divert.referral/1 record");
      }
      rows.push_back({summarize(j), file.path, file.bytes});
    } catch (const InputError& e) {
      io.err << "divert: warning: skipped " << terminal_safe(file.path) << ": "
             << terminal_safe(e.diagnostics().empty() ? e.what() : e.diagnostics().front().message)
             << '\n';
      bad = true;
    }
  }
  std::sort(rows.begin(), rows.end(), [](const LoadedRecord& x, const LoadedRecord& y) {
    const Summary& a = x.summary;
    const Summary& b = y.summary;
    return std::tie(a.created_at, a.device, a.seq, a.record_id) <
           std::tie(b.created_at, b.device, b.seq, b.record_id);
  });
  return rows;
}

std::string records_dir(const RecordsOptions& opts) {
  return opts.dir.empty() ? select_config(config_store(), opts.officer).records : opts.dir;
}

void write_csv(Io& io, const std::vector<LoadedRecord>& rows) {
  io.out << "record_id,created_at,case_number,incident_date,officer,agency,policy,policy_version,"
            "pathway,outcome,reasons,action,action_reason,supersedes,device,seq\n";
  for (const LoadedRecord& row : rows) {
    const Summary& s = row.summary;
    io.out << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                          csv_field(s.record_id), csv_field(s.created_at), csv_field(s.case_number),
                          csv_field(s.incident_date), csv_field(s.officer), csv_field(s.agency),
                          csv_field(s.policy), csv_field(s.policy_version), csv_field(s.pathway),
                          csv_field(s.outcome), csv_field(join(s.reasons, ";")),
                          csv_field(s.action), csv_field(s.action_reason), csv_field(s.supersedes),
                          csv_field(s.device), s.seq);
  }
}

// The table, each column as wide as its widest cell; or, when that is wider than `columns` (a
// terminal's; 0: no limit), each record as a block that fits: its id, outcome and action, then
// the other fields as "label value" items filled into indented lines. A table wrapped by the
// terminal is unreadable, and a patrol laptop's is 80 columns or fewer.
std::string lay_out_records(const std::vector<std::vector<std::string>>& table, size_t columns) {
  std::vector<size_t> widths(table.front().size(), 0);
  for (const auto& cells : table) {
    for (size_t c = 0; c < cells.size(); ++c) widths[c] = std::max(widths[c], cells[c].size());
  }
  size_t table_width = 0;
  for (const size_t w : widths) table_width += w + 2;
  std::string text;
  if (columns == 0 || table_width - 2 < columns) {
    for (const auto& cells : table) {
      std::string line;
      for (size_t c = 0; c < cells.size(); ++c) {
        line += c + 1 == cells.size() ? cells[c] : fmt::format("{:<{}}  ", cells[c], widths[c]);
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      text += line + '\n';
    }
    return text;
  }
  // The header's columns: CREATED, RECORD ID, CASE, INCIDENT, OFFICER, POLICY, PATHWAY,
  // OUTCOME, ACTION, REASONS.
  constexpr std::array<std::pair<size_t, const char*>, 6> k_items = {{{0, "created"},
                                                                      {2, "case"},
                                                                      {3, "incident"},
                                                                      {4, "officer"},
                                                                      {6, "pathway"},
                                                                      {5, "policy"}}};
  const std::string indent = "  ";
  for (size_t r = 1; r < table.size(); ++r) {
    const auto& cells = table[r];
    const std::string head = fmt::format("{}  {}  {}", cells[1], cells[7], cells[8]);
    text += head.size() < columns ? head + '\n' : wrap_hanging(head, "", indent, columns - 1);
    std::string line = indent;
    for (const auto& [column, label] : k_items) {
      if (cells[column].empty()) continue;
      const std::string item = fmt::format("{} {}", label, cells[column]);
      if (line.size() > indent.size() && line.size() + 2 + item.size() >= columns) {
        text += line + '\n';
        line = indent;
      }
      if (indent.size() + item.size() >= columns) { // a field wider than the screen: cut
        text += wrap_hanging(item, indent, indent + "  ", columns - 1);
        continue;
      }
      line += (line.size() > indent.size() ? "  " : "") + item;
    }
    if (line.size() > indent.size()) text += line + '\n';
    if (std::string reasons = cells[9]; !reasons.empty()) {
      for (size_t at = reasons.find(','); at != std::string::npos; at = reasons.find(',', at + 2)) {
        reasons.insert(at + 1, " "); // rule ids have no commas: wrap between them
      }
      text += wrap_hanging("reasons " + reasons, indent, indent + "  ", columns - 1);
    }
  }
  return text;
}

int run_records(const std::string& mode, const RecordsOptions& opts, Io& io) {
  const std::string dir = records_dir(opts);
  bool bad = false;
  const std::vector<LoadedRecord> rows = load_records(dir, io, bad);
  if (opts.csv) {
    write_csv(io, rows);
  } else if (mode == "export") {
    for (const LoadedRecord& row : rows) {
      io.out << summary_json(row.summary).dump() << '\n';
    }
  } else if (opts.json) {
    json list = json::array();
    for (const LoadedRecord& row : rows) list.push_back(summary_json(row.summary));
    io.out << json{{"records", list}}.dump() << '\n';
  } else {
    std::map<std::string, int> outcomes;
    std::map<std::string, int> actions;
    // A table under a header, each column as wide as its widest cell.
    std::vector<std::vector<std::string>> table = {{"CREATED", "RECORD ID", "CASE", "INCIDENT",
                                                    "OFFICER", "POLICY", "PATHWAY", "OUTCOME",
                                                    "ACTION", "REASONS"}};
    for (const LoadedRecord& row : rows) {
      const Summary& s = row.summary;
      const auto or_dash = [](const std::string& v) { return v.empty() ? std::string("-") : v; };
      // Every field comes from a file: escaped, never sent raw to a terminal.
      std::vector<std::string> cells = {s.created_at,
                                        s.record_id,
                                        or_dash(s.case_number),
                                        or_dash(s.incident_date),
                                        s.officer,
                                        s.policy + " " + s.policy_version,
                                        or_dash(s.pathway),
                                        s.outcome,
                                        s.action,
                                        join(s.reasons, ",")};
      for (std::string& cell : cells) cell = terminal_safe(cell);
      table.push_back(std::move(cells));
      ++outcomes[s.outcome];
      ++actions[s.action];
    }
    io.out << lay_out_records(table,
                              io.stdout_is_tty ? std::max<size_t>(terminal_columns(), 40) : 0);
    std::vector<std::string> counts;
    for (const auto& [name, n] : outcomes)
      counts.push_back(fmt::format("{} {}", n, terminal_safe(name)));
    for (const auto& [name, n] : actions)
      counts.push_back(fmt::format("{} {}", n, terminal_safe(name)));
    io.err << fmt::format("{} record{} in {}{}{}\n", rows.size(), rows.size() == 1 ? "" : "s", dir,
                          counts.empty() ? "" : ": ", join(counts, ", "));
  }
  return bad ? exit_data : exit_ok;
}

// `records show ID`: one record, by its id (or its REF-<id>.json name).
int run_show(const RecordsOptions& opts, Io& io) {
  std::string id = opts.id;
  if (id.starts_with("REF-")) id = id.substr(4);
  if (id.ends_with(".json")) id = id.substr(0, id.size() - 5);
  const std::string dir = records_dir(opts);
  bool bad = false;
  for (const LoadedRecord& row : load_records(dir, io, bad)) {
    if (row.summary.record_id != id) continue;
    if (opts.json) {
      io.out << row.bytes << '\n';
      return exit_ok;
    }
    const Summary& s = row.summary;
    const json j = parse_json_strict(row.bytes, row.path);
    const auto field = [&](const char* name, const std::string& value) {
      io.out << fmt::format("{:<15}{}\n", name, value.empty() ? "-" : terminal_safe(value));
    };
    field("Record id:", s.record_id);
    field("File:", row.path);
    field("Created:", s.created_at);
    field("Officer:", text_at(j, json::json_pointer("/officer/principal")));
    field("Device:", fmt::format("{} #{}", s.device, s.seq));
    field("Policy:", s.policy + " " + s.policy_version);
    field("Case number:", s.case_number);
    field("Incident date:", s.incident_date);
    field("Pathway:", s.pathway);
    field("Outcome:", s.outcome);
    field("Reasons:", join(s.reasons, ", "));
    field("Action:", s.action_reason.empty() ? s.action : s.action + ": " + s.action_reason);
    field("Intake by:", text_at(j, json::json_pointer("/referral/intake_deadline")));
    field("Supersedes:", s.supersedes);
    const json::json_pointer answers("/answers");
    if (j.contains(answers) && j.at(answers).is_object()) {
      io.out << "Answers:\n";
      for (const auto& [question, answer] : j.at(answers).items()) {
        const json value =
            answer.is_object() && answer.contains("value") ? answer["value"] : answer;
        io.out << terminal_safe(
                      fmt::format("  {}: {}", question,
                                  value.is_string() ? value.get<std::string>() : value.dump()))
               << '\n';
      }
    }
    return exit_ok;
  }
  throw MissingInputError(
      fmt::format("no record {} in {} (divert records list shows them)", opts.id, dir));
}

} // namespace

void register_records(CLI::App& app, CommandState& state) {
  CLI::App* cmd = app.add_subcommand(
      "records", "What this laptop has recorded: id, time, case number, incident date, officer,\n"
                 "policy and version, pathway, outcome, reason ids and the officer's action\n"
                 "(refer, decline, exception, no-action), for counting and hand-over.");
  cmd->require_subcommand(1);
  for (const char* mode : {"list", "show", "export"}) {
    auto opts = std::make_shared<RecordsOptions>();
    const std::string name = mode;
    CLI::App* sub = cmd->add_subcommand(
        mode, name == "list" ? "One line per record under a header, oldest first, and counts on "
                               "stderr (--json: one JSON document; --csv: CSV)"
              : name == "show"
                  ? "One record: its fields and answers (--json: the record itself)"
                  : "One JSON object per record (JSON Lines), oldest first (--csv: CSV)");
    if (name == "show") {
      sub->add_option("id", opts->id, "The record id (or REF-<id>.json)")->required();
      sub->add_option("--records", opts->dir, "Records directory (default: the configured one)");
    } else {
      sub->add_option("dir", opts->dir, "Records directory (default: the configured one)");
      // As show and screen take it; DIR is the documented form.
      sub->add_option("--records", opts->dir_option, "The same as DIR");
    }
    sub->add_option("--officer", opts->officer,
                    "Whose configured records directory, on a laptop shared by officers "
                    "(default: the officer last used)");
    if (name != "show") sub->add_flag("--csv", opts->csv, "CSV with a header line");
    if (name != "export") {
      auto* json_flag = sub->add_flag("--json", opts->json, "JSON output");
      if (name == "list") json_flag->excludes(sub->get_option("--csv"));
    }
    sub->callback([opts, name, &state] {
      state.json = opts->json;
      state.action = [opts, name](Io& io) {
        if (!opts->dir_option.empty()) {
          if (!opts->dir.empty()) {
            throw UsageError("the records directory is given twice, as DIR and with --records");
          }
          opts->dir = opts->dir_option;
        }
        return name == "show" ? run_show(*opts, io) : run_records(name, *opts, io);
      };
    });
  }
}

} // namespace divert::cli
