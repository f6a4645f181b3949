// SPDX-License-Identifier: Apache-2.0
#include "core/authoring/policy_test.hpp"

#include "core/authoring/policy_analysis.hpp"
#include "core/base/text_util.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace divert {

static std::vector<std::string> id_list(const YamlDocument& doc, const YamlNode& node,
                                        const char* field) {
  if (!node.is_sequence()) {
    throw InputError(doc.where(node), fmt::format("'{}' must be a list of ids", field));
  }
  std::vector<std::string> out;
  for (const YamlNode& item : node.items) {
    if (!item.is_scalar()) {
      throw InputError(doc.where(item), fmt::format("'{}' must be a list of ids", field));
    }
    out.push_back(item.scalar);
  }
  return out;
}

PolicyTestFile read_policy_tests(const YamlDocument& doc, const Policy& policy) {
  PolicyTestFile file;
  // A case's name is printed with its result: an escape sequence in it could hide a failure.
  if (std::vector<Diagnostic> found = find_unprintable_text(doc); !found.empty()) {
    throw InputError(std::move(found));
  }
  const YamlNode* cases = doc.root.is_mapping() ? doc.root.find("cases") : nullptr;
  if (cases == nullptr || !cases->is_sequence()) {
    throw InputError(doc.where(doc.root), "a test file needs 'cases:', a list of test cases");
  }
  for (const auto& [key, value] : doc.root.entries) {
    if (key.scalar != "base" && key.scalar != "cases") {
      throw InputError(doc.where(key), fmt::format("unknown key '{}' in a test file{}", key.scalar,
                                                   did_you_mean(key.scalar, {"base", "cases"})));
    }
  }
  // The answers every case shares, so that each case states only what differs; a case's own
  // answer replaces the base one, and `null` takes it away.
  const YamlNode* base = doc.root.find("base");
  if (base != nullptr && !base->is_null() && !base->is_mapping()) {
    throw InputError(doc.where(*base), "'base' must be a mapping of question-id: value");
  }
  for (const YamlNode& item : cases->items) {
    if (!item.is_mapping()) {
      throw InputError(doc.where(item), "a test case must be a mapping");
    }
    PolicyTestCase test(policy);
    for (const auto& [key, value] : item.entries) {
      if (key.scalar != "name" && key.scalar != "answers" && key.scalar != "expect") {
        throw InputError(doc.where(key),
                         fmt::format("unknown key '{}' in a test case{}", key.scalar,
                                     did_you_mean(key.scalar, {"name", "answers", "expect"})));
      }
      if (key.scalar == "expect") {
        test.expect_key = &key;
        test.expect_value = &value;
      }
    }
    test.line = item.line;
    const YamlNode* name = item.find("name");
    test.name =
        name != nullptr && name->is_scalar() ? name->scalar : fmt::format("line {}", item.line);
    if (base != nullptr) {
      read_answers(YamlDocument{doc.file, doc.text, *base}, policy, test.answers,
                   AnswerSource::file);
    }
    if (const YamlNode* answers = item.find("answers")) {
      read_answers(YamlDocument{doc.file, doc.text, *answers}, policy, test.answers,
                   AnswerSource::file);
    }
    check_answers(policy, test.answers);
    const YamlNode* expect = item.find("expect");
    if (expect == nullptr || !expect->is_mapping()) {
      throw InputError(doc.where(item), fmt::format("test '{}' needs 'expect:'", test.name));
    }
    for (const auto& [key, value] : expect->entries) {
      if (key.scalar == "outcome") {
        const std::string o = value.is_scalar() ? value.scalar : "";
        if (o == "eligible") test.outcome = Outcome::eligible;
        else if (o == "ineligible") test.outcome = Outcome::ineligible;
        else if (o == "needs_approval") test.outcome = Outcome::needs_approval;
        else if (o == "incomplete") test.outcome = Outcome::incomplete;
        else
          throw InputError(doc.where(value),
                           fmt::format("unknown outcome '{}' (outcomes: eligible, "
                                       "ineligible, needs_approval, incomplete)",
                                       o));
      } else if (key.scalar == "reasons") {
        test.reasons = id_list(doc, value, "reasons");
      } else if (key.scalar == "notices") {
        test.notices = id_list(doc, value, "notices");
      } else if (key.scalar == "missing") {
        test.missing = id_list(doc, value, "missing");
      } else {
        throw InputError(doc.where(key),
                         fmt::format("unknown key '{}' in expect{}", key.scalar,
                                     did_you_mean(key.scalar,
                                                  {"outcome", "reasons", "notices", "missing"})));
      }
    }
    if (!test.outcome) {
      throw InputError(doc.where(*expect),
                       fmt::format("test '{}' needs 'expect: outcome'", test.name));
    }
    // Expected ids must exist, or a typo would make a test pass vacuously.
    for (const auto* list : {&test.reasons, &test.notices}) {
      for (const std::string& id : *list) {
        if (std::none_of(policy.rules.begin(), policy.rules.end(),
                         [&](const Rule& r) { return r.id == id; })) {
          std::vector<std::string> known;
          for (const Rule& r : policy.rules) known.push_back(r.id);
          throw InputError(doc.where(*expect),
                           fmt::format("test '{}': no rule '{}' in policy '{}'{}", test.name, id,
                                       policy.id, did_you_mean(id, known)));
        }
      }
    }
    if (test.missing) {
      for (const std::string& id : *test.missing) {
        if (policy.question(id) == nullptr) {
          throw InputError(doc.where(*expect),
                           fmt::format("test '{}': no question '{}' in policy '{}'", test.name, id,
                                       policy.id));
        }
      }
    }
    file.cases.push_back(std::move(test));
  }
  return file;
}

