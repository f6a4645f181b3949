// SPDX-License-Identifier: Apache-2.0
// Conditions compiled to a postfix program (ExprStep) and its evaluator: the form every case of
// a batch evaluates, so it walks a flat array of steps over a small stack of values instead of
// recursing over the node tree. Expr::eval_bool_by_tree is the reference it must agree with.
#include "core/policy/expr.hpp"

#include <algorithm>
#include <array>
#include <optional>

namespace divert {

// Walks the node tree once, root last, emitting each node's steps after its operands' (postfix),
// and counts how deep the value stack gets.
class ExprProgramBuilder {
public:
  explicit ExprProgramBuilder(Expr& expr) : m_expr(expr) {}

  void build() {
    m_expr.m_steps.clear();
    m_expr.m_atoms.clear();
    m_expr.m_groups.clear();
    m_expr.m_terms.clear();
    m_expr.m_set_values.clear();
    m_expr.m_set_bits.clear();
    // eval_bool takes the result as a truth.
    if (!m_expr.m_nodes.empty()) emit(static_cast<int>(m_expr.m_nodes.size()) - 1, true);
    m_expr.m_stack_size = m_most;
    build_logic();
  }

private:
  using Op = ExprNode::Op;
  using Code = ExprStep::Code;

  // `pushed` is what the step does to the stack: +1 a new value, 0 replaces the top, -1 folds
  // the top two into one.
  size_t step(Code code, int pushed, int q = -1) {
    ExprStep s;
    s.code = code;
    s.q = q;
    m_expr.m_steps.push_back(s);
    m_depth += pushed;
    m_most = std::max(m_most, static_cast<size_t>(m_depth));
    return m_expr.m_steps.size() - 1;
  }

  const ExprNode& node(int index) const { return m_expr.m_nodes[static_cast<size_t>(index)]; }

  // `truth`: the value is only ever taken as a truth (the condition itself, an operand of
  // and/or/not, a list's condition), so a yes/no answer can be tested as `!= 0`.
  void emit(int index, bool truth) {
    if (emit_answer_test(index, false, truth)) return;
    const ExprNode& n = node(index);
    switch (n.op) {
    case Op::constant: m_expr.m_steps[step(Code::constant, 1)].x = n.x; return;
    case Op::answer: step(Code::answer, 1, n.q); return;
    case Op::field_category: step(Code::field_category, 1); return;
    case Op::field_date: step(Code::field_date, 1); return;
    case Op::and_: emit_logic(n, Code::skip_if_no, Code::and_); return;
    case Op::or_: emit_logic(n, Code::skip_if_yes, Code::or_); return;
    case Op::not_:
      emit(n.a, true);
      step(Code::not_, 0);
      return;
    case Op::in:
    case Op::not_in: emit_membership(n); return;
    case Op::add_months: emit_shift(n); return;
    case Op::any:
    case Op::count: emit_list(n); return;
    default: emit_operation(n); return;
    }
  }

  // One step for a test of one answer (see ExprStep's answer tests), `not` folded in; false,
  // emitting nothing, when the node is not of that shape.
  bool emit_answer_test(int index, bool negate, bool truth) {
    ExprStep test;
    if (!answer_test(index, negate, truth, test)) return false;
    m_expr.m_steps[step(test.code, 1, test.q)] = test;
    return true;
  }

  // The answer test that node `index` is, negated when `negate`; false when it is not one.
  bool answer_test(int index, bool negate, bool truth, ExprStep& s) {
    const ExprNode& n = node(index);
    const bool on_answer = n.a >= 0 && node(n.a).op == Op::answer;
    s = ExprStep{};
    s.negate = negate;
    switch (n.op) {
    case Op::answer:
      if (!truth) return false;
      s.code = Code::answer_compare;
      s.q = n.q;
      s.compare = Code::ne;
      s.x = 0;
      return true;
    case Op::answered:
      s.code = Code::answered;
      s.q = n.q;
      return true;
    case Op::not_: return answer_test(n.a, !negate, true, s);
    case Op::eq:
    case Op::ne:
    case Op::lt:
    case Op::le:
    case Op::gt:
    case Op::ge:
      if (!on_answer) return between_test(n, s);
      if (node(n.b).op != Op::constant) return false;
      s.code = Code::answer_compare;
      s.q = node(n.a).q;
      s.compare = operation_code(n.op);
      s.x = node(n.b).x;
      return true;
    case Op::in:
    case Op::not_in:
      if (!on_answer) return false;
      s.code = Code::answer_in;
      s.q = node(n.a).q;
      s.negate = negate != (n.op == Op::not_in);
      add_set(s, n.set);
      return true;
    case Op::is_drug:
      if (!on_answer) return false;
      s.code = Code::answer_is_drug;
      s.q = node(n.a).q;
      return true;
    case Op::any: return list_test(n, s);
    default: return false;
    }
  }

