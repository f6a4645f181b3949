// SPDX-License-Identifier: Apache-2.0
// The compiled form of a condition (the postfix program every case evaluates) against the node
// tree it was compiled from: the same truth for every condition of every shipped policy on
// random answers, and for random conditions built from every kind of node, with answers
// missing, hidden and still undecided.
#include "core/base/dates.hpp"
#include "core/policy/expr.hpp"

#include "../test_support.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

using namespace divert;
using divert::testing::load_shipped;

namespace {

const char* name(Tri t) { return t == Tri::yes ? "yes" : t == Tri::no ? "no" : "unknown"; }

// Random answers for every question: about a third missing, some hidden or undecided by their
// ask-condition, lists of 0-3 convictions, dates in a span that crosses the rules' cut-offs.
struct RandomCase {
  const Policy& policy;
  std::mt19937 random;
  std::vector<Slot> slots;
  std::vector<Tri> visible;

  RandomCase(const Policy& p, unsigned seed)
      : policy(p), random(seed), slots(p.questions.size()), visible(p.questions.size()) {}

  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random); }
  double day() { return *parse_date("1990-01-01") + pick(365 * 36); }

  void draw() {
    for (size_t q = 0; q < slots.size(); ++q) {
      const Question& question = policy.questions[q];
      Slot& s = slots[q];
      s = Slot{};
      visible[q] = pick(8) == 0 ? Tri::no : pick(8) == 0 ? Tri::unknown : Tri::yes;
      if (pick(3) == 0) continue;
      s.present = true;
      switch (question.type) {
      case QuestionType::boolean: s.x = pick(2); break;
      case QuestionType::choice: s.x = pick(static_cast<int>(question.values.size())); break;
      case QuestionType::number: s.x = pick(80) / 2.0; break; // halves: no whole-number shortcut
      case QuestionType::integer: s.x = pick(40); break;
      case QuestionType::date: s.x = day(); break;
      case QuestionType::convictions:
        for (int n = pick(4); n > 0; --n) {
          s.items.push_back(
              {pick(static_cast<int>(question.categories.size())), static_cast<Days>(day())});
        }
        break;
      case QuestionType::text: s.text = "x"; break;
      }
    }
  }

  void check(const Expr& expr, const std::string& text) {
    const EvalInput in{slots.data(), visible.data()};
    CAPTURE(text);
    const Tri tree = expr.eval_bool_by_tree(in);
    const Tri program = expr.eval_bool(in);
    CAPTURE(name(tree));
    CHECK(program == tree);
  }
};

// Random conditions over the vocabulary, every kind of node, nested a few levels.
struct RandomCondition {
  std::mt19937& random;
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random); }

  std::string truth(int depth) {
    static const char* const leaves[] = {
        "consents",
        "in_area",
        "not amenable",
        "answered(prior_diversions)",
        "offense in [drug_possession, theft_3, disorderly_conduct]",
        "offense not in [drug_possession]",
        "pathway == arrest_diversion",
        "outstanding_warrant != none",
        "is_drug(offense)",
        "prior_diversions >= 2",
        "drug_grams < 3.5",
        "residency_months in [1, 2, 3, 12]",
        "incident_date >= 2021-05-13",
        "incident_date - 30 days <= date_of_birth + 40 years",
        "years_between(date_of_birth, incident_date) < 18",
        "months_between(prior_involvement_date, incident_date) <= 6",
        "any(convictions, category in [murder, assault_1])",
        "any(convictions, category == burglary_1 and date > incident_date - 10 years)",
        "any(convictions, category == robbery_2 or consents)",
        "count(convictions, date >= incident_date - 5 years) >= 2",
        "count(convictions, not (category == murder)) == 0",
        // the shapes compiled to one answer test, and their negations
        "not consents",
        "not (not in_area)",
        "not (offense in [drug_possession, theft_3])",
        "not (offense not in [theft_3])",
        "not answered(drug_grams)",
        "not is_drug(offense)",
        "not (capacity != open)",
        "not (incident_date < 2023-07-01)",
        "residency_months in [1.5, 2, 0]",
        "drug_grams not in [0, 3, 7]",
        // the shapes compiled to one test of a list or of two answers, and their negations
        "not any(convictions, category in [murder, assault_1])",
        "any(convictions, category not in [murder, assault_1, robbery_2])",
        "any(convictions, category != murder)",
        "any(convictions, category in [burglary_1, robbery_2] and date >= incident_date - 18 "
        "months)",
        "not any(convictions, category not in [murder] and date < incident_date + 400 days)",
        "any(convictions, category == assault_1 and date <= date_of_birth)",
        "any(convictions, date > incident_date - 10 years and category == burglary_1)",
        "not (years_between(date_of_birth, incident_date) < 18)",
        "years_between(date_of_birth, incident_date) == 30",
        "months_between(date_of_birth, incident_date) > 300",
        "months_between(incident_date, date_of_birth) >= -400",
        // comparisons and membership of a computed value
        "years_between(date_of_birth, incident_date) >= 21",
        "count(convictions, category not in [murder]) < 2",
        "months_between(prior_involvement_date, incident_date) in [0, 1, 2, 3, 64, 200]",
        "is_drug(offense) == consents",
        "true",
        "false",
    };
    if (depth > 3 || pick(3) == 0) return leaves[pick(static_cast<int>(std::size(leaves)))];
    switch (pick(4)) {
    case 0: return "not (" + truth(depth + 1) + ")";
    case 1: return "(" + truth(depth + 1) + ") and (" + truth(depth + 1) + ")";
    case 2: return "(" + truth(depth + 1) + ") or (" + truth(depth + 1) + ")";
    default: return "(" + truth(depth + 1) + ") == (" + truth(depth + 1) + ")";
    }
  }
};

} // namespace

