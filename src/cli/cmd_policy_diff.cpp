// SPDX-License-Identifier: Apache-2.0
#include "cli/cmd_policy.hpp"

#include "cli/files.hpp"
#include "cli/line_reader.hpp"
#include "cli/render.hpp"

#include "core/authoring/policy_diff.hpp"
#include "core/base/text_util.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <ostream>

namespace divert::cli {

namespace {

struct DiffOptions {
  std::string before;
  std::string after;
  std::string cases;
  bool json = false;
};

constexpr size_t k_text_changes = 20;

std::string side_text(const DiffSide& side) {
  if (side.error) {
    return fmt::format("error ({})", side.message);
  }
  return fmt::format("{} [{}]", side.outcome_text(), fmt::join(side.reasons, ", "));
}

void print_groups(std::ostream& out, const std::map<std::string, PolicyDiff::Group>& groups,
                  bool rules) {
  for (const auto& [key, group] : groups) {
    std::string label = key;
    if (!rules) {
      const size_t arrow = label.find("->");
      label = label.substr(0, arrow) + " -> " + label.substr(arrow + 2);
    }
    std::string detail;
    if (rules) {
      detail = fmt::format("  (reason in new only: {}, in old only: {})", group.gained, group.lost);
    }
    // A case id is JSON text, so it has no control characters, but it may have a bidi override.
    out << fmt::format("  {:<34} {:>8}{}   e.g. {}\n", label, group.count, detail,
                       terminal_safe(fmt::format("{}", fmt::join(group.examples, ", "))));
  }
}

int run_diff(const DiffOptions& opts, Io& io) {
  const Policy before = load_policy_arg(opts.before, false);
  const Policy after = load_policy_arg(opts.after, false);
  // Decisions under a draft or model policy say so, here as in decide and batch (once when both
  // versions are the same policy in the same status).
  note_policy_status(io.err, before);
  if (status_warning(after) != status_warning(before)) {
    note_policy_status(io.err, after);
  }
  std::unique_ptr<std::istream> file;
  std::istream* in = &open_input(opts.cases, io.in, file);

  PolicyDiff diff(before, after, today());
  LineReader lines(*in, PolicyDiff::padding(), JsonCaseReader::k_max_line);
  CaseChange change;
  std::vector<CaseChange> shown;
  std::string out;
  if (opts.json) {
    out = "{\"changes\":[";
  }
  bool first_change = true;
  size_t line_number = 0;
  std::string_view line;
  ProgressThrottle progress;
  while (lines.next_case(line, line_number)) {
    if (diff.compare(line, line_number, change)) {
      if (opts.json) {
        // Streamed: a corpus of millions of cases may change in millions of places.
        out += first_change ? "\n" : ",\n";
        out += change_json(change);
        first_change = false;
        if (out.size() > (1u << 20)) {
          io.out.write(out.data(), static_cast<std::streamsize>(out.size()));
          out.clear();
        }
      } else if (shown.size() < k_text_changes) {
        shown.push_back(change);
      }
    }
    if (io.stderr_is_tty && (line_number & 0x3fff) == 0 && progress.due()) {
      io.err << fmt::format("\rdivert policy diff: {} cases, {} changed...", diff.total(),
                            diff.changed())
             << std::flush;
    }
  }
  if (lines.bad()) {
    throw IoError(fmt::format("{}: read error", input_name(opts.cases)));
  }
  if (io.stderr_is_tty) {
    io.err << "\r\x1b[K" << std::flush;
  }
  if (opts.json) {
    out += first_change ? "]," : "\n],";
    out += diff_totals_json(diff);
    out += "}\n";
    io.out.write(out.data(), static_cast<std::streamsize>(out.size()));
  } else {
    const double share = diff.total() == 0 ? 0.0
                                           : 100.0 * static_cast<double>(diff.changed()) /
                                                 static_cast<double>(diff.total());
    io.out << fmt::format("{} -> {}: {} case{}, {} changed outcome or reasons ({:.1f}%)\n",
                          before.version.empty() ? before.id : before.id + " " + before.version,
                          after.version.empty() ? after.id : after.id + " " + after.version,
                          diff.total(), diff.total() == 1 ? "" : "s", diff.changed(), share);
    if (diff.errors_in_both() > 0) {
      io.out << fmt::format("{} line{} could not be evaluated by either version (not counted as "
                            "changed; see divert batch)\n",
                            diff.errors_in_both(), diff.errors_in_both() == 1 ? "" : "s");
    }
    if (diff.changed() > 0) {
      io.out << "\nBy transition (old -> new):\n";
      print_groups(io.out, diff.by_transition(), false);
      if (!diff.by_rule().empty()) {
        io.out << "\nBy rule (a reason in one version only):\n";
        print_groups(io.out, diff.by_rule(), true);
      }
      io.out << "\nChanged cases:\n";
      for (const CaseChange& c : shown) {
        const std::string where = c.case_id_json == "null"
                                      ? fmt::format("line {}", c.line)
                                      : fmt::format("line {} ({})", c.line, case_label(c));
        // A refused line's message quotes the value it refused, as read.
        io.out << terminal_safe(
                      fmt::format("  {}: {} -> {}", where, side_text(c.before), side_text(c.after)))
               << '\n';
      }
      if (diff.changed() > shown.size()) {
        io.out << fmt::format("  ... and {} more (--json lists every change)\n",
                              diff.changed() - shown.size());
      }
    }
  }
  io.out.flush();
  return diff.changed() > 0 ? exit_no : exit_ok;
}

} // namespace

void register_policy_diff(CLI::App& policy, CommandState& state) {
  auto opts = std::make_shared<DiffOptions>();
  CLI::App* cmd = policy.add_subcommand(
      "diff", "Which past cases change outcome or reasons between two versions of a policy");
  cmd->footer(
      "Decide a corpus of past cases under two versions of a policy and report the\n"
      "cases whose outcome or set of reasons changes, grouped by transition\n"
      "(eligible -> ineligible, ...) and by the rules responsible, with example case\n"
      "ids. Cases are JSON Lines, as for 'divert batch', and each version decides\n"
      "exactly as batch would; a line only one version refuses is a change to or\n"
      "from outcome 'error'. Streams any number of cases (progress on a terminal).\n"
      "Exit status: 1 if any case changed, 0 if none did.\n"
      "Example: divert policy diff wa-whatcom my/wa-whatcom.yaml --cases examples/cases.jsonl");
  cmd->add_option("old", opts->before, "The policy as it is (file or id)")->required();
  cmd->add_option("new", opts->after, "The policy as changed (file or id)")->required();
  cmd->add_option("--cases", opts->cases, "Cases file (JSON Lines), or - for standard input")
      ->required();
  cmd->add_flag("--json", opts->json,
                "One JSON object: {changes: [{line, case_id, old: {outcome, reasons}, new: "
                "{...}}], total, changed, by_transition, by_rule}");
  cmd->callback([opts, &state] {
    state.json = opts->json;
    state.action = [opts](Io& io) { return run_diff(*opts, io); };
  });
}

} // namespace divert::cli