static std::string set_text(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  return "[" + join(ids, ", ") + "]";
}

static std::vector<std::string> rule_ids(const std::vector<const Rule*>& rules) {
  std::vector<std::string> ids;
  for (const Rule* rule : rules) ids.push_back(rule->id);
  return ids;
}

static std::string answer_text(const Policy& policy, const Answers& answers, const Decision& d,
                               size_t q) {
  const Question& question = policy.questions[q];
  const Slot& s = answers.slots[q];
  if (!s.present) {
    return question.id + "=(not answered)";
  }
  std::string v;
  switch (question.type) {
  case QuestionType::boolean: v = s.x != 0 ? "true" : "false"; break;
  case QuestionType::choice: v = question.values[static_cast<size_t>(s.x)].code; break;
  case QuestionType::date: v = format_date(static_cast<Days>(s.x)); break;
  case QuestionType::convictions: {
    std::vector<std::string> items;
    for (const ConvictionItem& item : s.items) {
      items.push_back(fmt::format("{} {}",
                                  question.categories[static_cast<size_t>(item.category)].code,
                                  format_date(item.date)));
    }
    v = "[" + join(items, ", ") + "]";
    break;
  }
  case QuestionType::text: v = s.text; break;
  default: v = format_number(s.x); break;
  }
  if (d.visible[q] != Tri::yes) {
    v += " (not asked, so not read)";
  }
  return question.id + "=" + v;
}

static const char* verdict(const Rule& rule, Tri fired) {
  if (fired == Tri::unknown) return "unknown";
  switch (rule.effect) {
  case Effect::require: return fired == Tri::yes ? "failed" : "passed";
  case Effect::exclude: return fired == Tri::yes ? "excluded" : "cleared";
  case Effect::approval: return fired == Tri::yes ? "holds" : "does not hold";
  case Effect::notice: return fired == Tri::yes ? "given" : "not given";
  }
  return "?";
}

