// SPDX-License-Identifier: Apache-2.0
#include "core/authoring/policy_show.hpp"

#include "core/base/text_util.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string_view>

namespace divert {

namespace {

using Op = ExprNode::Op;

// Word-wraps `text` to `width` columns, every line starting with `indent` (the first with
// `first` when given).
std::string wrap(std::string_view text, const std::string& indent, size_t width = k_text_columns,
                 const std::optional<std::string>& first = std::nullopt) {
  return word_wrap(text, first.value_or(indent), indent, width);
}

const char* status_sentence(PolicyStatus status) {
  switch (status) {
  case PolicyStatus::adopted: return "";
  case PolicyStatus::model:
    return "MODEL: built from published summaries; its criteria are not confirmed or adopted by "
           "the program. Every decision under it says so.";
  case PolicyStatus::draft:
    return "DRAFT: its criteria are not confirmed or adopted by the program. Every decision "
           "under it says so.";
  }
  return "";
}

const char* effect_heading(Effect effect) {
  switch (effect) {
  case Effect::require: return "Not eligible unless";
  case Effect::exclude: return "Not eligible if";
  case Effect::approval: return "Needs approval when";
  case Effect::notice: return "Notices (the officer is told; the outcome does not change)";
  }
  return "";
}

std::string type_text(const Question& q) {
  std::string t = question_type_name(q.type);
  if (q.type == QuestionType::boolean) t = "yes/no";
  if (q.type == QuestionType::convictions) t = "list of convictions (category, date)";
  if (q.min && q.max) t += fmt::format(", {} to {}", format_number(*q.min), format_number(*q.max));
  else if (q.min) t += fmt::format(", at least {}", format_number(*q.min));
  else if (q.max) t += fmt::format(", at most {}", format_number(*q.max));
  if (!q.unit.empty()) t += fmt::format(" ({})", q.unit);
  return t;
}

std::string value_label(const ChoiceValue& v) { return v.label.empty() ? v.code : v.label; }

class Describer {
public:
  explicit Describer(const Policy& policy) : m_policy(policy) {}

  std::string describe(const Expr& expr) {
    if (expr.empty()) return "always";
    return cond(expr, static_cast<int>(expr.nodes().size()) - 1, nullptr, 0);
  }

private:
  static int precedence(Op op) {
    switch (op) {
    case Op::or_: return 1;
    case Op::and_: return 2;
    case Op::not_: return 3;
    case Op::eq:
    case Op::ne:
    case Op::lt:
    case Op::le:
    case Op::gt:
    case Op::ge:
    case Op::in:
    case Op::not_in: return 4;
    default: return 6; // values: never in parentheses
    }
  }

  const std::vector<ChoiceValue>* values_of(const Expr& expr, int index, const Question* list) {
    const ExprNode& n = expr.nodes()[static_cast<size_t>(index)];
    if (n.op == Op::answer && n.type == ValueType::choice) {
      return &m_policy.questions[static_cast<size_t>(n.q)].values;
    }
    if (n.op == Op::field_category && list != nullptr) return &list->categories;
    return nullptr;
  }

  std::string unit_of(const Expr& expr, int index) {
    const ExprNode& n = expr.nodes()[static_cast<size_t>(index)];
    if (n.op == Op::answer) {
      const std::string& unit = m_policy.questions[static_cast<size_t>(n.q)].unit;
      if (!unit.empty()) return " " + unit;
    }
    return "";
  }

  std::string constant(const ExprNode& n, const std::vector<ChoiceValue>* values) {
    switch (n.type) {
    case ValueType::boolean: return n.x != 0 ? "yes" : "no";
    case ValueType::date: return format_date(static_cast<Days>(n.x));
    case ValueType::choice: {
      const auto i = static_cast<size_t>(n.x);
      return values != nullptr && i < values->size() ? "'" + value_label((*values)[i]) + "'"
                                                     : format_number(n.x);
    }
    default: return format_number(n.x);
    }
  }

  // A yes/no position (a whole condition, either side of and/or): a bare yes/no question reads
  // "X is yes".
  std::string cond(const Expr& expr, int index, const Question* list, int parent) {
    const ExprNode& n = expr.nodes()[static_cast<size_t>(index)];
    if (n.op == Op::answer && n.type == ValueType::boolean) {
      return m_policy.questions[static_cast<size_t>(n.q)].id + " is yes";
    }
    return node(expr, index, list, parent);
  }

  std::string node(const Expr& expr, int index, const Question* list, int parent) {
    const std::string text = bare(expr, index, list);
    const int mine = precedence(expr.nodes()[static_cast<size_t>(index)].op);
    return mine < parent ? "(" + text + ")" : text;
  }

