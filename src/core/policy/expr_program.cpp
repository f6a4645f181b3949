// SPDX-License-Identifier: Apache-2.0
// Conditions compiled to a postfix program (ExprStep) and its evaluator: the form every case of
// a batch evaluates, so it walks a flat array of steps over a small stack of values instead of
// recursing over the node tree. Expr::eval_bool_by_tree is the reference it must agree with.
#include "core/policy/expr.hpp"

#include <algorithm>
#include <array>

namespace divert {

// Walks the node tree once, root last, emitting each node's steps after its operands' (postfix),
// and counts how deep the value stack gets.
class ExprProgramBuilder {
public:
  explicit ExprProgramBuilder(Expr& expr) : m_expr(expr) {}

  void build() {
    m_expr.m_steps.clear();
    m_expr.m_set_values.clear();
    if (!m_expr.m_nodes.empty()) emit(static_cast<int>(m_expr.m_nodes.size()) - 1);
    m_expr.m_stack_size = m_most;
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

  void emit(int index) {
    const ExprNode& n = m_expr.m_nodes[static_cast<size_t>(index)];
    switch (n.op) {
    case Op::constant: m_expr.m_steps[step(Code::constant, 1)].x = n.x; return;
    case Op::answer: step(Code::answer, 1, n.q); return;
    case Op::answered: step(Code::answered, 1, n.q); return;
    case Op::field_category: step(Code::field_category, 1); return;
    case Op::field_date: step(Code::field_date, 1); return;
    case Op::and_: emit_logic(n, Code::skip_if_no, Code::and_); return;
    case Op::or_: emit_logic(n, Code::skip_if_yes, Code::or_); return;
    case Op::in:
    case Op::not_in: emit_membership(n); return;
    case Op::add_months: emit_shift(n); return;
    case Op::any:
    case Op::count: emit_list(n); return;
    default: emit_operation(n); return;
    }
  }

  // The left side, a skip past the right side when the left decides, the right side, the fold.
  void emit_logic(const ExprNode& n, Code skip, Code fold) {
    emit(n.a);
    const size_t jump = step(skip, 0);
    emit(n.b);
    step(fold, -1);
    m_expr.m_steps[jump].target = static_cast<int>(m_expr.m_steps.size());
  }

  // The literal list goes to the expression's shared table; the step keeps its range. An
  // answer's membership (`offense in [...]`) is one step.
  void emit_membership(const ExprNode& n) {
    const ExprNode& operand = m_expr.m_nodes[static_cast<size_t>(n.a)];
    size_t at = 0;
    if (operand.op == Op::answer) {
      at = step(n.op == Op::in ? Code::answer_in : Code::answer_not_in, 1, operand.q);
    } else {
      emit(n.a);
      at = step(n.op == Op::in ? Code::in : Code::not_in, 0);
    }
    ExprStep& s = m_expr.m_steps[at];
    s.set_begin = static_cast<std::uint32_t>(m_expr.m_set_values.size());
    s.set_count = static_cast<std::uint32_t>(n.set.size());
    m_expr.m_set_values.insert(m_expr.m_set_values.end(), n.set.begin(), n.set.end());
  }

  void emit_shift(const ExprNode& n) {
    emit(n.a);
    ExprStep& s = m_expr.m_steps[step(n.months != 0 ? Code::add_months : Code::add_days, 0)];
    s.months = n.months;
    s.x = n.x;
  }

  // The start step, the item's condition, and list_next, which jumps back to the condition for
  // the next item; the start step jumps past it all when there is no item to look at.
  void emit_list(const ExprNode& n) {
    const size_t start = step(n.op == Op::any ? Code::list_any : Code::list_count, 0, n.q);
    emit(n.a);
    const size_t next = step(Code::list_next, 0, n.q);
    m_expr.m_steps[next].target = static_cast<int>(start) + 1;
    m_expr.m_steps[start].target = static_cast<int>(next) + 1;
  }

  // Operands first, then the operation on them; an answer compared with a constant
  // (`outstanding_warrant == felony`, `age < 18`) is one step.
  void emit_operation(const ExprNode& n) {
    const ExprNode& left = m_expr.m_nodes[static_cast<size_t>(n.a)];
    const bool comparison = n.op >= Op::eq && n.op <= Op::ge;
    if (comparison && left.op == Op::answer &&
        m_expr.m_nodes[static_cast<size_t>(n.b)].op == Op::constant) {
      ExprStep& s = m_expr.m_steps[step(Code::answer_compare, 1, left.q)];
      s.compare = operation_code(n.op);
      s.x = m_expr.m_nodes[static_cast<size_t>(n.b)].x;
      return;
    }
    emit(n.a);
    if (n.b >= 0) emit(n.b);
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

template <typename V> V compare(ExprStep::Code code, const V& l, const V& r) {
  if (!l.known || !r.known) return V{false, 0};
  using Code = ExprStep::Code;
  bool result = false;
  switch (code) {
  case Code::eq: result = l.x == r.x; break;
  case Code::ne: result = l.x != r.x; break;
  case Code::lt: result = l.x < r.x; break;
  case Code::le: result = l.x <= r.x; break;
  case Code::gt: result = l.x > r.x; break;
  default: result = l.x >= r.x; break;
  }
  return V{true, result ? 1.0 : 0.0};
}

// The state of the one list being scanned (any() and count() do not nest).
struct ListScan {
  const ConvictionItem* at = nullptr;
  const ConvictionItem* end = nullptr;
  Tri any = Tri::no;
  double count = 0;
};

} // namespace

Tri Expr::eval_bool(const EvalInput& in) const {
  if (m_steps.empty()) return Tri::yes;
  // A condition that is one yes/no answer (`consents`) needs no stack.
  if (m_steps.size() == 1 && m_steps[0].code == ExprStep::Code::answer) {
    const auto q = static_cast<size_t>(m_steps[0].q);
    return in.visible[q] == Tri::yes && in.slots[q].present ? tri_of(true, in.slots[q].x)
                                                            : Tri::unknown;
  }
  // Conditions as written need a few values; only a pathological one spills to the heap.
  constexpr size_t k_local_stack = 32;
  std::array<Value, k_local_stack> local;
  std::vector<Value> spilled;
  Value* stack = local.data();
  if (m_stack_size > k_local_stack) {
    spilled.resize(m_stack_size);
    stack = spilled.data();
  }
  const Value v = run(in, stack);
  return tri_of(v.known, v.x);
}

// 1 when `x` is among the step's values and `wanted` says it should be, or it is not and should
// not be; else 0.
double Expr::member(const ExprStep& s, double x, bool wanted) const {
  const double* begin = m_set_values.data() + s.set_begin;
  const bool found = std::find(begin, begin + s.set_count, x) != begin + s.set_count;
  return found == wanted ? 1.0 : 0.0;
}

// One pass over the steps; a list's condition is passed over once per item by list_next's jump.
Expr::Value Expr::run(const EvalInput& in, Value* stack) const {
  using Code = ExprStep::Code;
  Value* top = stack - 1;
  ListScan scan;
  const ExprStep* const steps = m_steps.data();
  const auto readable = [&](int q) { return in.visible[q] == Tri::yes && in.slots[q].present; };
  const size_t count = m_steps.size();
  for (size_t pc = 0; pc < count; ++pc) {
    const ExprStep& s = steps[pc];
    switch (s.code) {
    case Code::constant: *++top = {true, s.x}; break;
    case Code::answer:
      *++top = readable(s.q) ? Value{true, in.slots[s.q].x} : Value{false, 0};
      break;
    case Code::answered: *++top = {true, readable(s.q) ? 1.0 : 0.0}; break;
    case Code::answer_compare:
      *++top = compare(s.compare, Value{readable(s.q), in.slots[s.q].x}, Value{true, s.x});
      break;
    case Code::answer_in:
    case Code::answer_not_in:
      *++top = readable(s.q) ? Value{true, in.slots[s.q].x} : Value{false, 0};
      if (top->known) top->x = member(s, top->x, s.code == Code::answer_in);
      break;
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
    case Code::in:
    case Code::not_in:
      if (top->known) top->x = member(s, top->x, s.code == Code::in);
      break;
    case Code::add_months:
      if (top->known) top->x = add_months(static_cast<Days>(top->x), s.months);
      break;
    case Code::add_days:
      if (top->known) top->x += s.x;
      break;
    case Code::is_drug:
      if (top->known) {
        const auto i = static_cast<size_t>(top->x);
        top->x = i < m_drug.size() && m_drug[i] ? 1.0 : 0.0;
      }
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
      if (!readable(s.q)) {
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