  // `years_between(a, b) < 18` (an age limit), `months_between(a, b) <= 6`, on two answers.
  bool between_test(const ExprNode& n, ExprStep& s) {
    const ExprNode& between = node(n.a);
    if ((between.op != Op::years_between && between.op != Op::months_between) ||
        node(between.a).op != Op::answer || node(between.b).op != Op::answer ||
        node(n.b).op != Op::constant) {
      return false;
    }
    s.code = between.op == Op::years_between ? Code::years_compare : Code::months_compare;
    s.q = node(between.a).q;
    s.q2 = node(between.b).q;
    s.compare = operation_code(n.op);
    s.x = node(n.b).x;
    return true;
  }

  // `any(list, category in [...])`, and the same `and date > answer - 10 years` (a look-back
  // window), `==`/`!=` taken as a list of one.
  bool list_test(const ExprNode& n, ExprStep& s) {
    const ExprNode* membership = &node(n.a);
    const ExprNode* window = nullptr;
    if (membership->op == Op::and_) {
      window = &node(membership->b);
      membership = &node(membership->a);
    }
    const bool by_list = membership->op == Op::in || membership->op == Op::not_in;
    const bool by_one = (membership->op == Op::eq || membership->op == Op::ne) &&
                        node(membership->b).op == Op::constant;
    if (!(by_list || by_one) || node(membership->a).op != Op::field_category) return false;
    if (window != nullptr) {
      if (window->op < Op::eq || window->op > Op::ge || node(window->a).op != Op::field_date) {
        return false;
      }
      const ExprNode* since = &node(window->b);
      if (since->op == Op::add_months) {
        s.months = since->months;
        s.x = since->x;
        since = &node(since->a);
      }
      if (since->op != Op::answer) return false;
      s.q2 = since->q;
      s.compare = operation_code(window->op);
    }
    s.code = window != nullptr ? Code::list_any_in_dated : Code::list_any_in;
    s.q = n.q;
    s.item_negate = membership->op == Op::not_in || membership->op == Op::ne;
    add_set(s, by_list ? membership->set : std::vector<double>{node(membership->b).x});
    return true;
  }

  // The logic form (Expr::m_groups) of a condition that is answer tests joined by and/or; none
  // for any other shape, or for one test alone (the program is then that one step).
  // A condition of another shape leaves nothing behind, not even the sets its tests added.
  void build_logic() {
    const size_t set_values = m_expr.m_set_values.size();
    const size_t set_bits = m_expr.m_set_bits.size();
    int root = 0;
    if (!m_expr.m_nodes.empty() &&
        logic_term(static_cast<int>(m_expr.m_nodes.size()) - 1, false, root) && root < 0) {
      m_expr.m_logic_root = ~root;
      return;
    }
    m_expr.m_logic_root = -1;
    m_expr.m_atoms.clear();
    m_expr.m_groups.clear();
    m_expr.m_terms.clear();
    m_expr.m_set_values.resize(set_values);
    m_expr.m_set_bits.resize(set_bits);
  }

  // Node `index` (negated when `negate`) as a term: an answer test, or a group of the terms of
  // a chain of the same operator (`a and b and c` is one group of three).
  bool logic_term(int index, bool negate, int& term) {
    const ExprNode& n = node(index);
    if (n.op == Op::not_) return logic_term(n.a, !negate, term);
    if (n.op == Op::and_ || n.op == Op::or_) {
      std::vector<int> terms;
      if (!gather_terms(index, n.op, negate, terms)) return false;
      LogicGroup group{(n.op == Op::and_) != negate,
                       static_cast<std::uint32_t>(m_expr.m_terms.size()),
                       static_cast<std::uint32_t>(terms.size())};
      m_expr.m_terms.insert(m_expr.m_terms.end(), terms.begin(), terms.end());
      m_expr.m_groups.push_back(group);
      term = ~static_cast<int>(m_expr.m_groups.size() - 1);
      return true;
    }
    ExprStep test;
    if (!answer_test(index, negate, true, test)) return false;
    m_expr.m_atoms.push_back(test);
    term = static_cast<int>(m_expr.m_atoms.size() - 1);
    return true;
  }

