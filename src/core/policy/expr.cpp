// SPDX-License-Identifier: Apache-2.0
#include "core/policy/expr.hpp"

#include "core/policy/policy.hpp"
#include "core/base/source_text.hpp"
#include "core/base/text_util.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <optional>

namespace divert {

namespace {

// How deeply a condition's text may nest (parentheses, `not`, calls), which bounds the parser's
// recursion. A chain of one operator (`a or b or c`) is a list, not nesting: its terms count
// one level, and a chain may have up to k_max_chain_terms of them. The tree a chain makes is as
// deep as the chain is long, and every pass over a condition recurses on its tree, so the tree's
// depth has a bound of its own, above the longest chain.
constexpr int k_max_expr_depth = 100;
constexpr int k_max_chain_terms = 500;
constexpr int k_max_tree_depth = 600;

// ---- Lexer --------------------------------------------------------------------------------

enum class Tok {
  end,
  ident,
  number,
  date,
  string,
  lparen,
  rparen,
  lbracket,
  rbracket,
  comma,
  colon,
  plus,
  minus,
  eq,
  ne,
  lt,
  le,
  gt,
  ge
};

struct Token {
  Tok kind = Tok::end;
  std::string text;
  double number = 0;
  int offset = 0;
  int end = 0; // one past its last byte
};

// ---- Untyped syntax tree ------------------------------------------------------------------

struct Ast {
  enum class Kind { name, number, date, string, boolean, list, call, unary_not, binary, shift };
  Kind kind = Kind::name;
  std::string text; // name, string, operator, function
  double number = 0;
  int months = 0; // shift
  int offset = 0;
  int begin = -1, end = -1; // a comparison: its text, both operands included
  std::vector<std::unique_ptr<Ast>> args;
};
using AstPtr = std::unique_ptr<Ast>;

class Parser {
public:
  explicit Parser(std::string_view text) : m_text(text) { tokenize(); }

  AstPtr parse() {
    AstPtr root = parse_or(0);
    if (peek().kind != Tok::end) {
      fail(peek().offset, fmt::format("unexpected '{}'", peek().text));
    }
    return root;
  }

  [[noreturn]] void fail(int offset, const std::string& message) const {
    throw ExprSyntaxError{offset, message};
  }

  struct ExprSyntaxError {
    int offset;
    std::string message;
  };

private:
  void tokenize() {
    size_t i = 0;
    const std::string_view s = m_text;
    while (i < s.size()) {
      const char c = s[i];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i;
        continue;
      }
      Token t;
      t.offset = static_cast<int>(i);
      if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        size_t j = i;
        while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) {
          ++j;
        }
        t.kind = Tok::ident;
        t.text = std::string(s.substr(i, j - i));
        i = j;
      } else if (std::isdigit(static_cast<unsigned char>(c))) {
        size_t j = i;
        while (j < s.size() &&
               (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.' || s[j] == '-')) {
          // A '-' belongs to the literal only in the date shape YYYY-MM-DD.
          if (s[j] == '-' && !(j - i == 4 || j - i == 7)) {
            break;
          }
          ++j;
        }
        t.text = std::string(s.substr(i, j - i));
        if (t.text.find('-') != std::string::npos) {
          const auto days = parse_date(t.text);
          if (!days) {
            fail(t.offset, fmt::format("'{}' is not a calendar date (YYYY-MM-DD)", t.text));
          }
          t.kind = Tok::date;
          t.number = *days;
        } else {
          t.kind = Tok::number;
          const auto [ptr, ec] =
              std::from_chars(t.text.data(), t.text.data() + t.text.size(), t.number);
          if (ec != std::errc() || ptr != t.text.data() + t.text.size() ||
              !std::isfinite(t.number)) {
            fail(t.offset, fmt::format("'{}' is not a number", t.text));
          }
        }
        i = j;
      } else if (c == '\'' || c == '"') {
        const size_t close = s.find(c, i + 1);
        if (close == std::string_view::npos) {
          fail(t.offset, "unterminated string");
        }
        t.kind = Tok::string;
        t.text = std::string(s.substr(i + 1, close - i - 1));
        i = close + 1;
      } else {
        auto two = s.substr(i, 2);
        i += 1;
        switch (c) {
        case '(': t.kind = Tok::lparen; break;
        case ')': t.kind = Tok::rparen; break;
        case '[': t.kind = Tok::lbracket; break;
        case ']': t.kind = Tok::rbracket; break;
        case ',': t.kind = Tok::comma; break;
        case ':': t.kind = Tok::colon; break;
        case '+': t.kind = Tok::plus; break;
        case '-': t.kind = Tok::minus; break;
        case '=':
          if (two != "==") fail(t.offset, "use '==' to compare");
          t.kind = Tok::eq, ++i;
          break;
        case '!':
          if (two != "!=") fail(t.offset, "use 'not' for negation, '!=' for 'differs'");
          t.kind = Tok::ne, ++i;
          break;
        case '<':
          if (two == "<=") t.kind = Tok::le, ++i;
          else t.kind = Tok::lt;
          break;
        case '>':
          if (two == ">=") t.kind = Tok::ge, ++i;
          else t.kind = Tok::gt;
          break;
        default: fail(t.offset, fmt::format("unexpected character '{}'", c));
        }
        t.text =
            std::string(s.substr(static_cast<size_t>(t.offset), i - static_cast<size_t>(t.offset)));
      }
      t.end = static_cast<int>(i);
      m_tokens.push_back(std::move(t));
    }
    Token end;
    end.offset = static_cast<int>(s.size());
    end.text = "end of condition";
    m_tokens.push_back(end);
  }