std::vector<CaseResult> run_policy_tests(const Policy& policy, const PolicyTestFile& tests,
                                         std::optional<Days> today) {
  std::vector<CaseResult> results;
  for (const PolicyTestCase& test : tests.cases) {
    CaseResult r;
    r.name = test.name;
    r.line = test.line;
    r.decision = evaluate(policy, test.answers, today);
    const Decision& d = r.decision;
    if (d.outcome != *test.outcome) {
      r.differences.push_back(fmt::format("outcome: expected {}, got {}",
                                          outcome_name(*test.outcome), outcome_name(d.outcome)));
    }
    const std::vector<std::string> got_reasons = rule_ids(d.reasons);
    const std::vector<std::string> got_notices = rule_ids(d.notices);
    if (set_text(test.reasons) != set_text(got_reasons)) {
      r.differences.push_back(fmt::format("reasons: expected {}, got {}", set_text(test.reasons),
                                          set_text(got_reasons)));
    }
    if (set_text(test.notices) != set_text(got_notices)) {
      r.differences.push_back(fmt::format("notices: expected {}, got {}", set_text(test.notices),
                                          set_text(got_notices)));
    }
    if (test.missing) {
      std::vector<std::string> got;
      for (int q : d.missing) got.push_back(policy.questions[static_cast<size_t>(q)].id);
      if (set_text(*test.missing) != set_text(got)) {
        r.differences.push_back(
            fmt::format("missing: expected {}, got {}", set_text(*test.missing), set_text(got)));
      }
    }
    r.passed = r.differences.empty();
    if (!r.passed) {
      // The rules that explain the difference: those named on either side, and, for an
      // unexpected incomplete, those still unknown.
      std::set<std::string> named(test.reasons.begin(), test.reasons.end());
      named.insert(got_reasons.begin(), got_reasons.end());
      for (const std::string& id : test.notices) {
        if (std::find(got_notices.begin(), got_notices.end(), id) == got_notices.end())
          named.insert(id);
      }
      for (const std::string& id : got_notices) {
        if (std::find(test.notices.begin(), test.notices.end(), id) == test.notices.end())
          named.insert(id);
      }
      for (size_t i = 0; i < policy.rules.size(); ++i) {
        const Rule& rule = policy.rules[i];
        const bool unknown_gate = d.outcome == Outcome::incomplete && d.fired[i] == Tri::unknown &&
                                  rule.effect != Effect::notice;
        if (!named.count(rule.id) && !unknown_gate) {
          continue;
        }
        std::vector<std::string> read;
        for (int q : rule.reads) {
          read.push_back(answer_text(policy, test.answers, d, static_cast<size_t>(q)));
        }
        r.mattered.push_back(fmt::format("{} ({}) {}{}{}", rule.id, effect_name(rule.effect),
                                         verdict(rule, d.fired[i]), read.empty() ? "" : ": ",
                                         join(read, ", ")));
      }
    }
    results.push_back(std::move(r));
  }
  return results;
}

// ---- --update -----------------------------------------------------------------------------

namespace {

std::string flow_list(const std::vector<std::string>& ids) { return "[" + join(ids, ", ") + "]"; }

struct Expectation {
  std::string outcome;
  std::vector<std::string> reasons, notices, missing;
  bool with_missing = false;
};

Expectation expectation_of(const Policy& policy, const PolicyTestCase& test, const Decision& d) {
  Expectation e;
  e.outcome = outcome_name(d.outcome);
  e.reasons = rule_ids(d.reasons);
  e.notices = rule_ids(d.notices);
  for (int q : d.missing) e.missing.push_back(policy.questions[static_cast<size_t>(q)].id);
  e.with_missing = test.missing.has_value() || d.outcome == Outcome::incomplete;
  return e;
}

size_t offset_of(const std::string& text, int line, int column) {
  size_t pos = 0;
  for (int l = 1; l < line && pos < text.size(); ++pos) {
    if (text[pos] == '\n') ++l;
  }
  return std::min(text.size(), pos + static_cast<size_t>(std::max(column - 1, 0)));
}

// The end of a flow collection starting at `open` (one past its closing bracket).
size_t flow_end(const std::string& text, size_t open) {
  int depth = 0;
  char quote = 0;
  for (size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == '\\' && quote == '"') ++i;
      else if (c == quote) quote = 0;
      continue;
    }
    if (c == '"' || c == '\'') quote = c;
    else if (c == '{' || c == '[') ++depth;
    else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return text.size();
}