  bool gather_terms(int index, Op op, bool negate, std::vector<int>& terms) {
    for (const int child : {node(index).a, node(index).b}) {
      if (node(child).op == op) {
        if (!gather_terms(child, op, negate, terms)) return false;
        continue;
      }
      int term = 0;
      if (!logic_term(child, negate, term)) return false;
      terms.push_back(term);
    }
    return true;
  }

  using LogicGroup = Expr::LogicGroup;

  // The left side, a skip past the right side when the left decides, the right side, the fold.
  void emit_logic(const ExprNode& n, Code skip, Code fold) {
    emit(n.a, true);
    const size_t jump = step(skip, 0);
    emit(n.b, true);
    step(fold, -1);
    m_expr.m_steps[jump].target = static_cast<int>(m_expr.m_steps.size());
  }

  // Membership of a list item's category is one step (an answer's is an answer test).
  void emit_membership(const ExprNode& n) {
    size_t at = 0;
    if (node(n.a).op == Op::field_category) {
      at = step(Code::category_in, 1);
    } else {
      emit(n.a, false);
      at = step(Code::in, 0);
    }
    m_expr.m_steps[at].negate = n.op == Op::not_in;
    add_set(m_expr.m_steps[at], n.set);
  }

  // The literal list goes to the expression's shared table, and to its bitsets when every value
  // is a small whole number (any choice list): membership is then one bit, not a search.
  void add_set(ExprStep& s, const std::vector<double>& set) {
    s.set_begin = static_cast<std::uint32_t>(m_expr.m_set_values.size());
    s.set_count = static_cast<std::uint32_t>(set.size());
    m_expr.m_set_values.insert(m_expr.m_set_values.end(), set.begin(), set.end());
    constexpr double k_most_bits = 4096;
    const bool small_whole = std::all_of(set.begin(), set.end(), [&](double v) {
      return v >= 0 && v < k_most_bits && v == static_cast<double>(static_cast<size_t>(v));
    });
    if (set.empty() || !small_whole) return;
    const auto most = static_cast<size_t>(*std::max_element(set.begin(), set.end()));
    s.bit_begin = static_cast<std::uint32_t>(m_expr.m_set_bits.size());
    s.bit_words = static_cast<std::uint32_t>(most / 64 + 1);
    m_expr.m_set_bits.resize(m_expr.m_set_bits.size() + s.bit_words, 0);
    for (const double v : set) {
      const auto bit = static_cast<size_t>(v);
      m_expr.m_set_bits[s.bit_begin + bit / 64] |= std::uint64_t{1} << (bit % 64);
    }
  }

  void emit_shift(const ExprNode& n) {
    emit(n.a, false);
    ExprStep& s = m_expr.m_steps[step(n.months != 0 ? Code::add_months : Code::add_days, 0)];
    s.months = n.months;
    s.x = n.x;
  }

  // The start step, the item's condition, and list_next, which jumps back to the condition for
  // the next item; the start step jumps past it all when there is no item to look at.
  void emit_list(const ExprNode& n) {
    const size_t start = step(n.op == Op::any ? Code::list_any : Code::list_count, 0, n.q);
    emit(n.a, true);
    const size_t next = step(Code::list_next, 0, n.q);
    m_expr.m_steps[next].target = static_cast<int>(start) + 1;
    m_expr.m_steps[start].target = static_cast<int>(next) + 1;
  }

  // Operands first, then the operation on them; a comparison with a constant (`age < 18`) is
  // one step after its left side.
  void emit_operation(const ExprNode& n) {
    const bool comparison = n.op >= Op::eq && n.op <= Op::ge;
    emit(n.a, false);
    if (comparison && node(n.b).op == Op::constant) {
      ExprStep& s = m_expr.m_steps[step(Code::compare_constant, 0)];
      s.compare = operation_code(n.op);
      s.x = node(n.b).x;
      return;
    }
    if (n.b >= 0) emit(n.b, false);
    step(operation_code(n.op), n.b >= 0 ? -1 : 0);
  }