  const Token& peek(size_t ahead = 0) const {
    return m_tokens[std::min(m_pos + ahead, m_tokens.size() - 1)];
  }
  Token next() { return m_tokens[std::min(m_pos++, m_tokens.size() - 1)]; }
  bool is_word(const Token& t, std::string_view word) const {
    return t.kind == Tok::ident && t.text == word;
  }
  void expect(Tok kind, const char* what) {
    if (peek().kind != kind) {
      fail(peek().offset, fmt::format("expected {} but found '{}'", what, peek().text));
    }
    ++m_pos;
  }
  void guard(int depth) const {
    if (depth > k_max_expr_depth) {
      fail(peek().offset, "condition nested too deeply");
    }
  }

  AstPtr make(Ast::Kind kind, int offset, std::string text = {}) {
    auto a = std::make_unique<Ast>();
    a->kind = kind;
    a->offset = offset;
    a->text = std::move(text);
    return a;
  }

  AstPtr parse_or(int depth) {
    guard(depth);
    AstPtr left = parse_and(depth + 1);
    for (int terms = 1; is_word(peek(), "or"); ++terms) {
      const Token op = next();
      guard_chain(terms, op);
      auto node = make(Ast::Kind::binary, op.offset, "or");
      node->args.push_back(std::move(left));
      node->args.push_back(parse_and(depth + 1));
      left = std::move(node);
    }
    return left;
  }

  AstPtr parse_and(int depth) {
    guard(depth);
    AstPtr left = parse_not(depth + 1);
    for (int terms = 1; is_word(peek(), "and"); ++terms) {
      const Token op = next();
      guard_chain(terms, op);
      auto node = make(Ast::Kind::binary, op.offset, "and");
      node->args.push_back(std::move(left));
      node->args.push_back(parse_not(depth + 1));
      left = std::move(node);
    }
    return left;
  }

  void guard_chain(int terms, const Token& op) const {
    if (terms >= k_max_chain_terms) {
      fail(op.offset, fmt::format("more than {} tests joined by '{}' in one condition; a list of "
                                  "values is one test (offense in [a, b, c]), or split the rule",
                                  k_max_chain_terms, op.text));
    }
  }

  AstPtr parse_not(int depth) {
    guard(depth);
    if (is_word(peek(), "not")) {
      const Token op = next();
      auto node = make(Ast::Kind::unary_not, op.offset, "not");
      node->args.push_back(parse_not(depth + 1));
      return node;
    }
    return parse_comparison(depth + 1);
  }

  AstPtr parse_comparison(int depth) {
    guard(depth);
    const int begin = peek().offset;
    AstPtr left = parse_shift(depth + 1);
    const Token& t = peek();
    std::string op;
    switch (t.kind) {
    case Tok::eq: op = "=="; break;
    case Tok::ne: op = "!="; break;
    case Tok::lt: op = "<"; break;
    case Tok::le: op = "<="; break;
    case Tok::gt: op = ">"; break;
    case Tok::ge: op = ">="; break;
    default:
      if (is_word(t, "in")) {
        op = "in";
      } else if (is_word(t, "not") && is_word(peek(1), "in")) {
        op = "not in";
        ++m_pos;
      }
    }
    if (op.empty()) {
      return left;
    }
    const Token op_token = next();
    auto node = make(Ast::Kind::binary, op_token.offset, op);
    node->args.push_back(std::move(left));
    node->args.push_back(parse_shift(depth + 1));
    node->begin = begin;
    node->end = m_tokens[m_pos - 1].end;
    return node;
  }