struct Edit {
  size_t begin, end;
  std::string text;
};

} // namespace

std::string update_policy_tests(const YamlDocument& doc, const Policy& policy,
                                const PolicyTestFile& tests,
                                const std::vector<CaseResult>& results) {
  const std::string& text = *doc.text;
  std::vector<Edit> edits;
  for (size_t i = 0; i < tests.cases.size() && i < results.size(); ++i) {
    const PolicyTestCase& test = tests.cases[i];
    if (results[i].passed || test.expect_key == nullptr || test.expect_value == nullptr) {
      continue;
    }
    const Expectation e = expectation_of(policy, test, results[i].decision);
    const size_t value_at = offset_of(text, test.expect_value->line, test.expect_value->column);
    if (value_at < text.size() && text[value_at] == '{') {
      // A flow mapping: replace it in place, on its line.
      std::string flow = fmt::format("{{outcome: {}, reasons: {}, notices: {}", e.outcome,
                                     flow_list(e.reasons), flow_list(e.notices));
      if (e.with_missing) flow += fmt::format(", missing: {}", flow_list(e.missing));
      flow += "}";
      edits.push_back({value_at, flow_end(text, value_at), flow});
      continue;
    }
    // A block mapping: from the key to the last line indented deeper than it.
    const size_t key_at = offset_of(text, test.expect_key->line, test.expect_key->column);
    const size_t key_indent = static_cast<size_t>(std::max(test.expect_key->column - 1, 0));
    size_t end = text.find('\n', key_at);
    end = end == std::string::npos ? text.size() : end + 1;
    size_t block_end = end;
    while (end < text.size()) {
      size_t line_end = text.find('\n', end);
      line_end = line_end == std::string::npos ? text.size() : line_end + 1;
      const std::string_view line(text.data() + end, line_end - end);
      const size_t first = line.find_first_not_of(" \t\r\n");
      if (first == std::string_view::npos || line[first] == '#') {
        end = line_end; // blank or comment: part of the block only if more content follows
        continue;
      }
      if (first <= key_indent) {
        break;
      }
      end = line_end;
      block_end = end;
    }
    const std::string pad(key_indent + 2, ' ');
    std::string block = "expect:\n";
    block += fmt::format("{}outcome: {}\n", pad, e.outcome);
    block += fmt::format("{}reasons: {}\n", pad, flow_list(e.reasons));
    block += fmt::format("{}notices: {}\n", pad, flow_list(e.notices));
    if (e.with_missing) block += fmt::format("{}missing: {}\n", pad, flow_list(e.missing));
    edits.push_back({key_at, block_end, block});
  }
  std::sort(edits.begin(), edits.end(),
            [](const Edit& a, const Edit& b) { return a.begin < b.begin; });
  std::string out;
  size_t at = 0;
  for (const Edit& edit : edits) {
    if (edit.begin < at) continue; // overlapping (cannot happen in a well-formed file)
    out.append(text, at, edit.begin - at);
    out += edit.text;
    at = edit.end;
  }
  out.append(text, at, std::string::npos);
  return out;
}

// ---- coverage ----------------------------------------------------------------------------

TestCoverage::TestCoverage(const Policy& policy)
    : m_policy(policy), m_fired(policy.rules.size(), false), m_cleared(policy.rules.size(), false),
      m_asked(policy.questions.size(), false), m_tried(policy.questions.size()) {
  for (size_t q = 0; q < policy.questions.size(); ++q) {
    m_tried[q].assign(policy.questions[q].values.size(), false);
  }
  const PolicyAnalyzer analyzer(policy);
  for (size_t i = 0; i < policy.rules.size(); ++i) {
    const Rule& rule = policy.rules[i];
    const RuleFacts facts = analyzer.analyze_rule(i);
    // Without an exact analysis, assume both outcomes possible.
    m_can_fire.push_back(!facts.exact || facts.can_fire(rule.effect));
    m_can_clear.push_back(!facts.exact || !rule.pathway_values.empty() ||
                          facts.can_pass(rule.effect));
  }
}

