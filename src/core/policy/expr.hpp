// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/base/dates.hpp"
#include "core/base/error.hpp"

#include <algorithm>
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
// An evaluated value as a truth: unknown unless known, else yes for anything but 0.
inline Tri tri_of(bool known, double x) {
  return known ? (x != 0 ? Tri::yes : Tri::no) : Tri::unknown;
}

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
  const Tri* visible = nullptr; // per question: yes = asked

  // Whether question q's answer may be read: asked, and given.
  bool readable(int q) const { return visible[q] == Tri::yes && slots[q].present; }
};

// A date shifted by whole months (anniversaries kept on the month's last day) or else by days.
inline Days shifted_date(Days day, int months, double days) {
  return months != 0 ? add_months(day, months) : day + static_cast<Days>(days);
}

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

// One step of a condition compiled to a postfix program over a stack of values (see
// Expr::eval_bool): every batch case evaluates every rule, so the evaluator walks a flat array
// instead of recursing over the tree. `and`/`or` skip their right side as the tree does, and a
// list's condition runs once per item by jumping back, never by a nested call.
struct ExprStep {
  enum class Code : std::uint8_t {
    constant,       // push x
    answer,         // push question q's answer, unknown when hidden or not given
    field_category, // push the current list item's category
    field_date,     // push the current list item's date
    skip_if_no,     // `and`: a known "no" on top is the result; go to `target`
    skip_if_yes,    // `or`: a known "yes" on top is the result; go to `target`
    and_,
    or_,
    not_,
    eq,
    ne,
    lt,
    le,
    gt,
    ge,
    compare_constant, // the top `compare` x: `age < 18`, one step instead of two
    in,               // the top is one of the values (see Expr::member); `negate`: none of them
    category_in,      // push whether the current list item's category is one of the values
    add_months,
    add_days,
    is_drug,
    years_between,
    months_between,
    list_any,   // start any(q, ...): the items' condition follows; `target` is past list_next
    list_count, // start count(q, ...), the same
    list_next,  // fold the item's result; back to `target` for the next item, else push the total
    // Tests of one answer, each pushing a truth (see Expr::atom_truth). Most conditions are one
    // of these (`consents`, `not amenable`, `capacity != open`, `offense in [...]`), and then
    // need no program at all. `negate` folds a `not` in.
    answered,       // whether question q is answered and asked; always known
    answer_compare, // question q's answer `compare` x (eq ... ge); a yes/no answer is `!= 0`
    answer_in,      // question q's answer is one of the values (as `in`)
    answer_is_drug, // question q's answer is a drug offense (as is_drug)
    // Tests that read a list's items or two answers (see Expr::compound_truth), for the rules
    // every LEAD policy has: an age limit and disqualifying convictions, with or without a
    // look-back window. `negate` folds a `not` in; unknown while an answer read is.
    years_compare,  // years_between(q, q2) `compare` x
    months_compare, // months_between(q, q2) `compare` x
    list_any_in,    // any(q, category in the values); `item_negate`: not in
    // any(q, category in the values and date `compare` (q2 shifted by `months`, or x days))
    list_any_in_dated,
  };
  Code code = Code::constant;
  Code compare = Code::eq; // answer_compare, compare_constant: the comparison
  bool negate = false;     // answer tests, `in`, category_in: the opposite truth
  int q = -1;
  int q2 = -1;              // the second answer of years_compare, months_compare, list_any_in_dated
  bool item_negate = false; // list_any_in(_dated): an item's category is in none of the values
  int target = -1;
  int months = 0;
  double x = 0;
  // Membership: the literal list as values [set_begin, set_begin + set_count) of the shared
  // table, and, when every value is a small whole number (choice values are their index), also
  // as a bitset of bit_words words from bit_begin on (bit_words 0: none).
  std::uint32_t set_begin = 0, set_count = 0;
  std::uint32_t bit_begin = 0, bit_words = 0;
};

// A compiled condition: nodes in a flat vector, root last, and the same as a postfix program
// (the form that is evaluated). An empty Expr is "always true".
class Expr {
public:
  bool empty() const { return m_nodes.empty(); }
  // Evaluates the compiled program.
  Tri eval_bool(const EvalInput& in) const;
  // Evaluates the node tree directly: the reference the program is tested against.
  Tri eval_bool_by_tree(const EvalInput& in) const;
  const std::vector<int>& reads() const { return m_reads; }
  // The condition's one test of answers when it is only that, else null; `test_truth` runs it
  // or a copy of it (the evaluator folds a require rule's `not` into the copy's `negate`).
  const ExprStep* single_test() const { return is_one_test() ? m_steps.data() : nullptr; }
  Tri test_truth(const ExprStep& test, const EvalInput& in) const { return atom_truth(test, in); }
  // Whether eval_bool runs the stack program, rather than one test or groups of tests.
  bool runs_program() const { return !m_steps.empty() && !is_one_test() && m_logic_root < 0; }
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
  friend class ExprProgramBuilder;
  static Expr compile(std::string_view text, const Policy& policy,
                      const std::function<SourceLocation(int)>& locate, bool yes_no);
  struct Value {
    bool known;
    double x;
  };
  // The tree evaluator, one function per kind of node.
  Value eval(int node, const EvalInput& in, const ConvictionItem* item) const;
  Value eval_logic(const ExprNode& n, const EvalInput& in, const ConvictionItem* item) const;
  Value eval_compare(const ExprNode& n, const EvalInput& in, const ConvictionItem* item) const;
  Value eval_membership(const ExprNode& n, const EvalInput& in, const ConvictionItem* item) const;
  Value eval_shift(const ExprNode& n, const EvalInput& in, const ConvictionItem* item) const;
  Value eval_list(const ExprNode& n, const EvalInput& in) const;
  Value eval_is_drug(const ExprNode& n, const EvalInput& in, const ConvictionItem* item) const;
  Value eval_between(const ExprNode& n, const EvalInput& in, const ConvictionItem* item) const;
  // Compiles m_nodes into m_steps (after the type checker has built the tree).
  void build_program();
  // The program evaluator, on a stack of at least m_stack_size values.
  Value run(const EvalInput& in, Value* stack) const;
  Tri eval_program(const EvalInput& in) const;
  Tri run_on_heap(const EvalInput& in) const;
  Tri atom_truth(const ExprStep& s, const EvalInput& in) const;
  Tri compound_truth(const ExprStep& s, const EvalInput& in) const;
  Tri eval_group(size_t group, const EvalInput& in) const;
  bool member(const ExprStep& s, double x) const;
  // Whether the condition is a single test of answers, evaluated without a program.
  bool is_one_test() const {
    return m_steps.size() == 1 && m_steps[0].code >= ExprStep::Code::answered;
  }
  bool drug_offense(double x) const;