  // date + 10 years, date - 24 months, date + 7 days
  AstPtr parse_shift(int depth) {
    guard(depth);
    AstPtr left = parse_primary(depth + 1);
    while (peek().kind == Tok::plus || peek().kind == Tok::minus) {
      const Token op = next();
      const Token amount = next();
      if (amount.kind != Tok::number || amount.number != std::floor(amount.number) ||
          amount.number > 1200) {
        fail(amount.offset, "expected a whole number of days, months or years (at most 1200)");
      }
      const Token unit = next();
      int months = 0;
      int days = 0;
      const int n = static_cast<int>(amount.number);
      if (is_word(unit, "years") || is_word(unit, "year")) {
        months = n * 12;
      } else if (is_word(unit, "months") || is_word(unit, "month")) {
        months = n;
      } else if (is_word(unit, "days") || is_word(unit, "day")) {
        days = n;
      } else {
        fail(unit.offset,
             fmt::format("expected 'days', 'months' or 'years' after {}", amount.text));
      }
      auto node = make(Ast::Kind::shift, op.offset, days != 0 ? "days" : "months");
      const int sign = op.kind == Tok::minus ? -1 : 1;
      node->months = sign * (days != 0 ? days : months);
      node->args.push_back(std::move(left));
      left = std::move(node);
    }
    return left;
  }

  AstPtr parse_primary(int depth) {
    guard(depth);
    const Token t = next();
    switch (t.kind) {
    case Tok::number: {
      auto node = make(Ast::Kind::number, t.offset, t.text);
      node->number = t.number;
      return node;
    }
    case Tok::date: {
      auto node = make(Ast::Kind::date, t.offset, t.text);
      node->number = t.number;
      return node;
    }
    case Tok::string: return make(Ast::Kind::string, t.offset, t.text);
    case Tok::minus: {
      const Token n = next();
      if (n.kind != Tok::number) {
        fail(n.offset, "expected a number after '-'");
      }
      auto node = make(Ast::Kind::number, t.offset, "-" + n.text);
      node->number = -n.number;
      return node;
    }
    case Tok::lparen: {
      AstPtr inner = parse_or(depth + 1);
      expect(Tok::rparen, "')'");
      return inner;
    }
    case Tok::lbracket: {
      auto node = make(Ast::Kind::list, t.offset, "[");
      if (peek().kind != Tok::rbracket) {
        for (;;) {
          node->args.push_back(parse_primary(depth + 1));
          if (peek().kind == Tok::comma) {
            ++m_pos;
            continue;
          }
          break;
        }
      }
      expect(Tok::rbracket, "',' or ']'");
      return node;
    }
    case Tok::ident: {
      if (t.text == "true" || t.text == "false") {
        auto node = make(Ast::Kind::boolean, t.offset, t.text);
        node->number = t.text == "true" ? 1 : 0;
        return node;
      }
      if (t.text == "and" || t.text == "or" || t.text == "not" || t.text == "in") {
        fail(t.offset, fmt::format("expected a value before '{}'", t.text));
      }
      if (peek().kind == Tok::lparen) {
        ++m_pos;
        auto node = make(Ast::Kind::call, t.offset, t.text);
        if (peek().kind != Tok::rparen) {
          for (;;) {
            node->args.push_back(parse_or(depth + 1));
            if (peek().kind == Tok::comma || peek().kind == Tok::colon) {
              ++m_pos;
              continue;
            }
            break;
          }
        }
        expect(Tok::rparen, "',' or ')'");
        return node;
      }
      return make(Ast::Kind::name, t.offset, t.text);
    }
    default: fail(t.offset, fmt::format("expected a value but found '{}'", t.text));
    }
  }

  std::string_view m_text;
  std::vector<Token> m_tokens;
  size_t m_pos = 0;
};

const char* type_name(ValueType t) {
  switch (t) {
  case ValueType::boolean: return "yes/no";
  case ValueType::number: return "number";
  case ValueType::date: return "date";
  case ValueType::choice: return "choice";
  case ValueType::list: return "list";
  case ValueType::text: return "text";
  case ValueType::none: return "nothing";
  }
  return "?";
}

} // namespace

// ---- Type checker and code generator ----------------------------------------------------

class ExprCompiler {
public:
  ExprCompiler(const Policy& policy, Expr& out) : m_policy(policy), m_out(out) {}

  struct TypeError {
    int offset;
    std::string message;
    std::string code; // the lint check this is ("unknown-question"), or empty
  };

  // The choice table a choice-typed node draws its values from.
  struct Typed {
    int node;
    ValueType type;
    const std::vector<ChoiceValue>* values = nullptr;
    std::string values_of; // for messages: "offense", "category"
  };