  static Code operation_code(Op op) {
    switch (op) {
    case Op::not_: return Code::not_;
    case Op::eq: return Code::eq;
    case Op::ne: return Code::ne;
    case Op::lt: return Code::lt;
    case Op::le: return Code::le;
    case Op::gt: return Code::gt;
    case Op::ge: return Code::ge;
    case Op::is_drug: return Code::is_drug;
    case Op::years_between: return Code::years_between;
    default: return Code::months_between;
    }
  }

  Expr& m_expr;
  int m_depth = 0;
  size_t m_most = 0;
};

void Expr::build_program() { ExprProgramBuilder(*this).build(); }

namespace {

template <typename V> V from_truth(Tri t) {
  return t == Tri::unknown ? V{false, 0} : V{true, t == Tri::yes ? 1.0 : 0.0};
}

// A comparison is unknown when either side is.
template <typename V> V compare(ExprStep::Code comparison, const V& l, const V& r) {
  if (!l.known || !r.known) return V{false, 0};
  return V{true, comparison_holds(comparison, l.x, r.x) ? 1.0 : 0.0};
}

// The state of the one list being scanned (any() and count() do not nest).
struct ListScan {
  const ConvictionItem* at = nullptr;
  const ConvictionItem* end = nullptr;
  Tri any = Tri::no;
  double count = 0;
};

} // namespace

// What eval_list and eval_between make of the same nodes: unknown while an answer read is
// (for a look-back window, only the items whose category counts need the date), else any()
// is yes when some item holds; an item's category and date are always known.
Tri Expr::compound_truth(const ExprStep& s, const EvalInput& in) const {
  using Code = ExprStep::Code;
  if (!in.readable(s.q)) return Tri::unknown;
  const Slot& slot = in.slots[s.q];
  Tri truth = Tri::no;
  switch (s.code) {
  case Code::years_compare:
  case Code::months_compare: {
    if (!in.readable(s.q2)) return Tri::unknown;
    const auto from = static_cast<Days>(slot.x);
    const auto to = static_cast<Days>(in.slots[s.q2].x);
    const int between =
        s.code == Code::years_compare ? years_between(from, to) : months_between(from, to);
    truth = comparison_holds(s.compare, between, s.x) ? Tri::yes : Tri::no;
    break;
  }
  case Code::list_any_in:
    for (const ConvictionItem& item : slot.items) {
      if (member(s, item.category) != s.item_negate) {
        truth = Tri::yes;
        break;
      }
    }
    break;
  default: {
    const bool dated = in.readable(s.q2);
    // The window's start costs a calendar conversion: worked out at the first item it bounds
    // (most people have no disqualifying conviction to compare).
    std::optional<Days> since;
    for (const ConvictionItem& item : slot.items) {
      if (member(s, item.category) == s.item_negate) continue;
      if (!dated) {
        truth = Tri::unknown;
        continue;
      }
      if (!since) since = shifted_date(static_cast<Days>(in.slots[s.q2].x), s.months, s.x);
      if (comparison_holds(s.compare, item.date, *since)) {
        truth = Tri::yes;
        break;
      }
    }
    break;
  }
  }
  if (truth == Tri::unknown) return truth;
  return (truth == Tri::yes) != s.negate ? Tri::yes : Tri::no;
}

// Conditions as written need a few values; only a pathological one spills to the heap.
Tri Expr::eval_program(const EvalInput& in) const {
  if (m_steps.empty()) return Tri::yes;
  constexpr size_t k_local_stack = 32;
  if (m_stack_size > k_local_stack) return run_on_heap(in);
  std::array<Value, k_local_stack> stack;
  const Value v = run(in, stack.data());
  return tri_of(v.known, v.x);
}

Tri Expr::run_on_heap(const EvalInput& in) const {
  std::vector<Value> stack(m_stack_size);
  const Value v = run(in, stack.data());
  return tri_of(v.known, v.x);
}

// One pass over the steps; a list's condition is passed over once per item by list_next's jump.
Expr::Value Expr::run(const EvalInput& in, Value* stack) const {
  using Code = ExprStep::Code;
  Value* top = stack - 1;
  ListScan scan;
  const ExprStep* const steps = m_steps.data();
  const size_t count = m_steps.size();
  for (size_t pc = 0; pc < count; ++pc) {
    const ExprStep& s = steps[pc];
    switch (s.code) {
    case Code::constant: *++top = {true, s.x}; break;
    case Code::answer:
      *++top = in.readable(s.q) ? Value{true, in.slots[s.q].x} : Value{false, 0};
      break;
    case Code::answered:
    case Code::answer_compare:
    case Code::answer_in:
    case Code::answer_is_drug:
    case Code::years_compare:
    case Code::months_compare:
    case Code::list_any_in:
    case Code::list_any_in_dated: *++top = from_truth<Value>(atom_truth(s, in)); break;
    case Code::field_category: *++top = {true, static_cast<double>(scan.at->category)}; break;
    case Code::field_date: *++top = {true, static_cast<double>(scan.at->date)}; break;
    case Code::skip_if_no:
      if (top->known && top->x == 0) pc = static_cast<size_t>(s.target) - 1;
      break;
    case Code::skip_if_yes:
      if (top->known && top->x != 0) {
        *top = {true, 1};
        pc = static_cast<size_t>(s.target) - 1;
      }
      break;
    case Code::and_:
      --top;
      *top = from_truth<Value>(
          tri_and(tri_of(top[0].known, top[0].x), tri_of(top[1].known, top[1].x)));
      break;
    case Code::or_:
      --top;
      *top =
          from_truth<Value>(tri_or(tri_of(top[0].known, top[0].x), tri_of(top[1].known, top[1].x)));
      break;
    case Code::not_: *top = from_truth<Value>(tri_not(tri_of(top->known, top->x))); break;
    case Code::eq:
    case Code::ne:
    case Code::lt:
    case Code::le:
    case Code::gt:
    case Code::ge:
      --top;
      *top = compare(s.code, top[0], top[1]);
      break;
    case Code::compare_constant: *top = compare(s.compare, *top, Value{true, s.x}); break;
    case Code::in:
      if (top->known) top->x = member(s, top->x) != s.negate ? 1.0 : 0.0;
      break;
    case Code::category_in:
      *++top = {true, member(s, scan.at->category) != s.negate ? 1.0 : 0.0};
      break;
    case Code::add_months:
      if (top->known) top->x = add_months(static_cast<Days>(top->x), s.months);
      break;
    case Code::add_days:
      if (top->known) top->x += s.x;
      break;
    case Code::is_drug:
      if (top->known) top->x = drug_offense(top->x) ? 1.0 : 0.0;
      break;
    case Code::years_between:
    case Code::months_between:
      --top;
      if (top[0].known && top[1].known) {
        const auto from = static_cast<Days>(top[0].x);
        const auto to = static_cast<Days>(top[1].x);
        top->x = s.code == Code::years_between ? years_between(from, to) : months_between(from, to);
      } else {
        *top = {false, 0};
      }
      break;
    case Code::list_any:
    case Code::list_count:
      if (!in.readable(s.q)) {
        *++top = {false, 0};
        pc = static_cast<size_t>(s.target) - 1;
        break;
      }
      scan = {in.slots[s.q].items.data(), in.slots[s.q].items.data() + in.slots[s.q].items.size(),
              Tri::no, 0};
      if (scan.at == scan.end) {
        *++top = {true, 0}; // no item: any() is no, count() is 0
        pc = static_cast<size_t>(s.target) - 1;
      }
      break;
    case Code::list_next: {
      const Tri t = tri_of(top->known, top->x);
      const bool counting = steps[s.target - 1].code == Code::list_count;
      scan.any = tri_or(scan.any, t);
      if (t == Tri::yes) ++scan.count;
      if (t == Tri::unknown && counting) {
        *top = {false, 0};
        break;
      }
      if (++scan.at != scan.end) {
        --top;
        pc = static_cast<size_t>(s.target) - 1;
        break;
      }
      *top = counting ? Value{true, scan.count} : from_truth<Value>(scan.any);
      break;
    }
    }
  }
  return *top;
}

} // namespace divert