  std::vector<ExprNode> m_nodes;
  std::vector<int> m_reads; // sorted, unique question indices
  std::vector<bool> m_drug; // is_drug: per offense value
  std::vector<ExprStep> m_steps;
  std::vector<double> m_set_values;      // the literal lists of `in` steps, one after the other
  std::vector<std::uint64_t> m_set_bits; // the same lists as bitsets, where they can be
  size_t m_stack_size = 0;               // the most values the program holds at once
  // The same condition as groups of answer tests where it is only that: answer tests joined by
  // `and`/`or` at any depth (`not` pushed down to the tests by De Morgan, which Kleene's logic
  // keeps). A group is evaluated straight through its tests, with no stack and no dispatch on
  // steps. A term is an index into m_atoms, or ~index into m_groups; m_logic_root is -1 when
  // the condition has another shape.
  struct LogicGroup {
    bool all;                   // and: every term; or: any term
    std::uint32_t begin, count; // its terms in m_terms
  };
  std::vector<ExprStep> m_atoms;
  std::vector<LogicGroup> m_groups;
  std::vector<int> m_terms;
  int m_logic_root = -1;
};

// Inline below: a batch case evaluates some thirty conditions, most of them one answer test,
// and a call per condition would cost about as much as the test itself.

inline bool comparison_holds(ExprStep::Code comparison, double l, double r) {
  using Code = ExprStep::Code;
  switch (comparison) {
  case Code::eq: return l == r;
  case Code::ne: return l != r;
  case Code::lt: return l < r;
  case Code::le: return l <= r;
  case Code::gt: return l > r;
  default: return l >= r;
  }
}

inline Tri Expr::eval_bool(const EvalInput& in) const {
  if (is_one_test()) return atom_truth(m_steps[0], in);
  if (m_logic_root >= 0) return eval_group(static_cast<size_t>(m_logic_root), in);
  return eval_program(in);
}

// A known "no" decides an `and` group, a known "yes" an `or` group; else the group is unknown
// if any term is (Kleene), the tests having no effects that would make skipping them show.
inline Tri Expr::eval_group(size_t group, const EvalInput& in) const {
  const LogicGroup& g = m_groups[group];
  const Tri decides = g.all ? Tri::no : Tri::yes;
  Tri result = g.all ? Tri::yes : Tri::no;
  const int* term = m_terms.data() + g.begin;
  for (const int* end = term + g.count; term != end; ++term) {
    const Tri t = *term >= 0 ? atom_truth(m_atoms[static_cast<size_t>(*term)], in)
                             : eval_group(static_cast<size_t>(~*term), in);
    if (t == decides) return t;
    if (t == Tri::unknown) result = Tri::unknown;
  }
  return result;
}

// A test of one answer: unknown while the answer is hidden or not given, except answered(),
// which asks just that.
inline Tri Expr::atom_truth(const ExprStep& s, const EvalInput& in) const {
  using Code = ExprStep::Code;
  if (s.code >= Code::years_compare) return compound_truth(s, in);
  const Slot& slot = in.slots[s.q];
  const bool readable = in.readable(s.q);
  bool truth = readable;
  if (s.code != Code::answered) {
    if (!readable) return Tri::unknown;
    switch (s.code) {
    case Code::answer_compare: truth = comparison_holds(s.compare, slot.x, s.x); break;
    case Code::answer_in: truth = member(s, slot.x); break;
    default: truth = drug_offense(slot.x); break;
    }
  }
  return truth != s.negate ? Tri::yes : Tri::no;
}

// Whether `x` is one of the step's values: one bit where the values are small whole numbers
// (`x` then is one of them only if it is a whole number in the bitset's range), else a search.
inline bool Expr::member(const ExprStep& s, double x) const {
  if (s.bit_words > 0) {
    if (!(x >= 0 && x < 64.0 * s.bit_words)) return false;
    const auto i = static_cast<size_t>(x);
    return static_cast<double>(i) == x && ((m_set_bits[s.bit_begin + i / 64] >> (i % 64)) & 1) != 0;
  }
  const double* begin = m_set_values.data() + s.set_begin;
  const double* end = begin + s.set_count;
  return std::find(begin, end, x) != end;
}

inline bool Expr::drug_offense(double x) const {
  const auto i = static_cast<size_t>(x);
  return i < m_drug.size() && m_drug[i];
}

} // namespace divert