  std::string bare(const Expr& expr, int index, const Question* list) {
    const ExprNode& n = expr.nodes()[static_cast<size_t>(index)];
    // A derived value (age) inlined by the compiler reads as its name.
    if (n.derived >= 0 && n.op != Op::constant)
      return m_policy.derived[static_cast<size_t>(n.derived)].id;
    const int p = precedence(n.op);
    switch (n.op) {
    case Op::constant:
      return n.type == ValueType::boolean ? (n.x != 0 ? "always" : "never") : constant(n, nullptr);
    case Op::answer: return m_policy.questions[static_cast<size_t>(n.q)].id;
    case Op::field_category: return "category";
    case Op::field_date: return "date";
    case Op::and_: return cond(expr, n.a, list, p) + " and " + cond(expr, n.b, list, p);
    case Op::or_: return cond(expr, n.a, list, p) + " or " + cond(expr, n.b, list, p);
    case Op::not_: {
      const ExprNode& inner = expr.nodes()[static_cast<size_t>(n.a)];
      if (inner.op == Op::answer && inner.type == ValueType::boolean) {
        return m_policy.questions[static_cast<size_t>(inner.q)].id + " is no";
      }
      return "not " + node(expr, n.a, list, p + 1);
    }
    case Op::eq:
    case Op::ne:
    case Op::lt:
    case Op::le:
    case Op::gt:
    case Op::ge: return comparison(expr, n, list);
    case Op::in:
    case Op::not_in: {
      const std::vector<ChoiceValue>* values = values_of(expr, n.a, list);
      std::vector<std::string> items;
      for (double x : n.set) {
        ExprNode c;
        c.type = expr.nodes()[static_cast<size_t>(n.a)].type;
        c.x = x;
        items.push_back(constant(c, values));
      }
      return fmt::format("{} is {}: {}", node(expr, n.a, list, 5),
                         n.op == Op::in ? "one of" : "none of", join(items, "; "));
    }
    case Op::add_months: {
      std::string amount;
      const int months = n.months != 0 ? n.months : 0;
      const int days = static_cast<int>(n.x);
      if (months != 0) {
        const int m = std::abs(months);
        amount = m % 12 == 0 ? fmt::format("{} year{}", m / 12, m == 12 ? "" : "s")
                             : fmt::format("{} month{}", m, m == 1 ? "" : "s");
      } else {
        amount = fmt::format("{} day{}", std::abs(days), std::abs(days) == 1 ? "" : "s");
      }
      return fmt::format("{} {} {}", node(expr, n.a, list, 5),
                         (months != 0 ? months : days) < 0 ? "minus" : "plus", amount);
    }
    case Op::any:
    case Op::count: {
      const Question& q = m_policy.questions[static_cast<size_t>(n.q)];
      const std::string where = cond(expr, n.a, &q, 0);
      return n.op == Op::any ? fmt::format("any entry of {} where {}", q.id, where)
                             : fmt::format("the number of entries of {} where {}", q.id, where);
    }
    case Op::is_drug: return node(expr, n.a, list, 5) + " is a drug offense";
    case Op::answered: return m_policy.questions[static_cast<size_t>(n.q)].id + " is answered";
    case Op::years_between:
    case Op::months_between:
      return fmt::format("whole {} from {} to {}", n.op == Op::years_between ? "years" : "months",
                         node(expr, n.a, list, 5), node(expr, n.b, list, 5));
    }
    return "?";
  }

  std::string comparison(const Expr& expr, const ExprNode& n, const Question* list) {
    const ExprNode& l = expr.nodes()[static_cast<size_t>(n.a)];
    const ExprNode& r = expr.nodes()[static_cast<size_t>(n.b)];
    const std::vector<ChoiceValue>* values = values_of(expr, n.a, list);
    if (values == nullptr) values = values_of(expr, n.b, list);
    const std::string left = node(expr, n.a, list, 5);
    std::string right = r.op == Op::constant ? constant(r, values) : node(expr, n.b, list, 5);
    if (r.op == Op::constant && l.type == ValueType::number) right += unit_of(expr, n.a);
    const bool dates = l.type == ValueType::date;
    const char* verb = "is";
    switch (n.op) {
    case Op::eq: verb = "is"; break;
    case Op::ne: verb = "is not"; break;
    case Op::lt: verb = dates ? "is before" : "is less than"; break;
    case Op::le: verb = dates ? "is on or before" : "is at most"; break;
    case Op::gt: verb = dates ? "is after" : "is more than"; break;
    case Op::ge: verb = dates ? "is on or after" : "is at least"; break;
    default: break;
    }
    return fmt::format("{} {} {}", left, verb, right);
  }