  // `depth`: the depth in the tree being built (see k_max_tree_depth).
  Typed compile(const Ast& a, int depth) {
    if (depth > k_max_tree_depth) {
      fail(a.offset, "condition nested too deeply");
    }
    switch (a.kind) {
    case Ast::Kind::number: return constant(ValueType::number, a.number, a.offset);
    case Ast::Kind::date: return constant(ValueType::date, a.number, a.offset);
    case Ast::Kind::boolean: return constant(ValueType::boolean, a.number, a.offset);
    case Ast::Kind::string:
      fail(a.offset, fmt::format("'{}' must be compared with a choice question", a.text));
    case Ast::Kind::list: fail(a.offset, "a list of values may only follow 'in' or 'not in'");
    case Ast::Kind::name: return name(a, depth);
    case Ast::Kind::call: return call(a, depth);
    case Ast::Kind::unary_not: {
      Typed inner = expect(*a.args[0], ValueType::boolean, depth, "'not'");
      return emit(ExprNode::Op::not_, ValueType::boolean, a.offset, inner.node);
    }
    case Ast::Kind::shift: {
      Typed inner = compile(*a.args[0], depth + 1);
      if (inner.type != ValueType::date) {
        fail(a.offset, fmt::format("only a date can be shifted by days, months or years, not a {}",
                                   type_name(inner.type)));
      }
      Typed t = emit(ExprNode::Op::add_months, ValueType::date, a.offset, inner.node);
      // A shift of days keeps its count in x, one of months (or years, as months) in `months`.
      if (a.text == "days") {
        m_out.m_nodes[static_cast<size_t>(t.node)].x = a.months;
      } else {
        m_out.m_nodes[static_cast<size_t>(t.node)].months = a.months;
      }
      return t;
    }
    case Ast::Kind::binary: {
      Typed t = binary(a, depth);
      if (a.begin >= 0 && m_derived_depth == 0) {
        ExprNode& n = m_out.m_nodes[static_cast<size_t>(t.node)];
        n.begin = a.begin;
        n.end = a.end;
      }
      return t;
    }
    }
    fail(a.offset, "unsupported expression");
  }

  Typed expect(const Ast& a, ValueType type, int depth, const char* context) {
    Typed t = compile(a, depth + 1);
    if (t.type != type) {
      fail(a.offset, fmt::format("{} needs a {} value, but this is a {}", context, type_name(type),
                                 type_name(t.type)));
    }
    return t;
  }

  [[noreturn]] void fail(int offset, const std::string& message, std::string code = {}) const {
    throw TypeError{offset, message, std::move(code)};
  }

  void finish() {
    std::sort(m_out.m_reads.begin(), m_out.m_reads.end());
    m_out.m_reads.erase(std::unique(m_out.m_reads.begin(), m_out.m_reads.end()),
                        m_out.m_reads.end());
  }

private:
  Typed constant(ValueType type, double x, int offset) {
    ExprNode n;
    n.op = ExprNode::Op::constant;
    n.type = type;
    n.x = x;
    n.offset = offset;
    m_out.m_nodes.push_back(std::move(n));
    return Typed{static_cast<int>(m_out.m_nodes.size()) - 1, type, nullptr, {}};
  }

  Typed emit(ExprNode::Op op, ValueType type, int offset, int a = -1, int b = -1) {
    ExprNode n;
    n.op = op;
    n.type = type;
    n.a = a;
    n.b = b;
    n.offset = offset;
    m_out.m_nodes.push_back(std::move(n));
    return Typed{static_cast<int>(m_out.m_nodes.size()) - 1, type, nullptr, {}};
  }

  static ValueType value_type_of(QuestionType t) {
    switch (t) {
    case QuestionType::boolean: return ValueType::boolean;
    case QuestionType::choice: return ValueType::choice;
    case QuestionType::number:
    case QuestionType::integer: return ValueType::number;
    case QuestionType::date: return ValueType::date;
    case QuestionType::convictions: return ValueType::list;
    case QuestionType::text: return ValueType::text;
    }
    return ValueType::none;
  }

  Typed name(const Ast& a, int depth) {
    if (m_in_list_scope) {
      if (a.text == "category") {
        Typed t = emit(ExprNode::Op::field_category, ValueType::choice, a.offset);
        t.values = &m_list_question->categories;
        t.values_of = "category";
        return t;
      }
      if (a.text == "date") {
        return emit(ExprNode::Op::field_date, ValueType::date, a.offset);
      }
    }
    const int q = m_policy.question_index(a.text);
    if (q >= 0) {
      const Question& question = m_policy.questions[static_cast<size_t>(q)];
      if (question.type == QuestionType::text) {
        fail(a.offset,
             fmt::format("'{}' is a record-only text question; rules cannot read it", a.text));
      }
      Typed t = emit(ExprNode::Op::answer, value_type_of(question.type), a.offset);
      m_out.m_nodes[static_cast<size_t>(t.node)].q = q;
      m_out.m_reads.push_back(q);
      if (question.type == QuestionType::choice) {
        t.values = &question.values;
        t.values_of = question.id;
      }
      return t;
    }
    for (const Derived& d : m_policy.derived) {
      if (d.id == a.text) {
        if (m_derived_depth > 4) {
          fail(a.offset, fmt::format("derived value '{}' refers to itself", a.text));
        }
        ++m_derived_depth;
        Parser parser(d.expression);
        AstPtr ast;
        try {
          ast = parser.parse();
        } catch (const Parser::ExprSyntaxError& e) {
          fail(a.offset, fmt::format("derived value '{}': {}", d.id, e.message));
        }
        Typed t = compile(*ast, depth + 1);
        --m_derived_depth;
        m_out.m_nodes[static_cast<size_t>(t.node)].derived =
            static_cast<int>(&d - m_policy.derived.data());
        return t;
      }
    }
    std::vector<std::string> known;
    for (const Question& question : m_policy.questions) {
      known.push_back(question.id);
    }
    for (const Derived& d : m_policy.derived) {
      known.push_back(d.id);
    }
    fail(a.offset, fmt::format("unknown question '{}'{}", a.text, did_you_mean(a.text, known)),
         "unknown-question");
  }

