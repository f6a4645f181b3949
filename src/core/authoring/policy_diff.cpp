// SPDX-License-Identifier: Apache-2.0
#include "core/authoring/policy_diff.hpp"

#include "core/decision/decision_json.hpp"

#include <algorithm>

namespace divert {

namespace {

constexpr size_t k_examples = 3;

std::vector<std::string> sorted(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

void note_example(PolicyDiff::Group& group, const CaseChange& change) {
  ++group.count;
  if (group.examples.size() < k_examples) {
    group.examples.push_back(case_label(change));
  }
}

void append_side(std::string& out, const DiffSide& side) {
  out += "{\"outcome\":\"";
  out += side.outcome_text();
  out += "\",\"reasons\":[";
  for (size_t i = 0; i < side.reasons.size(); ++i) {
    if (i > 0) out += ',';
    append_json_string(out, side.reasons[i]);
  }
  out += ']';
  if (side.error) {
    out += ",\"message\":";
    append_json_string(out, side.message);
  }
  out += '}';
}

} // namespace

PolicyDiff::PolicyDiff(const Policy& before, const Policy& after, std::optional<Days> today)
    : m_before(before), m_after(after), m_today(today) {}

void PolicyDiff::decide(Side& side, std::string_view line, DiffSide& out, std::string& case_id) {
  out.reasons.clear();
  out.message = side.reader.read(line, side.answers, case_id);
  if (out.message.empty()) {
    out.message = past_date_problem(side.policy, side.answers);
  }
  out.error = !out.message.empty();
  if (out.error) {
    return;
  }
  side.evaluator.run(side.answers, m_today, side.decision);
  out.outcome = side.decision.outcome;
  for (const Rule* rule : side.decision.reasons) {
    out.reasons.push_back(rule->id);
  }
}

bool PolicyDiff::compare(std::string_view line, size_t line_number, CaseChange& change) {
  ++m_total;
  change.line = line_number;
  std::string after_case_id;
  decide(m_before, line, change.before, change.case_id_json);
  decide(m_after, line, change.after, after_case_id);
  if (change.case_id_json == "null") {
    change.case_id_json = after_case_id; // one version may refuse the line before reading it
  }
  const std::vector<std::string> before = sorted(change.before.reasons);
  const std::vector<std::string> after = sorted(change.after.reasons);
  if (change.before.error && change.after.error) {
    ++m_errors_in_both;
  }
  const bool same_outcome =
      std::string_view(change.before.outcome_text()) == change.after.outcome_text();
  if (same_outcome && before == after) {
    return false;
  }
  ++m_changed;
  note_example(m_by_transition[std::string(change.before.outcome_text()) + "->" +
                               change.after.outcome_text()],
               change);
  // Each rule in the symmetric difference of the reason sets.
  std::vector<std::string> gained;
  std::vector<std::string> lost;
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::back_inserter(gained));
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                      std::back_inserter(lost));
  for (const std::string& id : gained) {
    Group& g = m_by_rule[id];
    ++g.gained;
    note_example(g, change);
  }
  for (const std::string& id : lost) {
    Group& g = m_by_rule[id];
    ++g.lost;
    note_example(g, change);
  }
  return true;
}

std::string case_label(const CaseChange& change) {
  const std::string& id = change.case_id_json;
  if (id == "null" || id.empty()) {
    return "line " + std::to_string(change.line);
  }
  if (id.size() >= 2 && id.front() == '"' && id.back() == '"') {
    return id.substr(1, id.size() - 2);
  }
  return id;
}

std::string change_json(const CaseChange& change) {
  std::string out = "{\"line\":";
  out += std::to_string(change.line);
  out += ",\"case_id\":";
  out += change.case_id_json.empty() ? "null" : change.case_id_json;
  out += ",\"old\":";
  append_side(out, change.before);
  out += ",\"new\":";
  append_side(out, change.after);
  out += '}';
  return out;
}

std::string diff_totals_json(const PolicyDiff& diff) {
  std::string out = "\"total\":" + std::to_string(diff.total()) +
                    ",\"changed\":" + std::to_string(diff.changed()) + ",\"by_transition\":{";
  bool first = true;
  for (const auto& [key, group] : diff.by_transition()) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, key);
    out += ':' + std::to_string(group.count);
  }
  out += "},\"by_rule\":{";
  first = true;
  for (const auto& [key, group] : diff.by_rule()) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, key);
    out += ':' + std::to_string(group.count);
  }
  out += '}';
  return out;
}

} // namespace divert
