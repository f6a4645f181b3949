// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/base/dates.hpp"
#include "core/base/error.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace divert {

struct Policy;

// Three-valued truth (Kleene): a rule may be true, false, or not yet decidable.
enum class Tri : std::uint8_t { no = 0, yes = 1, unknown = 2 };
inline Tri tri_and(Tri a, Tri b) {
  if (a == Tri::no || b == Tri::no) return Tri::no;
  if (a == Tri::unknown || b == Tri::unknown) return Tri::unknown;
  return Tri::yes;
}
inline Tri tri_or(Tri a, Tri b) {
  if (a == Tri::yes || b == Tri::yes) return Tri::yes;
  if (a == Tri::unknown || b == Tri::unknown) return Tri::unknown;
  return Tri::no;
}
inline Tri tri_not(Tri a) { return a == Tri::unknown ? a : (a == Tri::yes ? Tri::no : Tri::yes); }

// The static type of an expression, checked when a policy loads.
enum class ValueType : std::uint8_t { boolean, number, date, choice, list, text, none };

struct ConvictionItem {
  int category = -1;
  Days date = 0;
};

// One question's answer laid out flat: numbers, dates (days), choices (value index) and
// bools (0/1) all live in `x`, so the evaluator never allocates or branches on strings.
struct Slot {
  bool present = false;
  double x = 0;
  std::vector<ConvictionItem> items; // convictions
  std::string text;                  // text questions
};

// What the evaluator reads: the answers, with those whose ask-condition is not true hidden.
struct EvalInput {
  const Slot* slots = nullptr;
  const Tri* visible = nullptr; // per question: yes = readable
};

struct ExprNode {
  enum class Op : std::uint8_t {
    constant, // x (bool, number, date or choice index)
    answer,   // question q
    field_category,
    field_date,
    and_,
    or_,
    not_,
    eq,
    ne,
    lt,
    le,
    gt,
    ge,
    in,
    not_in,
    add_months, // child a, months in `months`
    any,        // list question q, condition child a
    count,      // list question q, condition child a
    is_drug,    // choice child a of the offense question
    years_between,
    months_between,
    answered, // question q has an answer while its ask-condition holds; always known
  };
  Op op = Op::constant;
  ValueType type = ValueType::none;
  int q = -1;         // question index (answer, any, count, is_drug's value table)
  int a = -1, b = -1; // children
  int months = 0;
  double x = 0;
  std::vector<double> set; // `in`: the literal list
  int offset = 0;          // byte offset in the source text, for messages
  // A comparison written in this condition's own text: its bytes [begin, end), both operands
  // included (for lint's messages); -1 for everything else, and inside derived values.
  int begin = -1, end = -1;
  // The root of a derived value's expression inlined here: its index in Policy::derived.
  int derived = -1;

  // The same operation on the same operands (children aside: they are indices into a node
  // vector, compared as subtrees by Expr::operator==; the source offset aside).
  bool operator==(const ExprNode& other) const {
    return op == other.op && type == other.type && q == other.q && months == other.months &&
           x == other.x && set == other.set;
  }
};

// A compiled condition: nodes in a flat vector, root last. An empty Expr is "always true".
class Expr {
public:
  bool empty() const { return m_nodes.empty(); }
  Tri eval_bool(const EvalInput& in) const;
  const std::vector<int>& reads() const { return m_reads; }
  bool is_constant_true() const;
  const std::vector<ExprNode>& nodes() const { return m_nodes; }

  // Whether two conditions compute the same thing node for node, wherever their nodes sit.
  bool operator==(const Expr& other) const;
  // The same for the subtree rooted at `node` here and at `other_node` in `other`.
  bool subtree_equals(int node, const Expr& other, int other_node) const;

  // Compiles `text` against the questions of `policy`; the result must be yes/no. Throws
  // InputError at the offending byte, counted from `where` (the text's first byte).
  static Expr compile(std::string_view text, const Policy& policy, SourceLocation where);
  // The same, with `locate` mapping a byte offset in `text` to its place in the file (for
  // conditions folded over several lines).
  static Expr compile(std::string_view text, const Policy& policy,
                      const std::function<SourceLocation(int)>& locate);
  // A derived value's expression, which may be of any type (an age, a date): checked as a
  // condition is, without the yes/no requirement.
  static Expr compile_value(std::string_view text, const Policy& policy,
                            const std::function<SourceLocation(int)>& locate);

private:
  friend class ExprCompiler;
  static Expr compile(std::string_view text, const Policy& policy,
                      const std::function<SourceLocation(int)>& locate, bool yes_no);
  struct Value {
    bool known;
    double x;
  };
  Value eval(int node, const EvalInput& in, const ConvictionItem* item) const;

  std::vector<ExprNode> m_nodes;
  std::vector<int> m_reads; // sorted, unique question indices
  std::vector<bool> m_drug; // is_drug: per offense value
};

} // namespace divert