  Typed call(const Ast& a, int depth) {
    const std::string& f = a.text;
    if (f == "any" || f == "count") {
      if (a.args.size() != 2 || a.args[0]->kind != Ast::Kind::name) {
        fail(a.offset, fmt::format("{}(LIST, CONDITION) takes a list question and a condition", f));
      }
      if (m_in_list_scope) {
        fail(a.offset, fmt::format("{}() cannot be nested", f));
      }
      const int q = m_policy.question_index(a.args[0]->text);
      if (q < 0 || m_policy.questions[static_cast<size_t>(q)].type != QuestionType::convictions) {
        fail(a.args[0]->offset, fmt::format("'{}' is not a list question", a.args[0]->text));
      }
      m_out.m_reads.push_back(q);
      m_in_list_scope = true;
      m_list_question = &m_policy.questions[static_cast<size_t>(q)];
      Typed cond = expect(*a.args[1], ValueType::boolean, depth, fmt::format("{}()", f).c_str());
      m_in_list_scope = false;
      Typed t = emit(f == "any" ? ExprNode::Op::any : ExprNode::Op::count,
                     f == "any" ? ValueType::boolean : ValueType::number, a.offset, cond.node);
      m_out.m_nodes[static_cast<size_t>(t.node)].q = q;
      return t;
    }
    if (f == "is_drug") {
      if (a.args.size() != 1) {
        fail(a.offset, "is_drug(OFFENSE) takes one argument");
      }
      Typed arg = compile(*a.args[0], depth + 1);
      if (arg.type != ValueType::choice || arg.values == nullptr ||
          arg.values_of != vocabulary::offense) {
        fail(a.args[0]->offset, "is_drug() takes the offense question");
      }
      m_out.m_drug.clear();
      for (const ChoiceValue& v : *arg.values) {
        m_out.m_drug.push_back(v.drug);
      }
      return emit(ExprNode::Op::is_drug, ValueType::boolean, a.offset, arg.node);
    }
    if (f == "answered") {
      if (a.args.size() != 1 || a.args[0]->kind != Ast::Kind::name ||
          m_policy.question_index(a.args[0]->text) < 0) {
        if (a.args.size() == 1 && a.args[0]->kind == Ast::Kind::name) {
          (void)name(*a.args[0], depth + 1); // an unknown question: the usual message
        }
        fail(a.offset, "answered(QUESTION) takes one question id");
      }
      const int q = m_policy.question_index(a.args[0]->text);
      if (m_policy.questions[static_cast<size_t>(q)].type == QuestionType::text) {
        fail(a.args[0]->offset, fmt::format("'{}' is a record-only text question; rules cannot "
                                            "read it",
                                            a.args[0]->text));
      }
      m_out.m_reads.push_back(q);
      Typed t = emit(ExprNode::Op::answered, ValueType::boolean, a.offset);
      m_out.m_nodes[static_cast<size_t>(t.node)].q = q;
      return t;
    }
    if (f == "years_between" || f == "months_between") {
      if (a.args.size() != 2) {
        fail(a.offset, fmt::format("{}(FROM, TO) takes two dates", f));
      }
      Typed from = expect(*a.args[0], ValueType::date, depth, f.c_str());
      Typed to = expect(*a.args[1], ValueType::date, depth, f.c_str());
      return emit(f == "years_between" ? ExprNode::Op::years_between : ExprNode::Op::months_between,
                  ValueType::number, a.offset, from.node, to.node);
    }
    fail(a.offset, fmt::format("unknown function '{}'{}", f,
                               did_you_mean(f, {"answered", "any", "count", "is_drug",
                                                "years_between", "months_between"})));
  }