  const Policy& m_policy;
};

// The questions an officer may be asked under this policy, in checklist order.
std::vector<size_t> checklist(const Policy& policy) {
  std::vector<size_t> out;
  for (size_t q = 0; q < policy.questions.size(); ++q) {
    const bool record = std::find(policy.record_questions.begin(), policy.record_questions.end(),
                                  static_cast<int>(q)) != policy.record_questions.end();
    const bool read = q < policy.read_by_policy.size() && policy.read_by_policy[q];
    if (read || record) out.push_back(q);
  }
  return out;
}

std::string asked_text(const Policy& policy, size_t q) {
  const Question& question = policy.questions[q];
  if (question.type == QuestionType::text) return "for the record";
  if (!question.asked_when.empty()) return "when " + question.asked_when;
  if (static_cast<int>(q) == policy.pathway_question ||
      static_cast<int>(q) == policy.incident_date_question) {
    return "always";
  }
  return "when a rule needs it";
}

std::vector<std::string> readers(const Policy& policy, size_t q) {
  std::vector<std::string> ids;
  for (const Rule& rule : policy.rules) {
    if (std::find(rule.reads.begin(), rule.reads.end(), static_cast<int>(q)) != rule.reads.end()) {
      ids.push_back(rule.id);
    }
  }
  return ids;
}

std::string pathways_text(const Rule& rule) {
  return rule.pathways.empty() ? "every pathway" : join(rule.pathways, ", ");
}

std::string header_line(const Policy& policy) {
  std::string line = fmt::format("Version {}, {}", policy.version, status_name(policy.status));
  if (policy.is_abstract) line += ", abstract (a base for other policies; decides no case)";
  if (policy.effective) line += ", effective " + format_date(*policy.effective);
  if (policy.review_by) line += ", review by " + format_date(*policy.review_by);
  if (policy.expires) line += ", expires " + format_date(*policy.expires);
  if (policy.until) {
    line += ", ended " + format_date(*policy.until);
    if (!policy.until_reason.empty()) line += " (" + policy.until_reason + ")";
  }
  return line;
}

// Policy text is the author's plain words, not Markdown: every character that CommonMark could
// read as markup is escaped with a backslash (any ASCII punctuation may be, CommonMark 0.30
// section 2.4), so that "<housed>" is not dropped as an HTML tag, "*" and "_" make no emphasis,
// a trailing backslash does not swallow the next "<br>", and "|" does not split a table cell.
// An underscore inside a word cannot open or close emphasis, so "drug_grams" is left as it is.
bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

void md_escape_char(std::string& out, std::string_view text, size_t i) {
  const char c = text[i];
  switch (c) {
  case '\\':
  case '`':
  case '*':
  case '[':
  case ']':
  case '<':
  case '>':
  case '|':
  case '~': out += '\\'; break;
  case '_':
    if (i == 0 || i + 1 == text.size() || !word_char(text[i - 1]) || !word_char(text[i + 1]))
      out += '\\';
    break;
  case '#': // only where it could open a heading or close one ("# Title #")
    if (i == 0 || text[i - 1] == ' ') out += '\\';
    break;
  case '&': // only where it could start an entity ("&amp;", "&#38;")
    if (i + 1 < text.size() && (word_char(text[i + 1]) || text[i + 1] == '#')) out += '\\';
    break;
  default: break;
  }
  out += c;
}

// Inline text (a table cell, a list item, a heading): line breaks become spaces.
std::string md_text(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') out += ' ';
    else md_escape_char(out, text, i);
  }
  return out;
}

// A paragraph that keeps its lines: no line may start a heading, quote, list, rule or code
// block (its leading spaces are dropped; Markdown ignores them anyway).
std::string md_paragraph(std::string_view text) {
  std::string out;
  size_t begin = 0;
  while (begin <= text.size()) {
    const size_t end = std::min(text.find('\n', begin), text.size());
    std::string_view line = text.substr(begin, end - begin);
    line.remove_prefix(std::min(line.find_first_not_of(' '), line.size()));
    const size_t digits = line.find_first_not_of("0123456789");
    if (!line.empty() && std::string_view("#-+=>*").find(line.front()) != std::string_view::npos) {
      out += '\\';
      out += line.front(); // ">" and "*" would be escaped anyway; not twice
      line.remove_prefix(1);
    } else if (digits != 0 && digits != std::string_view::npos &&
               (line[digits] == '.' || line[digits] == ')')) {
      out.append(line.substr(0, digits));
      out += '\\';
      line.remove_prefix(digits);
    }
    for (size_t i = 0; i < line.size(); ++i) {
      md_escape_char(out, line, i);
    }
    if (end == text.size()) break;
    out += '\n';
    begin = end + 1;
  }
  return out;
}

// A code span that shows `text` as it is: its fence is one backtick longer than the longest run
// of backticks inside, with a space inside each end when the text starts or ends with one.
std::string md_code(std::string_view text) {
  size_t longest = 0;
  size_t run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string flat(text);
  std::replace(flat.begin(), flat.end(), '\n', ' ');
  const std::string fence(longest + 1, '`');
  const bool pad = !flat.empty() && (flat.front() == '`' || flat.back() == '`');
  return fence + (pad ? " " : "") + flat + (pad ? " " : "") + fence;
}

// A link: the text escaped, the address in angle brackets when it holds a space or unbalanced
// parentheses (CommonMark's form for those), with its own angle brackets percent-encoded.
std::string md_link(std::string_view text, std::string_view url) {
  std::string target;
  for (char c : url) {
    if (c == '<') target += "%3C";
    else if (c == '>') target += "%3E";
    else if (c == '\n') target += "%0A";
    else target += c;
  }
  int depth = 0;
  bool balanced = true;
  for (char c : target) {
    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
    balanced = balanced && depth >= 0;
  }
  if (!balanced || depth != 0 || target.find(' ') != std::string::npos) {
    target = "<" + target + ">";
  }
  return "[" + md_text(text) + "](" + target + ")";
}

// "assumed: the model's own choice", "reported: Title <url>; Title <url>"
std::string basis_text(const Rule& rule, bool markdown) {
  if (rule.basis == Basis::unstated) return {};
  std::string out = std::string("Basis: ") + basis_name(rule.basis);
  if (rule.basis == Basis::assumed)
    return out + " (the model's assumption, not a published criterion)";
  std::vector<std::string> sources;
  for (const Source& s : rule.sources) {
    sources.push_back(markdown ? md_link(s.title.empty() ? s.url : s.title, s.url)
                               : (s.title.empty() ? s.url : s.title + " <" + s.url + ">"));
  }
  if (!sources.empty()) out += ", " + join(sources, "; ");
  if (!rule.assumption.empty()) {
    out += ". In part the model's assumption: " +
           (markdown ? md_text(rule.assumption) : rule.assumption);
  }
  return out;
}

} // namespace

