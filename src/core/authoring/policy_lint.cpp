// SPDX-License-Identifier: Apache-2.0
#include "core/authoring/policy_lint.hpp"

#include "core/authoring/policy_analysis.hpp"
#include "core/base/text_util.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <optional>

namespace divert {

const std::vector<LintCheck>& lint_checks() {
  static const std::vector<LintCheck> k_checks = {
      {"unreadable", Severity::error, "the policy file cannot be read"},
      {"yaml", Severity::error, "the file is not valid YAML (or uses anchors, aliases, tags)"},
      {"load", Severity::error, "the policy breaks a rule of the format (see divert-policy(5))"},
      {"unknown-question", Severity::error,
       "a condition names a question or derived value the policy does not have"},
      {"unknown-value", Severity::error,
       "a condition uses a value its choice question does not have"},
      {"unknown-pathway", Severity::error,
       "a rule, provider or intake names a pathway that does not exist"},
      {"impossible-comparison", Severity::error,
       "a comparison can never be true given the question's type and range (drug_grams > 10000, "
       "age < 0)"},
      {"always-true-comparison", Severity::warning,
       "a comparison is true for every allowed answer (drug_grams >= 0)"},
      {"rule-never-fires", Severity::warning,
       "a rule can never fire (never fail, for require) in any case it applies to"},
      {"rule-always-fires", Severity::warning,
       "a rule fires in every case it applies to and is not marked holds_by_design"},
      {"holds-by-design-unneeded", Severity::warning,
       "a rule is marked holds_by_design but its condition can be false"},
      {"question-never-asked", Severity::warning,
       "a rule reads a question that is never asked where the rule applies"},
      {"rule-never-applies", Severity::warning,
       "a rule is limited to pathways the policy does not offer"},
      {"duplicate-condition", Severity::warning,
       "two rules have the same condition on the same pathways"},
      {"unreachable-rule", Severity::warning,
       "whenever a rule fires, another require/exclude rule already refuses the case, so it "
       "never decides one (an approval: never reached)"},
      {"unused-question", Severity::warning, "a question the policy defines is read by nothing"},
      {"rule-no-basis", Severity::warning,
       "a rule does not say what it rests on (basis: published, reported or assumed); an error "
       "in an adopted policy"},
      {"rule-no-source", Severity::error,
       "a published or reported rule names no source (sources: title and url)"},
      {"assumed-in-adopted", Severity::error,
       "an adopted policy has a rule that rests on the model's assumption"},
      {"unquoted-date", Severity::warning,
       "a date is written unquoted (2020-11-01): YAML 1.1 tools read it as a date, not text"},
      {"yaml11-boolean", Severity::warning,
       "a word written unquoted (no, yes, on, off) that YAML 1.1 tools read as true or false, "
       "not text"},
      {"review-overdue", Severity::warning, "the policy's review_by date has passed"},
      {"policy-expired", Severity::warning, "the policy's expires date has passed"},
      {"dates-out-of-order", Severity::warning, "expires or review_by comes before effective"},
      {"override-no-change", Severity::warning,
       "an override repeats the base layer's rule exactly"},
      {"pathway-not-refused", Severity::warning,
       "the policy offers fewer pathways than the vocabulary and no rule refuses the others"},
      {"status-not-adopted", Severity::note, "the policy is a draft or a model, not adopted"},
  };
  return k_checks;
}

std::string lint_check_for(const Diagnostic& load_error) {
  const auto& checks = lint_checks();
  const bool is_check = std::any_of(checks.begin(), checks.end(),
                                    [&](const LintCheck& c) { return c.id == load_error.code; });
  return is_check ? load_error.code : "load";
}

namespace {

using Op = ExprNode::Op;
constexpr double k_inf = std::numeric_limits<double>::infinity();

std::string squeeze(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// What values a number-typed node can take, from the question's declared range.
struct Range {
  double lo = -k_inf;
  double hi = k_inf;
  bool whole = false;
  std::string why; // "is at most 10000", for messages
};

Range range_of(const Policy& policy, const std::vector<ExprNode>& nodes, int index) {
  const ExprNode& n = nodes[static_cast<size_t>(index)];
  Range r;
  switch (n.op) {
  case Op::constant:
    r.lo = r.hi = n.x;
    r.whole = n.x == std::floor(n.x);
    break;
  case Op::answer: {
    const Question& q = policy.questions[static_cast<size_t>(n.q)];
    r.lo = q.min.value_or(-k_inf);
    r.hi = q.max.value_or(k_inf);
    r.whole = q.type == QuestionType::integer;
    if (q.min && q.max) {
      r.why =
          fmt::format("'{}' is from {} to {}", q.id, format_number(*q.min), format_number(*q.max));
    } else if (q.min) {
      r.why = fmt::format("'{}' is at least {}", q.id, format_number(*q.min));
    } else if (q.max) {
      r.why = fmt::format("'{}' is at most {}", q.id, format_number(*q.max));
    }
    if (r.whole)
      r.why += r.why.empty() ? fmt::format("'{}' is a whole number", q.id) : ", a whole number";
    break;
  }
  case Op::years_between:
  case Op::months_between: {
    // From a past event to the incident: never negative, since the event cannot follow it.
    const ExprNode& from = nodes[static_cast<size_t>(n.a)];
    const ExprNode& to = nodes[static_cast<size_t>(n.b)];
    if (from.op == Op::answer && to.op == Op::answer && to.q == policy.incident_date_question &&
        policy.questions[static_cast<size_t>(from.q)].past) {
      r.lo = 0;
      r.why = fmt::format("it counts whole {} from '{}' to '{}', which is never negative",
                          n.op == Op::years_between ? "years" : "months",
                          policy.questions[static_cast<size_t>(from.q)].id,
                          policy.questions[static_cast<size_t>(to.q)].id);
    }
    r.whole = true;
    break;
  }
  case Op::count:
    r.lo = 0;
    r.whole = true;
    r.why = "a count is never negative";
    break;
  default: break;
  }
  return r;
}

enum class Verdict { varies, never, always };

Verdict compare_ranges(Op op, const Range& l, const Range& r) {
  const bool l_point = l.lo == l.hi;
  const bool r_point = r.lo == r.hi;
  // A whole-number side equals a fractional constant never.
  const bool whole_mismatch = (l.whole && r_point && !r.whole) || (r.whole && l_point && !l.whole);
  switch (op) {
  case Op::lt:
    if (l.hi < r.lo) return Verdict::always;
    if (l.lo >= r.hi) return Verdict::never;
    break;
  case Op::le:
    if (l.hi <= r.lo) return Verdict::always;
    if (l.lo > r.hi) return Verdict::never;
    break;
  case Op::gt:
    if (l.lo > r.hi) return Verdict::always;
    if (l.hi <= r.lo) return Verdict::never;
    break;
  case Op::ge:
    if (l.lo >= r.hi) return Verdict::always;
    if (l.hi < r.lo) return Verdict::never;
    break;
  case Op::eq:
    if (l.hi < r.lo || r.hi < l.lo || whole_mismatch) return Verdict::never;
    if (l_point && r_point && l.lo == r.lo) return Verdict::always;
    break;
  case Op::ne:
    if (l.hi < r.lo || r.hi < l.lo || whole_mismatch) return Verdict::always;
    if (l_point && r_point && l.lo == r.lo) return Verdict::never;
    break;
  default: break;
  }
  return Verdict::varies;
}

// A date node as days relative to the incident date, when it is tied to it: the incident date
// itself, a past event (never after it), or either shifted by days, months or years.
struct Relative {
  bool known = false;
  Range days;
};

Relative relative_of(const Policy& policy, const std::vector<ExprNode>& nodes, int index,
                     const std::vector<int>& list_of) {
  const ExprNode& n = nodes[static_cast<size_t>(index)];
  Relative r;
  const int past_q = n.op == Op::answer
                         ? n.q
                         : (n.op == Op::field_date ? list_of[static_cast<size_t>(index)] : -1);
  if (n.op == Op::answer && n.q == policy.incident_date_question) {
    r.known = true;
    r.days.lo = r.days.hi = 0;
  } else if (past_q >= 0 && policy.questions[static_cast<size_t>(past_q)].past) {
    r.known = true;
    r.days.lo = -k_inf;
    r.days.hi = 0;
    const std::string& id = policy.questions[static_cast<size_t>(past_q)].id;
    r.days.why =
        n.op == Op::field_date
            ? fmt::format("the dates in '{}' are past events, never after the incident date", id)
            : fmt::format("'{}' is a past event, never after the incident date", id);
  } else if (n.op == Op::add_months) {
    r = relative_of(policy, nodes, n.a, list_of);
    // A month is 28 to 31 days long.
    const double lo = n.months >= 0 ? 28.0 * n.months : 31.0 * n.months;
    const double hi = n.months >= 0 ? 31.0 * n.months : 28.0 * n.months;
    r.days.lo += lo + n.x;
    r.days.hi += hi + n.x;
  }
  return r;
}

struct ComparisonFinding {
  int node;
  Verdict verdict;
  std::string why;
};

// Comparisons whose truth does not depend on the answers, given each question's type and range.
std::vector<ComparisonFinding> constant_comparisons(const Policy& policy, const Expr& expr) {
  std::vector<ComparisonFinding> out;
  const std::vector<ExprNode>& nodes = expr.nodes();
  // For each node inside any(LIST, ...) or count(LIST, ...): LIST, so that an item's date is
  // known to be a past event when the list is.
  std::vector<int> list_of(nodes.size(), -1);
  for (size_t i = nodes.size(); i-- > 0;) {
    const ExprNode& n = nodes[i];
    const int list = (n.op == Op::any || n.op == Op::count) ? n.q : list_of[i];
    for (int child : {n.a, n.b}) {
      if (child >= 0) list_of[static_cast<size_t>(child)] = list;
    }
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    const ExprNode& n = nodes[i];
    const int index = static_cast<int>(i);
    if ((n.op == Op::lt || n.op == Op::le || n.op == Op::gt || n.op == Op::ge || n.op == Op::eq ||
         n.op == Op::ne) &&
        nodes[static_cast<size_t>(n.a)].type == ValueType::date) {
      const Relative l = relative_of(policy, nodes, n.a, list_of);
      const Relative r = relative_of(policy, nodes, n.b, list_of);
      if (l.known && r.known) {
        const Verdict v = compare_ranges(n.op, l.days, r.days);
        if (v != Verdict::varies) {
          out.push_back({index, v, !l.days.why.empty() ? l.days.why : r.days.why});
        }
      }
      continue;
    }
    if ((n.op == Op::lt || n.op == Op::le || n.op == Op::gt || n.op == Op::ge || n.op == Op::eq ||
         n.op == Op::ne) &&
        nodes[static_cast<size_t>(n.a)].type == ValueType::number) {
      const Range l = range_of(policy, nodes, n.a);
      const Range r = range_of(policy, nodes, n.b);
      const Verdict v = compare_ranges(n.op, l, r);
      if (v != Verdict::varies) {
        out.push_back({index, v, !l.why.empty() ? l.why : r.why});
      }
    } else if (n.op == Op::in || n.op == Op::not_in) {
      const ExprNode& subject = nodes[static_cast<size_t>(n.a)];
      bool any_possible = false;
      bool covers_all = false;
      std::string why;
      if (subject.type == ValueType::number) {
        const Range r = range_of(policy, nodes, n.a);
        for (double x : n.set) {
          any_possible =
              any_possible || (x >= r.lo && x <= r.hi && (!r.whole || x == std::floor(x)));
        }
        why = r.why;
      } else if (subject.type == ValueType::choice && subject.op == Op::answer) {
        const Question& q = policy.questions[static_cast<size_t>(subject.q)];
        any_possible = !n.set.empty();
        covers_all = std::all_of(q.values.begin(), q.values.end(), [&](const ChoiceValue& v) {
          const auto idx = static_cast<double>(q.value_index(v.code));
          return std::find(n.set.begin(), n.set.end(), idx) != n.set.end();
        });
        why = fmt::format("the list names every value of '{}'", q.id);
      } else {
        continue;
      }
      if (!any_possible) {
        out.push_back({index, n.op == Op::in ? Verdict::never : Verdict::always,
                       n.set.empty() ? std::string("the list is empty") : why});
      } else if (covers_all) {
        out.push_back({index, n.op == Op::in ? Verdict::always : Verdict::never, why});
      }
    }
  }
  return out;
}

bool pathways_overlap(const Rule& a, const Rule& b) {
  if (a.pathway_values.empty() || b.pathway_values.empty()) return true;
  return std::any_of(a.pathway_values.begin(), a.pathway_values.end(), [&](int p) {
    return std::find(b.pathway_values.begin(), b.pathway_values.end(), p) != b.pathway_values.end();
  });
}

std::string line_of(const Rule& rule, const std::string& top_file) {
  return rule.where.file == top_file ? fmt::format("line {}", rule.where.line)
                                     : fmt::format("{}:{}", rule.where.file, rule.where.line);
}

class Linter {
public:
  Linter(const Policy& policy, const PolicySources& sources, Days today)
      : m_policy(policy), m_sources(sources), m_today(today), m_analyzer(policy) {
    m_top_file = policy.layers.empty() ? policy.where.file : policy.layers.back().file;
  }

  std::vector<Diagnostic> run() {
    check_policy_fields();
    check_pathways();
    check_questions();
    check_rules();
    check_yaml11_readings();
    return std::move(m_out);
  }

private:
  void add(SourceLocation where, const char* check, std::string message,
           std::optional<Severity> severity = std::nullopt) {
    Severity listed = Severity::warning;
    for (const LintCheck& c : lint_checks()) {
      if (std::string_view(c.id) == check) listed = c.severity;
    }
    m_out.push_back(
        Diagnostic{std::move(where), severity.value_or(listed), std::move(message), check});
  }

  SourceLocation top_key(std::string_view key) const {
    if (const YamlNode* node = m_sources.top(m_top_file, key)) {
      return m_sources.where(m_top_file, *node);
    }
    return m_policy.where;
  }

  bool own(const std::string& layer) const { return layer == m_policy.id; }

  void check_policy_fields() {
    if (m_policy.status != PolicyStatus::adopted) {
      add(top_key("status"), "status-not-adopted",
          fmt::format("policy '{}' is a {}: its criteria are not confirmed or adopted by the "
                      "program, and every decision under it says so",
                      m_policy.id, status_name(m_policy.status)));
    }
    if (m_policy.review_by && *m_policy.review_by < m_today) {
      add(top_key("review_by"), "review-overdue",
          fmt::format("policy was due for review on {} (today is {}): check it against the "
                      "program's current criteria, then move review_by forward",
                      format_date(*m_policy.review_by), format_date(m_today)));
    }
    if (m_policy.expires && *m_policy.expires < m_today) {
      add(top_key("expires"), "policy-expired",
          fmt::format("policy expired on {} (today is {}); incidents after that date are "
                      "decided with a warning",
                      format_date(*m_policy.expires), format_date(m_today)));
    }
    if (m_policy.effective) {
      for (const auto& [key, date] :
           {std::pair{"expires", m_policy.expires}, std::pair{"review_by", m_policy.review_by}}) {
        if (date && *date < *m_policy.effective) {
          add(top_key(key), "dates-out-of-order",
              fmt::format("'{}' ({}) is before 'effective' ({})", key, format_date(*date),
                          format_date(*m_policy.effective)));
        }
      }
    }
  }

  void check_pathways() {
    if (m_policy.pathways.empty() || m_policy.pathway_question < 0 || m_policy.is_abstract) {
      return;
    }
    const Question& pathway = m_policy.questions[static_cast<size_t>(m_policy.pathway_question)];
    std::vector<std::string> refused;
    for (size_t v = 0; v < pathway.values.size(); ++v) {
      const std::string& code = pathway.values[v].code;
      if (std::find(m_policy.pathways.begin(), m_policy.pathways.end(), code) !=
          m_policy.pathways.end()) {
        continue;
      }
      if (m_analyzer.refusing_rule(static_cast<int>(v)) < 0) {
        refused.push_back(code);
      }
    }
    if (!refused.empty()) {
      add(top_key("pathways"), "pathway-not-refused",
          fmt::format("the policy offers only {} but no rule refuses {}: such a case would be "
                      "decided as if offered; add a require rule such as 'pathway in [{}]'",
                      join(m_policy.pathways, ", "), join(refused, ", "),
                      join(m_policy.pathways, ", ")));
    }
  }

  void check_questions() {
    for (const Question& q : m_policy.questions) {
      if (!own(q.layer)) {
        continue;
      }
      const int index = m_policy.question_index(q.id);
      if (!m_policy.is_abstract && q.type != QuestionType::text && !q.record_only &&
          !m_policy.read_by_policy[static_cast<size_t>(index)]) {
        add(q.where, "unused-question",
            fmt::format("question '{}' is read by no rule and no other question's asked_when: "
                        "officers would never be asked it",
                        q.id));
      }
      if (!q.ask.empty()) {
        if (const YamlNode* node = m_sources.question_field(q.where.file, q.id, "asked_when")) {
          check_comparisons(q.ask, q.asked_when, q.where.file, *node,
                            fmt::format("question '{}'", q.id));
        }
      }
    }
  }

  void check_comparisons(const Expr& expr, const std::string& condition, const std::string& file,
                         const YamlNode& node, const std::string& owner) {
    for (const ComparisonFinding& f : constant_comparisons(m_policy, expr)) {
      const ExprNode& n = expr.nodes()[static_cast<size_t>(f.node)];
      if (n.begin < 0 || !node.is_scalar()) {
        continue; // inside a derived value's expression: linted where it is defined
      }
      const auto begin = static_cast<size_t>(n.begin);
      const std::string text =
          squeeze(std::string_view(condition).substr(begin, static_cast<size_t>(n.end) - begin));
      const SourceLocation at = m_sources.where_in_scalar(file, node, begin);
      const std::string why = f.why.empty() ? std::string() : ": " + f.why;
      if (f.verdict == Verdict::never) {
        add(at, "impossible-comparison",
            fmt::format("'{}' is never true{} ({})", text, why, owner));
      } else {
        add(at, "always-true-comparison",
            fmt::format("'{}' is always true{} ({})", text, why, owner));
      }
    }
  }

  SourceLocation condition_at(const Rule& rule) const {
    if (const YamlNode* node = m_sources.rule_field(rule.where.file, rule.id, "condition")) {
      return m_sources.where(rule.where.file, *node);
    }
    return rule.where;
  }

  void check_rules() {
    const std::vector<Rule>& rules = m_policy.rules;
    std::vector<RuleFacts> facts(rules.size());
    for (size_t i = 0; i < rules.size(); ++i) {
      facts[i] = m_analyzer.analyze_rule(i);
    }
    for (size_t i = 0; i < rules.size(); ++i) {
      const Rule& rule = rules[i];
      if (!own(rule.layer)) {
        continue;
      }
      check_basis(rule);
      if (const YamlNode* node = m_sources.rule_field(rule.where.file, rule.id, "condition")) {
        check_comparisons(rule.expr, rule.condition, rule.where.file, *node,
                          fmt::format("rule '{}'", rule.id));
      }
      check_offered(rule);
      check_duplicates(i);
      check_facts(i, facts);
    }
  }

  // A policy author (and the officer) must be able to tell, rule by rule, what is published,
  // what only reported, and what is the model's own choice.
  void check_basis(const Rule& rule) {
    const bool adopted = m_policy.status == PolicyStatus::adopted;
    if (rule.basis == Basis::unstated) {
      add(rule.where, "rule-no-basis",
          fmt::format("rule '{}' does not say what it rests on: add 'basis: published' (the "
                      "program's or the law's own text), 'reported' (a secondary source) or "
                      "'assumed' (the model's own choice)",
                      rule.id),
          adopted ? Severity::error : Severity::warning);
    } else if (rule.basis != Basis::assumed && rule.sources.empty()) {
      add(rule.where, "rule-no-source",
          fmt::format("rule '{}' is {} but names no source: add 'sources' (title and url)", rule.id,
                      basis_name(rule.basis)));
    }
    if (adopted && rule.basis == Basis::assumed) {
      add(rule.where, "assumed-in-adopted",
          fmt::format("rule '{}' rests on the model's assumption, but the policy is adopted: an "
                      "adopted policy states only the program's criteria",
                      rule.id));
    }
  }

  // Plain scalars that YAML 1.1 tools (PyYAML, js-yaml and the editors built on them) read
  // otherwise than divert does, in one walk of the top file:
  // - a plain 2020-11-01 value is a date to them, which the JSON Schema (and any tool expecting
  //   text) then rejects; divert reads it either way;
  // - a plain no, yes, on or off, key or value, is a boolean to them, while divert reads
  //   booleans only as true and false, so to it the word is text (a choice's code, a label);
  //   a choice's values `no:` and `off:` even become one key there.
  void check_yaml11_readings() {
    const YamlDocument* doc = m_sources.document(m_top_file);
    if (doc == nullptr) return;
    std::function<void(const YamlNode&, bool)> visit = [&](const YamlNode& node, bool is_key) {
      if (node.is_scalar() && !node.quoted) check_plain_scalar(*doc, node, is_key);
      for (const YamlNode& item : node.items) visit(item, false);
      for (const auto& [key, value] : node.entries) {
        visit(key, true);
        visit(value, false);
      }
    };
    visit(doc->root, false);
  }

  void check_plain_scalar(const YamlDocument& doc, const YamlNode& node, bool is_key) {
    const std::optional<bool> truth = yaml11_boolean(node.scalar);
    const bool date = !is_key && looks_like_yaml11_date(node.scalar);
    if ((!truth && !date) || is_block_scalar(doc, node)) return;
    if (date) {
      add(doc.where(node), "unquoted-date",
          fmt::format("quote the date: \"{}\" (YAML 1.1 tools read {} unquoted as a date, "
                      "not text)",
                      node.scalar, node.scalar));
    } else {
      add(doc.where(node), "yaml11-boolean",
          fmt::format("quote it: \"{}\" (YAML 1.1 tools read {} unquoted as {}, not text)",
                      node.scalar, node.scalar, *truth ? "true" : "false"));
    }
  }

  // What YAML 1.1 reads a boolean word as, as PyYAML resolves them, less true and false (which
  // every YAML reads alike); the spec's y and n are left out, as PyYAML and Ruby's Psych read
  // them as text. nullopt for any other scalar.
  static std::optional<bool> yaml11_boolean(std::string_view s) {
    static constexpr std::pair<std::string_view, bool> k_words[] = {{"yes", true},  {"Yes", true},
                                                                    {"YES", true},  {"on", true},
                                                                    {"On", true},   {"ON", true},
                                                                    {"no", false},  {"No", false},
                                                                    {"NO", false},  {"off", false},
                                                                    {"Off", false}, {"OFF", false}};
    for (const auto& [word, truth] : k_words) {
      if (word == s) return truth;
    }
    return std::nullopt;
  }

  static bool is_block_scalar(const YamlDocument& doc, const YamlNode& node) {
    const std::string& text = *doc.text;
    size_t pos = 0;
    for (int line = 1; line < node.line && pos < text.size(); ++pos) {
      if (text[pos] == '\n') ++line;
    }
    pos += static_cast<size_t>(std::max(node.column - 1, 0));
    return pos < text.size() && (text[pos] == '>' || text[pos] == '|');
  }

  // YAML 1.1's timestamp: YYYY-M-D, optionally followed by a time.
  static bool looks_like_yaml11_date(std::string_view s) {
    auto digits = [&](size_t& i, size_t lo, size_t hi) {
      size_t n = 0;
      while (i < s.size() && n < hi && s[i] >= '0' && s[i] <= '9') ++i, ++n;
      return n >= lo;
    };
    size_t i = 0;
    if (!digits(i, 4, 4) || i >= s.size() || s[i++] != '-') return false;
    if (!digits(i, 1, 2) || i >= s.size() || s[i++] != '-') return false;
    if (!digits(i, 1, 2)) return false;
    if (i == s.size()) return true;
    auto digit = [&](size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
    return (s[i] == 'T' || s[i] == 't' || s[i] == ' ') && digit(i + 1) &&
           (s.substr(i + 2, 1) == ":" || (digit(i + 2) && s.substr(i + 3, 1) == ":"));
  }

  void check_offered(const Rule& rule) {
    if (m_policy.pathways.empty() || rule.pathways.empty()) {
      return;
    }
    const bool offered =
        std::any_of(rule.pathways.begin(), rule.pathways.end(), [&](const auto& p) {
          return std::find(m_policy.pathways.begin(), m_policy.pathways.end(), p) !=
                 m_policy.pathways.end();
        });
    if (!offered) {
      add(rule.where, "rule-never-applies",
          fmt::format(
              "rule '{}' applies only to {}, which the policy does not offer (pathways: {})",
              rule.id, join(rule.pathways, ", "), join(m_policy.pathways, ", ")));
    }
  }

  void check_duplicates(size_t i) {
    const Rule& rule = m_policy.rules[i];
    for (size_t j = 0; j < i; ++j) {
      const Rule& earlier = m_policy.rules[j];
      if (rule.expr == earlier.expr && pathways_overlap(rule, earlier)) {
        add(rule.where, "duplicate-condition",
            fmt::format("rule '{}' has the same condition as rule '{}' ({}){}", rule.id, earlier.id,
                        line_of(earlier, m_top_file),
                        rule.effect == earlier.effect
                            ? "; merge them"
                            : fmt::format(" but the opposite kind of "
                                          "effect ({} vs {})",
                                          effect_name(rule.effect), effect_name(earlier.effect))));
        return;
      }
    }
  }

  void check_facts(size_t i, const std::vector<RuleFacts>& all) {
    const Rule& rule = m_policy.rules[i];
    const RuleFacts& f = all[i];
    if (!f.exact || !f.can_apply) {
      return;
    }
    for (int q : f.never_asked) {
      const Question& question = m_policy.questions[static_cast<size_t>(q)];
      add(condition_at(rule), "question-never-asked",
          fmt::format("rule '{}' reads '{}', which is never asked where the rule applies ('{}' is "
                      "asked when: {}){}",
                      rule.id, question.id, question.id, question.asked_when,
                      f.cond_known ? ""
                                   : "; the rule stays unknown and such cases stay incomplete"));
    }
    if (!f.cond_known) {
      return;
    }
    const bool always_true = !f.cond_false; // given that it is known at all
    if (rule.holds_by_design) {
      if (f.cond_false) {
        add(rule.where, "holds-by-design-unneeded",
            fmt::format("rule '{}' is marked holds_by_design, but its condition can be false; "
                        "remove the mark",
                        rule.id));
      }
      if (always_true) {
        return; // declared: a condition that always holds is the point
      }
    }
    if (!f.can_fire(rule.effect)) {
      add(rule.where, "rule-never-fires",
          rule.effect == Effect::require
              ? fmt::format("rule '{}' can never fail: its condition holds in every case it "
                            "applies to, given the questions' types and ranges",
                            rule.id)
              : fmt::format("rule '{}' can never fire: its condition is false in every case it "
                            "applies to, given the questions' types and ranges",
                            rule.id));
      return;
    }
    if (!f.can_pass(rule.effect)) {
      std::string what;
      switch (rule.effect) {
      case Effect::require:
        what = "refuses every case it applies to: its condition is never true";
        break;
      case Effect::exclude:
        what = "excludes every case it applies to: its condition is always true";
        break;
      case Effect::approval: what = "asks for approval of every case it applies to"; break;
      case Effect::notice: what = "is given on every case it applies to"; break;
      }
      add(rule.where, "rule-always-fires",
          fmt::format("rule '{}' {}; if that is the intent, say so with 'holds_by_design: true'",
                      rule.id, what));
    }
    if (rule.effect == Effect::notice) {
      return; // notices are given whatever the outcome: nothing can make them unreachable
    }
    for (size_t j : f.implies) {
      const Rule& other = m_policy.rules[j];
      if (rule.expr == other.expr && pathways_overlap(rule, other)) {
        continue; // reported as a duplicate
      }
      const RuleFacts& back = all[j];
      if (j > i && std::find(back.implies.begin(), back.implies.end(), i) != back.implies.end()) {
        continue; // the two fire together: reported once, on the later rule
      }
      if (rule.effect == Effect::approval) {
        add(rule.where, "unreachable-rule",
            fmt::format("approval '{}' is unreachable: whenever it holds, rule '{}' ({}) already "
                        "makes the case ineligible",
                        rule.id, other.id, line_of(other, m_top_file)));
      } else {
        add(rule.where, "unreachable-rule",
            fmt::format("rule '{}' never decides a case on its own: whenever it {}, rule '{}' ({}) "
                        "{} too",
                        rule.id, rule.effect == Effect::require ? "fails" : "excludes", other.id,
                        line_of(other, m_top_file),
                        other.effect == Effect::require ? "fails" : "excludes"));
      }
      break;
    }
  }

  const Policy& m_policy;
  const PolicySources& m_sources;
  Days m_today;
  PolicyAnalyzer m_analyzer;
  std::string m_top_file;
  std::vector<Diagnostic> m_out;
};

} // namespace

std::vector<Diagnostic> lint_policy(const Policy& policy, const PolicySources& sources,
                                    Days today) {
  return Linter(policy, sources, today).run();
}

std::vector<Diagnostic> lint_policy_file(const PolicyText& top, const PolicyResolver& resolve,
                                         Days today) {
  std::vector<Diagnostic> findings;
  try {
    (void)parse_yaml(top.text, top.display_name);
  } catch (const InputError& e) {
    for (Diagnostic d : e.diagnostics()) {
      d.check = "yaml";
      findings.push_back(std::move(d));
    }
    return findings;
  }
  // Keep the text of every layer the loader reads, to locate findings inside base layers too.
  std::map<std::string, std::string> texts{{top.display_name, top.text}};
  const PolicyResolver keeping = [&](const std::string& reference,
                                     const std::string& from) -> std::optional<PolicyText> {
    std::optional<PolicyText> found = resolve(reference, from);
    if (found) {
      texts.emplace(found->display_name, found->text);
    }
    return found;
  };
  LoadNotes notes;
  Policy policy;
  try {
    policy = load_policy(top, keeping, notes);
  } catch (const InputError& e) {
    for (Diagnostic d : e.diagnostics()) {
      if (d.check.empty()) {
        d.check = lint_check_for(d);
      }
      findings.push_back(std::move(d));
    }
    return findings;
  }
  for (Diagnostic& d : notes.findings) {
    // The loader notes every layer; report those of the file being linted.
    if (d.where.file == top.display_name) {
      findings.push_back(std::move(d));
    }
  }
  const PolicySources sources(texts);
  std::vector<Diagnostic> checks = lint_policy(policy, sources, today);
  findings.insert(findings.end(), checks.begin(), checks.end());
  std::stable_sort(findings.begin(), findings.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.where.file != b.where.file) return a.where.file < b.where.file;
    if (a.where.line != b.where.line) return a.where.line < b.where.line;
    return a.where.column < b.where.column;
  });
  return findings;
}

} // namespace divert
