// SPDX-License-Identifier: Apache-2.0
// Conditions on their own: three-valued truth tables, count() and any() over lists with
// unknowns, day/month/year shifts, source spans of comparisons, derived values tagged where
// they are inlined, and structural equality.
#include "core/base/dates.hpp"
#include "core/policy/expr.hpp"

#include "../test_support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace divert;
using divert::testing::load_shipped;

namespace {

// The vocabulary's questions, each visible, with answers set per test.
struct Condition {
  Policy policy = load_shipped("lead-vocabulary");
  Answers answers{policy};
  std::vector<Tri> visible = std::vector<Tri>(policy.questions.size(), Tri::yes);

  Slot& slot(const std::string& id) {
    const int q = policy.question_index(id);
    REQUIRE(q >= 0);
    return answers.slots[static_cast<size_t>(q)];
  }
  void set(const std::string& id, double x) {
    slot(id).present = true;
    slot(id).x = x;
  }
  void set_date(const std::string& id, const char* date) {
    set(id, static_cast<double>(*parse_date(date)));
  }
  Expr compile(const std::string& text) const {
    return Expr::compile(text, policy, SourceLocation{});
  }
  Tri eval(const std::string& text) const {
    return compile(text).eval_bool(EvalInput{answers.slots.data(), visible.data()});
  }
};

const char* name(Tri t) { return t == Tri::yes ? "yes" : t == Tri::no ? "no" : "unknown"; }

} // namespace

TEST_CASE("and, or and not follow Kleene's three-valued logic") {
  // consents and in_area take yes, no or unknown (not answered); every pair is tried.
  const struct {
    Tri a, b, conjunction, disjunction;
  } table[] = {
      {Tri::yes, Tri::yes, Tri::yes, Tri::yes},
      {Tri::yes, Tri::no, Tri::no, Tri::yes},
      {Tri::yes, Tri::unknown, Tri::unknown, Tri::yes},
      {Tri::no, Tri::no, Tri::no, Tri::no},
      {Tri::no, Tri::unknown, Tri::no, Tri::unknown},
      {Tri::unknown, Tri::unknown, Tri::unknown, Tri::unknown},
  };
  for (const auto& row : table) {
    for (const bool swap : {false, true}) {
      Condition c;
      const Tri a = swap ? row.b : row.a;
      const Tri b = swap ? row.a : row.b;
      if (a != Tri::unknown) c.set("consents", a == Tri::yes ? 1 : 0);
      if (b != Tri::unknown) c.set("in_area", b == Tri::yes ? 1 : 0);
      CAPTURE(name(a));
      CAPTURE(name(b));
      CHECK(c.eval("consents and in_area") == row.conjunction);
      CHECK(c.eval("consents or in_area") == row.disjunction);
      const Tri negated = a == Tri::unknown ? Tri::unknown : a == Tri::yes ? Tri::no : Tri::yes;
      CHECK(c.eval("not consents") == negated);
    }
  }
}

TEST_CASE("a hidden answer reads as unknown, whatever it holds") {
  Condition c;
  c.set("consents", 1);
  CHECK(c.eval("consents") == Tri::yes);
  c.visible[static_cast<size_t>(c.policy.question_index("consents"))] = Tri::no;
  CHECK(c.eval("consents") == Tri::unknown);
  CHECK(c.eval("consents or true") == Tri::yes);
}