std::string describe_condition(const Policy& policy, const Expr& expr) {
  return Describer(policy).describe(expr);
}

// ---- text -----------------------------------------------------------------------------------

namespace {

// The text form, one function a section: header, checklist, rules, sources.
std::string text_header(const Policy& policy) {
  std::string out;
  out += wrap(fmt::format("{}: {}", policy.id, policy.title), "");
  out += wrap(header_line(policy), "");
  if (const std::string status = status_sentence(policy.status); !status.empty()) {
    out += "\n" + wrap(status, "  ", k_text_columns, std::string("! "));
  }
  if (!policy.summary.empty()) out += "\n" + wrap(policy.summary, "");
  const Question* pathway = policy.pathway_question >= 0
                                ? &policy.questions[static_cast<size_t>(policy.pathway_question)]
                                : nullptr;
  if (pathway != nullptr) {
    std::vector<std::string> offered;
    for (const ChoiceValue& v : pathway->values) {
      if (policy.pathways.empty() || std::find(policy.pathways.begin(), policy.pathways.end(),
                                               v.code) != policy.pathways.end()) {
        offered.push_back(v.code);
      }
    }
    out += "\n" +
           wrap("Pathways offered: " + join(offered, ", "), "  ", k_text_columns, std::string());
  }
  for (const Provider& p : policy.providers) {
    out +=
        wrap(fmt::format("Referral to: {}{}. {}", p.name,
                         p.pathways.empty() ? "" : " (" + join(p.pathways, ", ") + ")", p.contact),
             "  ", k_text_columns, std::string());
  }
  if (policy.intake_days) {
    out += wrap(fmt::format("Intake: within {} days of the incident ({})", *policy.intake_days,
                            join(policy.intake_pathways, ", ")),
                "  ", k_text_columns, std::string());
  }
  if (!policy.agencies.empty()) {
    std::vector<std::string> names;
    for (const Agency& a : policy.agencies)
      names.push_back(a.code.empty() ? a.name : a.name + " (" + a.code + ")");
    out += wrap("Agencies: " + join(names, "; "), "  ", k_text_columns, std::string());
  }
  // Paths are not wrapped: they are copied into commands.
  out += "Loaded from (base layers first):\n";
  for (const PolicyLayer& layer : policy.layers) {
    out += fmt::format("  {} {}: {}\n", layer.id, layer.version, layer.file);
  }
  return out;
}

std::string text_checklist(const Policy& policy) {
  std::string out = "\nTHE CHECKLIST (in the order asked; only what this policy uses)\n";
  size_t number_in_list = 0;
  for (size_t q : checklist(policy)) {
    const Question& question = policy.questions[q];
    ++number_in_list;
    const std::string pad = "     ";
    out += "\n" + wrap(question.label, pad, k_text_columns, fmt::format("{:>3}. ", number_in_list));
    out += wrap(fmt::format("[{}] {}; asked {}", question.id, type_text(question),
                            asked_text(policy, q)),
                pad + "  ", k_text_columns, pad);
    if (question.type == QuestionType::choice) {
      for (const ChoiceValue& v : question.values) {
        out += wrap(fmt::format("{}: {}", v.code, value_label(v)), pad + "    ", k_text_columns,
                    pad + "- ");
      }
    }
    if (!question.help.empty()) {
      out += wrap("Help: " + question.help, pad + "  ", k_text_columns, pad);
    }
  }
  return out;
}

std::string text_rules(const Policy& policy) {
  Describer describer(policy);
  std::string out = "\nTHE RULES (a case is ineligible if any require or exclude rule fails it)\n";
  const std::string indent = "      ";
  const std::string detail = "    ";
  for (Effect effect : {Effect::require, Effect::exclude, Effect::approval, Effect::notice}) {
    bool any = false;
    for (const Rule& rule : policy.rules) {
      if (rule.effect != effect) continue;
      if (!any) out += "\n" + std::string(effect_heading(effect)) + ":\n";
      any = true;
      out += wrap(fmt::format("{} ({}): {}", rule.id, pathways_text(rule), rule.explain), indent,
                  k_text_columns, std::string("  - "));
      out +=
          wrap("In plain words: " + describer.describe(rule.expr), indent, k_text_columns, detail);
      out += wrap("Condition: " + rule.condition, indent, k_text_columns, detail);
      if (!rule.approver.empty()) {
        out += wrap("Approved by: " + rule.approver, indent, k_text_columns, detail);
      }
      out += wrap("Source: " + rule.citation, indent, k_text_columns, detail);
      if (const std::string basis = basis_text(rule, false); !basis.empty()) {
        out += wrap(basis, indent, k_text_columns, detail);
      }
    }
  }
  return out;
}

std::string text_sources(const Policy& policy) {
  std::string out;
  if (!policy.record_questions.empty()) {
    std::vector<std::string> ids;
    for (int q : policy.record_questions)
      ids.push_back(policy.questions[static_cast<size_t>(q)].id);
    out +=
        "\n" + wrap("Kept in the record: " + join(ids, ", "), "  ", k_text_columns, std::string());
  }
  if (!policy.sources.empty()) {
    out += "\nSOURCES\n";
    for (const Source& s : policy.sources) {
      out +=
          wrap(s.title.empty() ? s.url : (s.url.empty() ? s.title : s.title + " <" + s.url + ">"),
               "    ", k_text_columns, std::string("  - "));
    }
  }
  return out;
}

} // namespace