TEST_CASE("the compiled program agrees with the tree on every shipped policy's conditions") {
  for (const char* id : {"lead-vocabulary", "wa-state", "wa-whatcom", "wa-king-county-2011",
                         "wa-burien", "ca-lead-pilot", "co-pueblo", "nm-santa-fe"}) {
    const Policy policy = load_shipped(id);
    RandomCase c(policy, 7);
    for (int round = 0; round < 300; ++round) {
      c.draw();
      for (const Rule& rule : policy.rules) c.check(rule.expr, rule.condition);
      for (const Question& question : policy.questions) c.check(question.ask, question.asked_when);
    }
  }
}

// Speed, not truth: batch evaluates every rule of every case, and wa-whatcom's conditions (an
// age limit, conviction look-backs, answer tests joined by and/or) all have a form that needs
// no stack program. A shape the compiler stops recognizing would slow batch down unnoticed.
TEST_CASE("every condition of wa-whatcom is evaluated without the stack program") {
  const Policy policy = load_shipped("wa-whatcom");
  size_t conditions = 0;
  for (const Rule& rule : policy.rules) {
    CAPTURE(rule.condition);
    CHECK_FALSE(rule.expr.runs_program());
    ++conditions;
  }
  for (const Question& question : policy.questions) {
    CAPTURE(question.asked_when);
    CHECK_FALSE(question.ask.runs_program());
    conditions += question.ask.empty() ? 0 : 1;
  }
  CHECK(conditions > 20);
  // and the program is still what a condition of another shape runs
  CHECK(Expr::compile("count(convictions, category in [murder]) >= 2", policy, SourceLocation{})
            .runs_program());
}

TEST_CASE("the compiled program agrees with the tree on random conditions and answers") {
  const Policy policy = load_shipped("lead-vocabulary");
  std::mt19937 random(2026);
  RandomCondition conditions{random};
  RandomCase c(policy, 11);
  for (int round = 0; round < 400; ++round) {
    const std::string text = conditions.truth(0);
    const Expr expr = Expr::compile(text, policy, SourceLocation{});
    for (int draw = 0; draw < 20; ++draw) {
      c.draw();
      c.check(expr, text);
    }
  }
}

TEST_CASE("the most deeply nested condition the parser takes agrees with the tree") {
  const Policy policy = load_shipped("lead-vocabulary");
  // Nested on the right, so that every level keeps a value waiting on the stack.
  std::string text = "consents";
  Expr expr = Expr::compile(text, policy, SourceLocation{});
  for (;;) {
    const std::string deeper = "in_area == (" + text + ")";
    try {
      expr = Expr::compile(deeper, policy, SourceLocation{});
    } catch (const InputError&) {
      break;
    }
    text = deeper;
  }
  CHECK(text.size() > 100);
  RandomCase c(policy, 3);
  for (int draw = 0; draw < 50; ++draw) {
    c.draw();
    c.check(expr, text);
  }
}

namespace {

// `count` tests of the vocabulary joined by `op`, cycling through a few shapes.
std::string chain_of(int count, const std::string& op) {
  static const char* const k_terms[] = {"consents",
                                        "not in_area",
                                        "prior_diversions > 1",
                                        "offense in [theft_3, drug_possession]",
                                        "amenable",
                                        "prior_diversions == 0"};
  std::string text;
  for (int i = 0; i < count; ++i) {
    text += (i == 0 ? "" : " " + op + " ") + std::string(k_terms[i % 6]);
  }
  return text;
}

std::string compile_error(const Policy& policy, const std::string& text) {
  try {
    Expr::compile(text, policy, SourceLocation{});
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

} // namespace

// A long list of tests joined by one operator was refused as "nested too deeply" at about 70
// terms: the compiler counted each `or` of the chain as a level of nesting.
TEST_CASE("a chain of 500 tests is a list, not nesting: it compiles and agrees with the tree") {
  const Policy policy = load_shipped("lead-vocabulary");
  for (const std::string op : {"or", "and"}) {
    CAPTURE(op);
    const std::string text = chain_of(500, op);
    const Expr expr = Expr::compile(text, policy, SourceLocation{});
    CHECK(expr.nodes().size() > 1000);
    RandomCase c(policy, 11);
    for (int draw = 0; draw < 50; ++draw) {
      c.draw();
      c.check(expr, text);
    }
    // Inside parentheses and under `not`, and beside a chain of the other operator.
    const std::string other = op == "or" ? "and" : "or";
    const std::string nested =
        "not (" + chain_of(200, op) + ") " + other + " (" + chain_of(300, other) + ")";
    const Expr nested_expr = Expr::compile(nested, policy, SourceLocation{});
    for (int draw = 0; draw < 50; ++draw) {
      c.draw();
      c.check(nested_expr, nested);
    }
  }
}

TEST_CASE("a chain of more than 500 tests, or chains nested past the tree's bound, are refused") {
  const Policy policy = load_shipped("lead-vocabulary");
  CHECK(compile_error(policy, chain_of(500, "or")).empty());
  CHECK(compile_error(policy, chain_of(501, "or"))
            .find("more than 500 tests joined by 'or' in one condition") != std::string::npos);
  CHECK(compile_error(policy, chain_of(501, "and"))
            .find("more than 500 tests joined by 'and' in one condition") != std::string::npos);
  // A chain is a tree as deep as it is long, down its left side; a chain as its first term
  // adds its own length: past 600 levels, refused.
  const std::string deep = "(" + chain_of(400, "and") + ") or " + chain_of(400, "or");
  CHECK(compile_error(policy, deep).find("nested too deeply") != std::string::npos);
  const std::string fits = "(" + chain_of(250, "and") + ") or " + chain_of(300, "or");
  CHECK(compile_error(policy, fits).empty());
}