  // A bare word or quoted string on the other side of a choice comparison is a value.
  double choice_value(const Ast& a, const Typed& choice) {
    if (a.kind != Ast::Kind::name && a.kind != Ast::Kind::string) {
      fail(a.offset, fmt::format("'{}' takes a value of {} here", a.text, choice.values_of));
    }
    for (size_t i = 0; i < choice.values->size(); ++i) {
      if ((*choice.values)[i].code == a.text) {
        return static_cast<double>(i);
      }
    }
    std::vector<std::string> codes;
    for (const ChoiceValue& v : *choice.values) {
      codes.push_back(v.code);
    }
    fail(a.offset,
         fmt::format("'{}' is not a value of '{}'{} (values: {})", a.text, choice.values_of,
                     did_you_mean(a.text, codes), join(codes, ", ")),
         "unknown-value");
  }

  // `a or b or c` parses as ((a or b) or c). Its terms are compiled one after another, not by
  // recursion down the left side, so that the compiler's own stack does not grow with the
  // chain; the nodes come out in the order that recursion would give (each term, then the
  // `or` that joins it), the tree being the same.
  Typed chain(const Ast& a, int depth) {
    const std::string& op = a.text;
    const std::string context = fmt::format("'{}'", op);
    std::vector<const Ast*> links; // the chain's operators, the outermost first
    for (const Ast* link = &a; link->kind == Ast::Kind::binary && link->text == op;
         link = link->args[0].get()) {
      links.push_back(link);
    }
    const auto innermost = static_cast<int>(links.size()) - 1;
    Typed joined =
        expect(*links.back()->args[0], ValueType::boolean, depth + innermost, context.c_str());
    for (int i = innermost; i >= 0; --i) {
      const Ast& link = *links[static_cast<size_t>(i)];
      const Typed right = expect(*link.args[1], ValueType::boolean, depth + i, context.c_str());
      joined = emit(op == "and" ? ExprNode::Op::and_ : ExprNode::Op::or_, ValueType::boolean,
                    link.offset, joined.node, right.node);
    }
    return joined;
  }

  Typed binary(const Ast& a, int depth) {
    const std::string& op = a.text;
    if (op == "and" || op == "or") return chain(a, depth);
    Typed l = compile(*a.args[0], depth + 1);
    if (op == "in" || op == "not in") {
      const Ast& list = *a.args[1];
      if (list.kind != Ast::Kind::list) {
        fail(list.offset, fmt::format("'{}' needs a list of values in brackets, like [a, b]", op));
      }
      Typed t = emit(op == "in" ? ExprNode::Op::in : ExprNode::Op::not_in, ValueType::boolean,
                     a.offset, l.node);
      std::vector<double> set;
      for (const AstPtr& item : list.args) {
        if (l.type == ValueType::choice) {
          set.push_back(choice_value(*item, l));
        } else if (l.type == ValueType::number && (item->kind == Ast::Kind::number)) {
          set.push_back(item->number);
        } else if (l.type == ValueType::date && item->kind == Ast::Kind::date) {
          set.push_back(item->number);
        } else {
          fail(item->offset,
               fmt::format("a {} cannot be compared with '{}'", type_name(l.type), item->text));
        }
      }
      m_out.m_nodes[static_cast<size_t>(t.node)].set = std::move(set);
      return t;
    }
    ExprNode::Op code = ExprNode::Op::eq;
    if (op == "==") code = ExprNode::Op::eq;
    else if (op == "!=") code = ExprNode::Op::ne;
    else if (op == "<") code = ExprNode::Op::lt;
    else if (op == "<=") code = ExprNode::Op::le;
    else if (op == ">") code = ExprNode::Op::gt;
    else if (op == ">=") code = ExprNode::Op::ge;

    Typed r{};
    if (l.type == ValueType::choice &&
        (a.args[1]->kind == Ast::Kind::name || a.args[1]->kind == Ast::Kind::string)) {
      // A value of the choice, unless the word names another choice question of the same set.
      const int q = m_policy.question_index(a.args[1]->text);
      const bool is_value = std::any_of(l.values->begin(), l.values->end(),
                                        [&](const auto& v) { return v.code == a.args[1]->text; });
      if (is_value || q < 0 || a.args[1]->kind == Ast::Kind::string) {
        r = constant(ValueType::choice, choice_value(*a.args[1], l), a.args[1]->offset);
        r.values = l.values;
      } else {
        r = compile(*a.args[1], depth + 1);
      }
    } else {
      r = compile(*a.args[1], depth + 1);
    }
    if (l.type != r.type) {
      fail(a.offset,
           fmt::format("cannot compare a {} with a {}", type_name(l.type), type_name(r.type)));
    }
    if (l.type == ValueType::choice && l.values != r.values) {
      fail(a.offset, fmt::format("'{}' and '{}' have different values", l.values_of, r.values_of));
    }
    const bool ordering = code == ExprNode::Op::lt || code == ExprNode::Op::le ||
                          code == ExprNode::Op::gt || code == ExprNode::Op::ge;
    if (ordering && l.type != ValueType::number && l.type != ValueType::date) {
      fail(a.offset, fmt::format("'{}' orders numbers and dates, not a {}", op, type_name(l.type)));
    }
    if (l.type == ValueType::list || l.type == ValueType::text) {
      fail(a.offset,
           fmt::format("a {} cannot be compared; use any(...) for lists", type_name(l.type)));
    }
    return emit(code, ValueType::boolean, a.offset, l.node, r.node);
  }