std::string show_policy_text(const Policy& policy) {
  return text_header(policy) + text_checklist(policy) + text_rules(policy) + text_sources(policy);
}

// ---- markdown ---------------------------------------------------------------------------

std::string show_policy_markdown(const Policy& policy) {
  Describer describer(policy);
  std::string out = fmt::format("# {}\n\n", md_text(policy.title));
  out += fmt::format("{}: {}\n", md_code(policy.id), md_text(header_line(policy)));
  if (const std::string status = status_sentence(policy.status); !status.empty()) {
    out += fmt::format("\n> **{}**\n", status);
  }
  if (!policy.summary.empty()) out += "\n" + md_paragraph(policy.summary) + "\n";
  if (!policy.pathways.empty())
    out += "\n**Pathways offered:** " + md_text(join(policy.pathways, ", ")) + "\n";
  for (const Provider& p : policy.providers) {
    out += fmt::format("\n**Referral to:** {}{}. {}\n", md_text(p.name),
                       p.pathways.empty() ? "" : " (" + md_text(join(p.pathways, ", ")) + ")",
                       md_text(p.contact));
  }
  if (policy.intake_days) {
    out += fmt::format("\n**Intake:** within {} days of the incident ({})\n", *policy.intake_days,
                       md_text(join(policy.intake_pathways, ", ")));
  }

  out += "\n## The checklist\n\nIn the order asked; only the questions this policy uses.\n\n";
  out += "| # | Question | Id | Answer | Asked |\n|---|---|---|---|---|\n";
  size_t n = 0;
  for (size_t q : checklist(policy)) {
    const Question& question = policy.questions[q];
    std::string answer = md_text(type_text(question));
    if (question.type == QuestionType::choice) {
      std::vector<std::string> values;
      for (const ChoiceValue& v : question.values)
        values.push_back(md_code(v.code) + " " + md_text(value_label(v)));
      answer = join(values, "<br>");
    }
    std::string label = md_text(question.label);
    if (!question.help.empty()) label += "<br>*" + md_text(question.help) + "*";
    out += fmt::format("| {} | {} | {} | {} | {} |\n", ++n, label, md_code(question.id), answer,
                       md_text(asked_text(policy, q)));
  }

  out += "\n## The rules\n\nA case is ineligible if any require or exclude rule fails it.\n";
  for (Effect effect : {Effect::require, Effect::exclude, Effect::approval, Effect::notice}) {
    bool any = false;
    for (const Rule& rule : policy.rules) {
      if (rule.effect != effect) continue;
      if (!any) out += fmt::format("\n### {}\n\n", effect_heading(effect));
      any = true;
      out += fmt::format("- **{}** ({}): {}  \n  In plain words: {}  \n  Condition: {}  \n",
                         md_text(rule.id), md_text(pathways_text(rule)), md_text(rule.explain),
                         md_text(describer.describe(rule.expr)), md_code(rule.condition));
      if (!rule.approver.empty())
        out += fmt::format("  Approved by: {}  \n", md_text(rule.approver));
      out += fmt::format("  Source: {}\n", md_text(rule.citation));
      if (const std::string basis = basis_text(rule, true); !basis.empty()) {
        out.insert(out.size() - 1, "  ");
        out += "  " + basis + "\n";
      }
    }
  }
  if (!policy.sources.empty()) {
    out += "\n## Sources\n\n";
    for (const Source& s : policy.sources) {
      if (s.url.empty()) out += "- " + md_text(s.title) + "\n";
      else out += "- " + md_link(s.title.empty() ? s.url : s.title, s.url) + "\n";
    }
  }
  return out;
}