TEST_CASE("count() and any() over a list: unknown only while the list is") {
  Condition c;
  CHECK(c.eval("any(convictions, category == murder)") == Tri::unknown);
  CHECK(c.eval("count(convictions, category == murder) >= 1") == Tri::unknown);
  c.slot("convictions").present = true; // an empty list: none
  CHECK(c.eval("any(convictions, category == murder)") == Tri::no);
  CHECK(c.eval("count(convictions, category == murder) == 0") == Tri::yes);
  const int murder = c.policy.questions[static_cast<size_t>(c.policy.question_index("convictions"))]
                         .category_index("murder");
  const int arson = c.policy.questions[static_cast<size_t>(c.policy.question_index("convictions"))]
                        .category_index("arson_1");
  c.slot("convictions").items = {{murder, *parse_date("2001-01-01")},
                                 {arson, *parse_date("2020-06-01")},
                                 {murder, *parse_date("2019-01-01")}};
  CHECK(c.eval("count(convictions, category == murder) == 2") == Tri::yes);
  CHECK(c.eval("any(convictions, category == arson_1)") == Tri::yes);
  CHECK(c.eval("any(convictions, category == manslaughter)") == Tri::no);
  // An item condition reading an unanswered question is unknown for every item that the
  // list part does not already decide.
  CHECK(c.eval("any(convictions, category == murder and date > incident_date - 10 years)") ==
        Tri::unknown);
  c.set_date("incident_date", "2024-03-02");
  CHECK(c.eval("any(convictions, category == murder and date > incident_date - 10 years)") ==
        Tri::yes); // 2019-01-01
  CHECK(c.eval("any(convictions, category == murder and date > incident_date - 5 years)") ==
        Tri::no);
  CHECK(c.eval("count(convictions, date > incident_date - 5 years) == 1") == Tri::yes);
}

TEST_CASE("dates shift by days, months and years, and compare as days") {
  Condition c;
  c.set_date("incident_date", "2024-03-31");
  c.set_date("date_of_birth", "2024-02-29");
  CHECK(c.eval("incident_date - 31 days == 2024-02-29") == Tri::yes);
  CHECK(c.eval("incident_date - 1 day == 2024-03-30") == Tri::yes);
  // A month back from the 31st lands on the month's last day.
  CHECK(c.eval("incident_date - 1 month == 2024-02-29") == Tri::yes);
  CHECK(c.eval("date_of_birth + 1 year == 2025-02-28") == Tri::yes);
  CHECK(c.eval("date_of_birth + 4 years == 2028-02-29") == Tri::yes);
  CHECK(c.eval("date_of_birth < incident_date") == Tri::yes);
  CHECK(c.eval("years_between(date_of_birth, incident_date) == 0") == Tri::yes);
  CHECK(c.eval("months_between(date_of_birth, incident_date) == 1") == Tri::yes);
}

TEST_CASE("a comparison keeps the span of its text; a derived value's inside is tagged") {
  Condition c;
  const std::string text = "offense in [theft_3] and drug_grams > 3 or (age < 18)";
  const Expr e = c.compile(text);
  std::vector<std::string> spans;
  int derived_roots = 0;
  for (const ExprNode& n : e.nodes()) {
    if (n.begin >= 0)
      spans.push_back(
          text.substr(static_cast<size_t>(n.begin), static_cast<size_t>(n.end - n.begin)));
    if (n.derived >= 0) {
      ++derived_roots;
      CHECK(c.policy.derived[static_cast<size_t>(n.derived)].id == "age");
      CHECK(n.begin == -1);
    }
  }
  CHECK(spans == std::vector<std::string>{"offense in [theft_3]", "drug_grams > 3", "age < 18"});
  CHECK(derived_roots == 1);
  // "not in" is one comparison, from its left operand on.
  const Expr n = c.compile("consents or offense not in [theft_3]");
  REQUIRE(n.nodes().size() >= 2);
  CHECK(n.nodes()[n.nodes().size() - 2].begin == 12);
}

TEST_CASE("conditions are equal when they compute the same thing, wherever their nodes sit") {
  Condition c;
  CHECK(c.compile("drug_grams > 3 and consents") == c.compile("(drug_grams > 3) and consents"));
  CHECK_FALSE(c.compile("drug_grams > 3 and consents") == c.compile("consents and drug_grams > 3"));
  CHECK_FALSE(c.compile("drug_grams > 3") == c.compile("drug_grams > 4"));
  const Expr age = c.compile("age < 18");
  const Expr spelled = c.compile("years_between(date_of_birth, incident_date) < 18");
  CHECK(age == spelled);
  CHECK(Expr() == Expr());
  CHECK_FALSE(Expr() == age);
}

TEST_CASE("a derived value's expression compiles whatever its type") {
  Condition c;
  CHECK_NOTHROW(Expr::compile_value("years_between(date_of_birth, incident_date)", c.policy,
                                    [](int) { return SourceLocation{}; }));
  CHECK_THROWS_AS(Expr::compile("years_between(date_of_birth, incident_date)", c.policy,
                                SourceLocation{}),
                  InputError);
}