  const Policy& m_policy;
  Expr& m_out;
  bool m_in_list_scope = false;
  const Question* m_list_question = nullptr;
  int m_derived_depth = 0;
};

Expr Expr::compile(std::string_view text, const Policy& policy, SourceLocation where) {
  const SourceText source(text);
  return compile(text, policy, [&](int offset) {
    SourceLocation at = where;
    if (at.line > 0) {
      const TextPosition in_text = source.locate(static_cast<size_t>(std::max(offset, 0)));
      at.line += in_text.line - 1;
      at.column = in_text.line == 1 ? at.column + in_text.column - 1 : in_text.column;
    }
    return at;
  });
}

Expr Expr::compile(std::string_view text, const Policy& policy,
                   const std::function<SourceLocation(int)>& locate) {
  return compile(text, policy, locate, true);
}

Expr Expr::compile_value(std::string_view text, const Policy& policy,
                         const std::function<SourceLocation(int)>& locate) {
  return compile(text, policy, locate, false);
}

Expr Expr::compile(std::string_view text, const Policy& policy,
                   const std::function<SourceLocation(int)>& locate, bool yes_no) {
  Expr out;
  try {
    Parser parser(text);
    AstPtr ast = parser.parse();
    ExprCompiler compiler(policy, out);
    ExprCompiler::Typed root = compiler.compile(*ast, 0);
    if (yes_no && root.type != ValueType::boolean) {
      compiler.fail(ast->offset, fmt::format("a condition must be yes/no, but this is a {}",
                                             type_name(root.type)));
    }
    compiler.finish();
    out.build_program();
  } catch (const Parser::ExprSyntaxError& e) {
    throw InputError(locate(e.offset), e.message);
  } catch (const ExprCompiler::TypeError& e) {
    throw InputError({Diagnostic{locate(e.offset), Severity::error, e.message, {}, e.code}});
  }
  return out;
}

bool Expr::is_constant_true() const {
  return m_nodes.empty() ||
         (m_nodes.size() == 1 && m_nodes[0].op == ExprNode::Op::constant && m_nodes[0].x != 0);
}

Tri Expr::eval_bool_by_tree(const EvalInput& in) const {
  if (m_nodes.empty()) {
    return Tri::yes;
  }
  const Value v = eval(static_cast<int>(m_nodes.size()) - 1, in, nullptr);
  return tri_of(v.known, v.x);
}

// Leaves answer directly; every other kind of node has its own function below.
Expr::Value Expr::eval(int index, const EvalInput& in, const ConvictionItem* item) const {
  const ExprNode& n = m_nodes[static_cast<size_t>(index)];
  using Op = ExprNode::Op;
  const auto q = static_cast<size_t>(n.q);
  switch (n.op) {
  case Op::constant: return {true, n.x};
  case Op::answer:
    if (!in.readable(n.q)) return {false, 0};
    return {true, in.slots[q].x};
  case Op::answered: return {true, in.readable(n.q) ? 1.0 : 0.0};
  case Op::field_category: return {true, static_cast<double>(item->category)};
  case Op::field_date: return {true, static_cast<double>(item->date)};
  case Op::and_:
  case Op::or_:
  case Op::not_: return eval_logic(n, in, item);
  case Op::eq:
  case Op::ne:
  case Op::lt:
  case Op::le:
  case Op::gt:
  case Op::ge: return eval_compare(n, in, item);
  case Op::in:
  case Op::not_in: return eval_membership(n, in, item);
  case Op::add_months: return eval_shift(n, in, item);
  case Op::any:
  case Op::count: return eval_list(n, in);
  case Op::is_drug: return eval_is_drug(n, in, item);
  case Op::years_between:
  case Op::months_between: return eval_between(n, in, item);
  }
  return {false, 0};
}