// ---- dot ----------------------------------------------------------------------------------

static std::string dot_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// A label broken into short lines ("\n" separated) so that nodes stay narrow.
static std::string short_lines(const std::string& text, size_t width = 28) {
  std::string wrapped = wrap(text, "", width);
  while (!wrapped.empty() && wrapped.back() == '\n') wrapped.pop_back();
  return wrapped;
}

std::string show_policy_dot(const Policy& policy) {
  std::string out = "digraph " + dot_string(policy.id) + " {\n";
  out += "  graph [rankdir=LR, fontname=\"Helvetica\", label=" +
         dot_string(short_lines(policy.title + " (" + policy.version + ", " +
                                    status_name(policy.status) + ")",
                                k_terminal_columns)) +
         ", labelloc=t];\n";
  out += "  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", "
         "fontsize=9];\n";
  out += "  subgraph cluster_checklist {\n    label=\"Checklist\"; style=rounded; color=gray;\n";
  const std::vector<size_t> asked = checklist(policy);
  for (size_t q : asked) {
    const Question& question = policy.questions[q];
    if (question.type == QuestionType::text) continue;
    out += fmt::format("    {} [shape=box, style=rounded, label={}];\n",
                       dot_string("q:" + question.id),
                       dot_string(question.id + "\n" + short_lines(question.label)));
  }
  out += "  }\n";
  // Which answers decide whether a question is asked.
  for (size_t q : asked) {
    for (int dep : policy.questions[q].ask.reads()) {
      out += fmt::format("  {} -> {} [style=dashed, color=gray40, label=\"asked when\"];\n",
                         dot_string("q:" + policy.questions[static_cast<size_t>(dep)].id),
                         dot_string("q:" + policy.questions[q].id));
    }
  }
  out += "  subgraph cluster_rules {\n    label=\"Rules\"; style=rounded; color=gray;\n";
  for (const Rule& rule : policy.rules) {
    const char* color = "lightpink";
    switch (rule.effect) {
    case Effect::require: color = "lightsalmon"; break;
    case Effect::exclude: color = "lightpink"; break;
    case Effect::approval: color = "lightgoldenrod"; break;
    case Effect::notice: color = "lightblue"; break;
    }
    std::string label =
        rule.id + "\n(" + effect_name(rule.effect) +
        (rule.basis == Basis::unstated ? "" : std::string(", ") + basis_name(rule.basis)) + ")";
    if (!rule.pathways.empty()) label += "\n" + join(rule.pathways, ", ");
    out += fmt::format("    {} [shape=box, style=\"rounded,filled\", fillcolor={}, label={}];\n",
                       dot_string("r:" + rule.id), color, dot_string(label));
  }
  out += "  }\n";
  out += "  \"o:ineligible\" [shape=doubleoctagon, label=\"ineligible\"];\n";
  bool approval = false;
  bool notice = false;
  for (const Rule& rule : policy.rules) {
    approval = approval || rule.effect == Effect::approval;
    notice = notice || rule.effect == Effect::notice;
  }
  if (approval) out += "  \"o:needs_approval\" [shape=octagon, label=\"needs approval\"];\n";
  if (notice) out += "  \"o:notice\" [shape=note, label=\"notice to the officer\"];\n";
  for (const Rule& rule : policy.rules) {
    for (int q : rule.reads) {
      if (q == policy.pathway_question && !rule.pathways.empty() &&
          std::find(rule.expr.reads().begin(), rule.expr.reads().end(), q) ==
              rule.expr.reads().end()) {
        out += fmt::format("  {} -> {} [color=gray60, label=\"applies to\"];\n",
                           dot_string("q:" + policy.questions[static_cast<size_t>(q)].id),
                           dot_string("r:" + rule.id));
        continue;
      }
      out += fmt::format("  {} -> {};\n",
                         dot_string("q:" + policy.questions[static_cast<size_t>(q)].id),
                         dot_string("r:" + rule.id));
    }
    const char* target = "o:ineligible";
    std::string label = rule.effect == Effect::require ? "if false" : "if true";
    if (rule.effect == Effect::approval) target = "o:needs_approval";
    if (rule.effect == Effect::notice) target = "o:notice";
    out += fmt::format("  {} -> {} [label={}];\n", dot_string("r:" + rule.id), dot_string(target),
                       dot_string(label));
  }
  out += "}\n";
  return out;
}

// ---- json ---------------------------------------------------------------------------------

