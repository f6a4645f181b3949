// SPDX-License-Identifier: Apache-2.0
#include "core/decision/interview.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

using namespace divert;
using namespace divert::testing;

namespace {

// Answers questions in the order the planner asks them, from a full answer sheet.
std::vector<std::string> walk(const Policy& p, const std::string& sheet_yaml) {
  const Answers sheet = answers_from(p, sheet_yaml);
  Answers answers(p);
  std::vector<std::string> asked;
  for (int guard = 0; guard < 100; ++guard) {
    const Decision d = evaluate(p, answers, std::nullopt);
    const InterviewPlan plan = plan_interview(p, answers, d);
    if (plan.next < 0) break;
    const auto q = static_cast<size_t>(plan.next);
    asked.push_back(p.questions[q].id);
    if (!sheet.slots[q].present) break; // the sheet does not answer it: stop there
    answers.slots[q] = sheet.slots[q];
  }
  return asked;
}

} // namespace

TEST_SUITE("interview") {
  TEST_CASE("asks only what can still change the outcome, in policy order") {
    const Policy p = load_shipped("wa-king-county-2011");
    const auto asked = walk(p, R"(pathway: arrest_diversion
incident_date: 2024-03-02
in_area: true
probable_cause: false
offense: dui
)");
    // No probable cause settles it: nothing else can change the outcome, but the offense is
    // still asked for the Washington notices (they read it).
    CHECK(asked == std::vector<std::string>{"pathway", "incident_date", "in_area", "probable_cause",
                                            "offense"});
  }

  TEST_CASE("an eligible walk asks notice questions after the outcome is known") {
    const Policy p = load_shipped("wa-king-county-2011");
    const auto asked = walk(p, R"(pathway: arrest_diversion
incident_date: 2022-10-01
in_area: true
probable_cause: true
offense: drug_possession
drug_type: opioid
drug_grams: 2
delivery_involved: false
exploits_minors: false
promotes_prostitution: false
amenable: true
outstanding_warrant: none
date_of_birth: 1990-01-01
convictions: []
consents: true
prior_diversions: 1
)");
    REQUIRE_FALSE(asked.empty());
    // Unanswered, prior_diversions leaves the referral notice holding (the statute's default)
    // and the discretionary one false: both are known, so it is not asked.
    CHECK(asked.back() == "consents");
    CHECK(std::find(asked.begin(), asked.end(), "drug_type") == asked.end()); // read by no rule
    CHECK(std::find(asked.begin(), asked.end(), "subsistence_only") == asked.end());
  }

  TEST_CASE("the incident date is asked even where no rule reads it") {
    // It decides the law by date, the intake deadline and the record (vocabulary: "always").
    for (const char* id : {"ca-lead-pilot", "co-pueblo"}) {
      CAPTURE(id);
      const Policy p = load_shipped(id);
      const auto asked = walk(p, "pathway: arrest_diversion\nprobable_cause: false\n");
      CHECK(std::find(asked.begin(), asked.end(), "incident_date") != asked.end());
    }
  }

  TEST_CASE("a question behind an undecided ask-condition pulls in what decides it") {
    const Policy p = load_shipped("wa-king-county-2011");
    Answers answers =
        answers_from(p, "pathway: arrest_diversion\nincident_date: 2024-03-02\nin_area: true\n");
    const Decision d = evaluate(p, answers, std::nullopt);
    const InterviewPlan plan = plan_interview(p, answers, d);
    CHECK(p.questions[static_cast<size_t>(plan.next)].id == "probable_cause");
    CHECK(plan.remaining > 5);
    CHECK_FALSE(plan.reasons_for_next.empty());
  }

  TEST_CASE("answers that no longer apply are found") {
    const Policy p = load_shipped("wa-king-county-2011");
    const Answers answers = answers_from(p, "pathway: social_contact\noffense: dui\n");
    const Decision d = evaluate(p, answers, std::nullopt);
    const auto stale = answers_no_longer_asked(p, answers, d);
    REQUIRE(stale.size() == 1);
    CHECK(p.questions[static_cast<size_t>(stale[0])].id == "offense");
  }
}