// Kleene's logic; the right side of `and`/`or` is not needed once the left decides.
Expr::Value Expr::eval_logic(const ExprNode& n, const EvalInput& in,
                             const ConvictionItem* item) const {
  const Value l = eval(n.a, in, item);
  const Tri left = tri_of(l.known, l.x);
  Tri result = Tri::unknown;
  if (n.op == ExprNode::Op::not_) {
    result = tri_not(left);
  } else if (n.op == ExprNode::Op::and_) {
    if (left == Tri::no) return {true, 0};
    const Value r = eval(n.b, in, item);
    result = tri_and(left, tri_of(r.known, r.x));
  } else {
    if (left == Tri::yes) return {true, 1};
    const Value r = eval(n.b, in, item);
    result = tri_or(left, tri_of(r.known, r.x));
  }
  return result == Tri::unknown ? Value{false, 0} : Value{true, result == Tri::yes ? 1.0 : 0.0};
}

// A comparison is unknown when either side is.
Expr::Value Expr::eval_compare(const ExprNode& n, const EvalInput& in,
                               const ConvictionItem* item) const {
  const Value l = eval(n.a, in, item);
  if (!l.known) return {false, 0};
  const Value r = eval(n.b, in, item);
  if (!r.known) return {false, 0};
  bool result = false;
  switch (n.op) {
  case ExprNode::Op::eq: result = l.x == r.x; break;
  case ExprNode::Op::ne: result = l.x != r.x; break;
  case ExprNode::Op::lt: result = l.x < r.x; break;
  case ExprNode::Op::le: result = l.x <= r.x; break;
  case ExprNode::Op::gt: result = l.x > r.x; break;
  default: result = l.x >= r.x; break;
  }
  return {true, result ? 1.0 : 0.0};
}

Expr::Value Expr::eval_membership(const ExprNode& n, const EvalInput& in,
                                  const ConvictionItem* item) const {
  const Value l = eval(n.a, in, item);
  if (!l.known) return {false, 0};
  const bool found = std::find(n.set.begin(), n.set.end(), l.x) != n.set.end();
  return {true, found == (n.op == ExprNode::Op::in) ? 1.0 : 0.0};
}

// A shift of months (or years) keeps anniversaries on the month's last day; one of days adds.
Expr::Value Expr::eval_shift(const ExprNode& n, const EvalInput& in,
                             const ConvictionItem* item) const {
  const Value l = eval(n.a, in, item);
  if (!l.known) return l;
  const auto d = static_cast<Days>(l.x);
  return {true, static_cast<double>(shifted_date(d, n.months, n.x))};
}

// any(): yes if one item's condition is yes; count(): unknown as soon as one item's is unknown.
Expr::Value Expr::eval_list(const ExprNode& n, const EvalInput& in) const {
  if (!in.readable(n.q)) return {false, 0};
  Tri any = Tri::no;
  double count = 0;
  for (const ConvictionItem& element : in.slots[static_cast<size_t>(n.q)].items) {
    const Value v = eval(n.a, in, &element);
    const Tri t = tri_of(v.known, v.x);
    any = tri_or(any, t);
    if (t == Tri::yes) {
      ++count;
    } else if (t == Tri::unknown && n.op == ExprNode::Op::count) {
      return {false, 0};
    }
  }
  if (n.op == ExprNode::Op::count) return {true, count};
  return any == Tri::unknown ? Value{false, 0} : Value{true, any == Tri::yes ? 1.0 : 0.0};
}

Expr::Value Expr::eval_is_drug(const ExprNode& n, const EvalInput& in,
                               const ConvictionItem* item) const {
  const Value l = eval(n.a, in, item);
  if (!l.known) return l;
  const auto i = static_cast<size_t>(l.x);
  return {true, i < m_drug.size() && m_drug[i] ? 1.0 : 0.0};
}

Expr::Value Expr::eval_between(const ExprNode& n, const EvalInput& in,
                               const ConvictionItem* item) const {
  const Value l = eval(n.a, in, item);
  const Value r = eval(n.b, in, item);
  if (!l.known || !r.known) return {false, 0};
  const auto from = static_cast<Days>(l.x);
  const auto to = static_cast<Days>(r.x);
  return {true,
          static_cast<double>(n.op == ExprNode::Op::years_between ? years_between(from, to)
                                                                  : months_between(from, to))};
}

bool Expr::subtree_equals(int node, const Expr& other, int other_node) const {
  if (node < 0 || other_node < 0) return node == other_node;
  const ExprNode& n = m_nodes[static_cast<size_t>(node)];
  const ExprNode& m = other.m_nodes[static_cast<size_t>(other_node)];
  return n == m && subtree_equals(n.a, other, m.a) && subtree_equals(n.b, other, m.b);
}

bool Expr::operator==(const Expr& other) const {
  if (m_nodes.empty() || other.m_nodes.empty()) return m_nodes.empty() == other.m_nodes.empty();
  return subtree_equals(static_cast<int>(m_nodes.size()) - 1, other,
                        static_cast<int>(other.m_nodes.size()) - 1);
}

} // namespace divert