namespace {

// ordered_json: keys in the order written, so that "schema" and "id" come first for readers.
using OrderedJson = nlohmann::ordered_json;

OrderedJson expr_tree(const Policy& policy, const Expr& expr, int index, const Question* list) {
  using json = OrderedJson;
  const ExprNode& n = expr.nodes()[static_cast<size_t>(index)];
  auto child = [&](int i) { return expr_tree(policy, expr, i, list); };
  auto choice_code = [&](int side, double x) -> json {
    const ExprNode& s = expr.nodes()[static_cast<size_t>(side)];
    const std::vector<ChoiceValue>* values = nullptr;
    if (s.op == Op::answer) values = &policy.questions[static_cast<size_t>(s.q)].values;
    if (s.op == Op::field_category && list != nullptr) values = &list->categories;
    const auto i = static_cast<size_t>(x);
    return values != nullptr && i < values->size() ? json((*values)[i].code) : json(x);
  };
  auto value = [&](const ExprNode& c, int other) -> json {
    switch (c.type) {
    case ValueType::boolean: return json{{"const", c.x != 0}};
    case ValueType::date: return json{{"const", format_date(static_cast<Days>(c.x))}};
    case ValueType::choice: return json{{"value", choice_code(other, c.x)}};
    default: return json{{"const", c.x}};
    }
  };
  switch (n.op) {
  case Op::constant: return value(n, -1);
  case Op::answer: return json{{"question", policy.questions[static_cast<size_t>(n.q)].id}};
  case Op::field_category: return json{{"field", "category"}};
  case Op::field_date: return json{{"field", "date"}};
  case Op::and_: return json{{"op", "and"}, {"args", {child(n.a), child(n.b)}}};
  case Op::or_: return json{{"op", "or"}, {"args", {child(n.a), child(n.b)}}};
  case Op::not_: return json{{"op", "not"}, {"args", {child(n.a)}}};
  case Op::eq:
  case Op::ne:
  case Op::lt:
  case Op::le:
  case Op::gt:
  case Op::ge: {
    static const char* k_ops[] = {"==", "!=", "<", "<=", ">", ">="};
    const auto op = static_cast<size_t>(n.op) - static_cast<size_t>(Op::eq);
    const ExprNode& l = expr.nodes()[static_cast<size_t>(n.a)];
    const ExprNode& r = expr.nodes()[static_cast<size_t>(n.b)];
    json left = l.op == Op::constant ? value(l, n.b) : child(n.a);
    json right = r.op == Op::constant ? value(r, n.a) : child(n.b);
    return json{{"op", k_ops[op]}, {"args", {left, right}}};
  }
  case Op::in:
  case Op::not_in: {
    json values = json::array();
    for (double x : n.set) {
      const ExprNode& s = expr.nodes()[static_cast<size_t>(n.a)];
      if (s.type == ValueType::choice) values.push_back(choice_code(n.a, x));
      else if (s.type == ValueType::date) values.push_back(format_date(static_cast<Days>(x)));
      else values.push_back(x);
    }
    return json{{"op", n.op == Op::in ? "in" : "not in"},
                {"args", {child(n.a)}},
                {"values", values}};
  }
  case Op::add_months:
    if (n.months != 0) return json{{"op", "shift"}, {"args", {child(n.a)}}, {"months", n.months}};
    return json{{"op", "shift"}, {"args", {child(n.a)}}, {"days", static_cast<int>(n.x)}};
  case Op::any:
  case Op::count: {
    const Question& q = policy.questions[static_cast<size_t>(n.q)];
    return json{{"op", n.op == Op::any ? "any" : "count"},
                {"list", q.id},
                {"where", expr_tree(policy, expr, n.a, &q)}};
  }
  case Op::is_drug: {
    json drugs = json::array();
    const ExprNode& s = expr.nodes()[static_cast<size_t>(n.a)];
    if (s.op == Op::answer) {
      for (const ChoiceValue& v : policy.questions[static_cast<size_t>(s.q)].values) {
        if (v.drug) drugs.push_back(v.code);
      }
    }
    return json{{"op", "in"}, {"args", {child(n.a)}}, {"values", drugs}, {"means", "is_drug"}};
  }
  case Op::answered:
    return json{{"op", "answered"},
                {"args", {json{{"question", policy.questions[static_cast<size_t>(n.q)].id}}}}};
  case Op::years_between:
  case Op::months_between:
    return json{{"op", n.op == Op::years_between ? "years_between" : "months_between"},
                {"args", {child(n.a), child(n.b)}}};
  }
  return nullptr;
}

OrderedJson values_json(const std::vector<ChoiceValue>& values, bool offense) {
  OrderedJson out = OrderedJson::array();
  for (const ChoiceValue& v : values) {
    OrderedJson item = {{"value", v.code}, {"label", value_label(v)}};
    if (offense) item["drug"] = v.drug;
    if (!v.statutes.empty()) item["statutes"] = v.statutes;
    out.push_back(item);
  }
  return out;
}

OrderedJson sources_json(const std::vector<Source>& sources) {
  OrderedJson out = OrderedJson::array();
  for (const Source& s : sources) out.push_back({{"title", s.title}, {"url", s.url}});
  return out;
}

OrderedJson optional_text(const std::string& s) {
  return s.empty() ? OrderedJson() : OrderedJson(s);
}

} // namespace