void TestCoverage::add(const Answers& answers, const Decision& d) {
  ++m_cases;
  for (size_t i = 0; i < m_policy.rules.size(); ++i) {
    m_fired[i] = m_fired[i] || d.fired[i] == Tri::yes;
    m_cleared[i] = m_cleared[i] || d.fired[i] == Tri::no;
  }
  for (size_t q = 0; q < m_policy.questions.size(); ++q) {
    if (d.visible[q] != Tri::yes || !answers.slots[q].present) {
      continue;
    }
    m_asked[q] = true;
    if (m_policy.questions[q].type == QuestionType::choice) {
      const auto v = static_cast<size_t>(answers.slots[q].x);
      if (v < m_tried[q].size()) m_tried[q][v] = true;
    }
  }
}

// The questions that count: those the policy reads (text questions are never read).
static bool counts(const Policy& policy, size_t q) {
  return policy.read_by_policy.size() > q && policy.read_by_policy[q] &&
         policy.questions[q].type != QuestionType::text;
}

size_t TestCoverage::total() const {
  size_t n = 0;
  for (size_t i = 0; i < m_policy.rules.size(); ++i)
    n += (m_can_fire[i] ? 1 : 0) + (m_can_clear[i] ? 1 : 0);
  for (size_t q = 0; q < m_policy.questions.size(); ++q) {
    if (counts(m_policy, q)) n += 1 + m_tried[q].size();
  }
  return n;
}

size_t TestCoverage::covered() const {
  size_t n = 0;
  for (size_t i = 0; i < m_policy.rules.size(); ++i) {
    n += (m_fired[i] && m_can_fire[i] ? 1 : 0) + (m_cleared[i] && m_can_clear[i] ? 1 : 0);
  }
  for (size_t q = 0; q < m_policy.questions.size(); ++q) {
    if (!counts(m_policy, q)) continue;
    n += m_asked[q] ? 1 : 0;
    n += static_cast<size_t>(std::count(m_tried[q].begin(), m_tried[q].end(), true));
  }
  return n;
}

double TestCoverage::percent() const {
  return total() == 0 ? 100.0
                      : 100.0 * static_cast<double>(covered()) / static_cast<double>(total());
}

namespace {

struct CoverageWords {
  const char* fire;
  const char* clear;
};

// What a test must show for each side of a rule, in the words of its effect.
CoverageWords coverage_words(Effect effect) {
  switch (effect) {
  case Effect::require: return {"failed a case", "passed a case"};
  case Effect::exclude: return {"excluded a case", "cleared a case"};
  case Effect::approval: return {"held", "came out false"};
  case Effect::notice: return {"given", "withheld"};
  }
  return {"fired", "cleared"};
}

} // namespace

std::vector<std::string> TestCoverage::uncovered() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < m_policy.rules.size(); ++i) {
    const Rule& rule = m_policy.rules[i];
    const auto [fire, clear] = coverage_words(rule.effect);
    if (!m_fired[i] && m_can_fire[i]) {
      out.push_back(
          fmt::format("rule '{}' ({}) never {}", rule.id, effect_name(rule.effect), fire));
    }
    if (!m_cleared[i] && m_can_clear[i]) {
      out.push_back(
          fmt::format("rule '{}' ({}) never {}", rule.id, effect_name(rule.effect), clear));
    }
  }
  for (size_t q = 0; q < m_policy.questions.size(); ++q) {
    if (!counts(m_policy, q)) continue;
    const Question& question = m_policy.questions[q];
    if (!m_asked[q]) {
      out.push_back(fmt::format("question '{}' never asked", question.id));
    }
    std::vector<std::string> untried;
    for (size_t v = 0; v < m_tried[q].size(); ++v) {
      if (!m_tried[q][v]) untried.push_back(question.values[v].code);
    }
    if (!untried.empty()) {
      out.push_back(fmt::format("question '{}': value{} never tried: {}", question.id,
                                untried.size() == 1 ? "" : "s", join(untried, ", ")));
    }
  }
  return out;
}

} // namespace divert