std::string show_policy_json(const Policy& policy) {
  using json = OrderedJson;
  Describer describer(policy);
  json layers = json::array();
  for (const PolicyLayer& layer : policy.layers) {
    layers.push_back({{"id", layer.id},
                      {"version", layer.version},
                      {"sha256", layer.sha256},
                      {"file", layer.file}});
  }
  auto date = [](const std::optional<Days>& d) { return d ? json(format_date(*d)) : json(); };
  json head = {{"id", policy.id},
               {"title", policy.title},
               {"version", policy.version},
               {"status", status_name(policy.status)},
               {"abstract", policy.is_abstract},
               {"effective", date(policy.effective)},
               {"review_by", date(policy.review_by)},
               {"expires", date(policy.expires)},
               {"until", policy.until ? json{{"date", format_date(*policy.until)},
                                             {"reason", policy.until_reason}}
                                      : json()},
               {"sha256", policy.layers.empty() ? json() : json(policy.layers.back().sha256)},
               {"layers", layers}};
  json pathways = json::array();
  if (policy.pathway_question >= 0) {
    for (const ChoiceValue& v :
         policy.questions[static_cast<size_t>(policy.pathway_question)].values) {
      if (policy.pathways.empty() || std::find(policy.pathways.begin(), policy.pathways.end(),
                                               v.code) != policy.pathways.end()) {
        pathways.push_back(v.code);
      }
    }
  }
  const std::vector<size_t> used = checklist(policy);
  json questions = json::array();
  for (size_t q = 0; q < policy.questions.size(); ++q) {
    const Question& question = policy.questions[q];
    json item = {{"id", question.id},
                 {"type", question_type_name(question.type)},
                 {"label", question.label},
                 {"help", optional_text(question.help)},
                 {"unit", optional_text(question.unit)},
                 {"used", std::find(used.begin(), used.end(), q) != used.end()},
                 {"asked", asked_text(policy, q)},
                 {"asked_when", optional_text(question.asked_when)},
                 {"ask",
                  question.ask.empty()
                      ? json()
                      : expr_tree(policy, question.ask,
                                  static_cast<int>(question.ask.nodes().size()) - 1, nullptr)},
                 {"read_by", readers(policy, q)}};
    if (question.type == QuestionType::choice)
      item["values"] = values_json(question.values, question.id == vocabulary::offense);
    if (question.type == QuestionType::convictions)
      item["categories"] = values_json(question.categories, false);
    if (question.type == QuestionType::number || question.type == QuestionType::integer) {
      item["min"] = question.min ? json(*question.min) : json();
      item["max"] = question.max ? json(*question.max) : json();
    }
    if (question.type == QuestionType::date || question.type == QuestionType::convictions) {
      item["past"] = question.past;
    }
    if (question.type == QuestionType::text) item["record_only"] = true;
    questions.push_back(item);
  }
  json derived = json::array();
  for (const Derived& d : policy.derived) {
    derived.push_back({{"id", d.id}, {"label", d.label}, {"value", d.expression}});
  }
  json rules = json::array();
  for (const Rule& rule : policy.rules) {
    std::vector<std::string> reads;
    for (int q : rule.reads) reads.push_back(policy.questions[static_cast<size_t>(q)].id);
    rules.push_back(
        {{"id", rule.id},
         {"effect", effect_name(rule.effect)},
         {"pathways", rule.pathways},
         {"condition", rule.condition},
         {"plain", describer.describe(rule.expr)},
         {"explain", rule.explain},
         {"citation", rule.citation},
         {"approver", optional_text(rule.approver)},
         {"holds_by_design", rule.holds_by_design},
         {"basis", rule.basis == Basis::unstated ? json() : json(basis_name(rule.basis))},
         {"sources", sources_json(rule.sources)},
         {"assumption", optional_text(rule.assumption)},
         {"reads", reads}});
  }
  std::vector<std::string> record;
  for (int q : policy.record_questions)
    record.push_back(policy.questions[static_cast<size_t>(q)].id);
  json providers = json::array();
  for (const Provider& p : policy.providers) {
    providers.push_back({{"name", p.name}, {"contact", p.contact}, {"pathways", p.pathways}});
  }
  json doc = {{"schema", "divert.policy-form/1"},
              {"policy", head},
              {"pathways", pathways},
              {"providers", providers},
              {"intake_days", policy.intake_days ? json(*policy.intake_days) : json()},
              {"questions", questions},
              {"derived", derived},
              {"rules", rules},
              {"record", record}};
  return doc.dump(2) + "\n";
}

} // namespace divert
