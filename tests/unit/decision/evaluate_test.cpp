// SPDX-License-Identifier: Apache-2.0
#include "core/decision/decision_json.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

using namespace divert;
using namespace divert::testing;

namespace {

// The sample policy the tests below decide with: the shared preamble (TestPolicy), these rules.
const std::string k_policy = TestPolicy()
                                 .id("sample")
                                 .title("Sample")
                                 .effective("2020-01-01")
                                 .provider("{name: Case management, contact: 555-0100}")
                                 .head("intake:\n  days: 7\n")
                                 .rules(R"(  - id: no-probable-cause
    effect: require
    pathways: [arrest_diversion]
    condition: probable_cause
    explain: e
    citation: c
  - id: dealing-for-profit
    effect: exclude
    condition: delivery_involved and not subsistence_only
    explain: e
    citation: c
  - id: under-18
    effect: exclude
    condition: age < 18
    explain: e
    citation: c
  - id: recent-conviction
    effect: exclude
    condition: any(convictions, category in [robbery_2] and date > incident_date - 10 years)
    explain: e
    citation: c
  - id: no-consent
    effect: require
    condition: consents
    explain: e
    citation: c
  - id: social-approval
    effect: approval
    pathways: [social_contact]
    condition: true
    approver: Workgroup
    explain: e
    citation: c
  - id: possession-notice
    effect: notice
    condition: offense == drug_possession and prior_diversions < 2
    explain: e
    citation: c
)")
                                 .yaml();

const char* const k_clear = R"(pathway: arrest_diversion
incident_date: 2024-03-02
probable_cause: true
delivery_involved: false
date_of_birth: 1990-01-01
convictions: []
consents: true
)";

std::vector<std::string> ids(const std::vector<const Rule*>& rules) {
  std::vector<std::string> out;
  for (const Rule* r : rules) out.push_back(r->id);
  return out;
}

std::vector<std::string> ids(const Policy& p, const std::vector<int>& questions) {
  std::vector<std::string> out;
  for (int q : questions) out.push_back(p.questions[static_cast<size_t>(q)].id);
  return out;
}

} // namespace

TEST_SUITE("evaluate") {
  TEST_CASE("all clear is eligible, with a referral and an intake deadline") {
    const Policy p = load_text(k_policy);
    const Decision d = evaluate(p, answers_from(p, k_clear), std::nullopt);
    CHECK(d.outcome == Outcome::eligible);
    CHECK(d.reasons.empty());
    REQUIRE(d.referral);
    CHECK(d.referral->provider == "Case management");
    CHECK(format_date(*d.referral->intake_deadline) == "2024-03-09");
    CHECK(d.referral->approver.empty());
  }

  TEST_CASE("a failing rule makes the case ineligible even with unknowns elsewhere") {
    const Policy p = load_text(k_policy);
    const Decision d = evaluate(
        p,
        answers_from(p, "pathway: arrest_diversion\nincident_date: 2024-03-02\nconsents: false\n"),
        std::nullopt);
    CHECK(d.outcome == Outcome::ineligible);
    CHECK(ids(d.reasons) == std::vector<std::string>{"no-consent"});
    CHECK(d.missing.empty());
    CHECK_FALSE(d.referral);
  }

  TEST_CASE("incomplete lists the askable unanswered questions of undecided rules") {
    const Policy p = load_text(k_policy);
    const Decision d = evaluate(p, answers_from(p, "incident_date: 2024-03-02\n"), std::nullopt);
    CHECK(d.outcome == Outcome::incomplete);
    // probable_cause's ask-condition is unknown while pathway is: not listed yet.
    CHECK(ids(p, d.missing) == std::vector<std::string>{"pathway", "delivery_involved",
                                                        "date_of_birth", "convictions",
                                                        "consents"});
  }

  TEST_CASE("a stale answer whose ask-condition is false is held and unused") {
    const Policy p = load_text(k_policy);
    std::string yaml = k_clear;
    yaml += "subsistence_only: false\n"; // delivery_involved is false: not asked
    const Decision d = evaluate(p, answers_from(p, yaml), std::nullopt);
    CHECK(d.outcome == Outcome::eligible);
    CHECK(ids(p, d.unused) == std::vector<std::string>{"subsistence_only"});
  }

  TEST_CASE("probable_cause is not read on the social-contact pathway") {
    const Policy p = load_text(k_policy);
    std::string yaml = k_clear;
    yaml.replace(yaml.find("arrest_diversion"), 16, "social_contact");
    yaml.replace(yaml.find("probable_cause: true"), 20, "probable_cause: false");
    const Decision d = evaluate(p, answers_from(p, yaml), std::nullopt);
    CHECK(d.outcome == Outcome::needs_approval);
    CHECK(ids(d.reasons) == std::vector<std::string>{"social-approval"});
    REQUIRE(d.referral);
    CHECK(d.referral->approver == "Workgroup");
    CHECK_FALSE(d.referral->intake_deadline); // intake counts for arrest_diversion only
    CHECK(ids(p, d.unused) == std::vector<std::string>{"probable_cause"});
  }

  TEST_CASE("three-valued logic: false and unknown is false") {
    const Policy p = load_text(k_policy);
    std::string yaml = k_clear;
    yaml.replace(yaml.find("delivery_involved: false"), 24, "delivery_involved: true");
    // subsistence_only unanswered: dealing-for-profit unknown -> incomplete.
    Decision d = evaluate(p, answers_from(p, yaml), std::nullopt);
    CHECK(d.outcome == Outcome::incomplete);
    CHECK(ids(p, d.missing) == std::vector<std::string>{"subsistence_only"});
    d = evaluate(p, answers_from(p, yaml + "subsistence_only: true\n"), std::nullopt);
    CHECK(d.outcome == Outcome::eligible);
  }

  TEST_CASE("ten-year window: exactly ten years before is outside, a day later inside") {
    const Policy p = load_text(k_policy);
    std::string base = k_clear;
    base.replace(base.find("convictions: []"), 15, "");
    Decision d =
        evaluate(p,
                 answers_from(p, base + "convictions: [{category: robbery_2, date: 2014-03-02}]\n"),
                 std::nullopt);
    CHECK(d.outcome == Outcome::eligible);
    d = evaluate(p,
                 answers_from(p, base + "convictions: [{category: robbery_2, date: 2014-03-03}]\n"),
                 std::nullopt);
    CHECK(ids(d.reasons) == std::vector<std::string>{"recent-conviction"});
  }

  TEST_CASE("the 18th birthday counts") {
    const Policy p = load_text(k_policy);
    std::string base = k_clear;
    base.replace(base.find("date_of_birth: 1990-01-01"), 25, "date_of_birth: 2006-03-02");
    CHECK(evaluate(p, answers_from(p, base), std::nullopt).outcome == Outcome::eligible);
    base.replace(base.find("2006-03-02"), 10, "2006-03-03");
    CHECK(ids(evaluate(p, answers_from(p, base), std::nullopt).reasons) ==
          std::vector<std::string>{"under-18"});
  }

  TEST_CASE("notices never make a case incomplete") {
    const Policy p = load_text(k_policy);
    std::string yaml = k_clear;
    yaml += "offense: drug_possession\n"; // prior_diversions unanswered
    Decision d = evaluate(p, answers_from(p, yaml), std::nullopt);
    CHECK(d.outcome == Outcome::eligible);
    CHECK(d.notices.empty());
    d = evaluate(p, answers_from(p, yaml + "prior_diversions: 1\n"), std::nullopt);
    CHECK(ids(d.notices) == std::vector<std::string>{"possession-notice"});
  }

  TEST_CASE("warnings for an incident before the effective date or after today") {
    const Policy p = load_text(k_policy);
    std::string yaml = k_clear;
    yaml.replace(yaml.find("2024-03-02"), 10, "2019-12-31");
    Decision d = evaluate(p, answers_from(p, yaml), std::nullopt);
    CHECK(d.warnings == std::vector<std::string>{
                            "incident_date is before the policy's effective date 2020-01-01"});
    d = evaluate(p, answers_from(p, k_clear), *parse_date("2024-03-01"));
    CHECK(d.warnings ==
          std::vector<std::string>{"incident_date 2024-03-02 is after today (2024-03-01)"});
  }

  TEST_CASE("decision JSON has every documented key in order") {
    const Policy p = load_text(k_policy);
    const std::string json = decision_json(p, evaluate(p, answers_from(p, k_clear), std::nullopt));
    const char* keys[] = {"\"schema\":\"divert.decision/1\"",
                          "\"outcome\":\"eligible\"",
                          "\"pathway\":\"arrest_diversion\"",
                          "\"reasons\":[]",
                          "\"notices\":[]",
                          "\"missing\":[]",
                          "\"unused\":[]",
                          "\"warnings\":[]",
                          "\"referral\":{\"provider\":\"Case management\"",
                          "\"policy\":{\"id\":\"sample\""};
    size_t at = 0;
    for (const char* key : keys) {
      const size_t found = json.find(key, at);
      CHECK_MESSAGE(found != std::string::npos, key);
      at = found == std::string::npos ? at : found;
    }
  }

  TEST_CASE("decide's JSON names each layer's file and signing key; batch's does not") {
    Policy p = load_text(k_policy);
    p.layers.back().signed_by = "SHA256:abc";
    const Decision d = evaluate(p, answers_from(p, k_clear), std::nullopt);
    CHECK(decision_json(p, d).find("\"layers\"") == std::string::npos);
    const std::string json = decision_json(p, d, true);
    const std::string first = "\"layers\":[{\"id\":\"lead-vocabulary\",\"version\":\"" +
                              p.layers.front().version + "\",\"sha256\":\"" +
                              p.layers.front().sha256 + "\",\"file\":\"" + p.layers.front().file +
                              "\",\"signed_by\":null}";
    CHECK(json.find(first) != std::string::npos);
    CHECK(json.find("\"file\":\"test.yaml\",\"signed_by\":\"SHA256:abc\"}]}") != std::string::npos);
  }
}

TEST_SUITE("answers") {
  TEST_CASE("answers are validated against the vocabulary with locations") {
    const Policy p = load_text(k_policy);
    auto error_of = [&](const std::string& yaml) -> std::string {
      try {
        answers_from(p, yaml);
      } catch (const InputError& e) {
        return format_diagnostic(e.diagnostics().front());
      }
      return "";
    };
    CHECK(error_of("amenible: true\n") ==
          "answers.yaml:1:1: error: unknown question 'amenible', did you mean 'amenable'?");
    CHECK(error_of("consents: y\n") ==
          "answers.yaml:1:11: error: answer 'consents' must be true or false, not 'y'");
    CHECK(error_of("consents: \"true\"\n").find("must be true or false") != std::string::npos);
    CHECK(error_of("drug_grams: 10001\n") ==
          "answers.yaml:1:13: error: answer 'drug_grams' must be at most 10000 (10001 given)");
    CHECK(error_of("drug_grams: -1\n").find("must be at least 0") != std::string::npos);
    CHECK(error_of("drug_grams: 1e999\n").find("must be a number") != std::string::npos);
    CHECK(error_of("drug_grams: .inf\n").find("must be a number") != std::string::npos);
    CHECK(error_of("residency_months: 2.5\n").find("whole number") != std::string::npos);
    CHECK(error_of("incident_date: 2023-02-30\n").find("calendar date") != std::string::npos);
    CHECK(error_of("offense: shoplifting\n").find("allowed: drug_possession") != std::string::npos);
    CHECK(error_of("consents: true\nconsents: false\n") ==
          "answers.yaml:2:1: error: duplicate key 'consents' (first at line 1)");
    CHECK(error_of("a: &x 1\n").find("anchors are not allowed") != std::string::npos);
    CHECK(error_of("consents: !!bool true\n").find("tags are not allowed") != std::string::npos);
    CHECK(error_of("<<: {consents: true}\n").find("merge keys") != std::string::npos);
    CHECK(error_of("convictions: [{category: robbery_9, date: 2020-01-01}]\n").find("robbery_9") !=
          std::string::npos);
    CHECK(error_of("incident_date: 2024-03-02\ndate_of_birth: 2024-03-03\n") ==
          "answers.yaml:2:16: error: answer 'date_of_birth' (2024-03-03) is after the incident "
          "date 2024-03-02");
    CHECK(error_of("incident_date: 2024-03-02\ndate_of_birth: 2024-03-02\n").empty());
  }

  TEST_CASE("null and empty mean not answered; [] means checked: none") {
    const Policy p = load_text(k_policy);
    const Answers a = answers_from(p, "consents: null\nnarrative: ''\nconvictions: []\n");
    CHECK_FALSE(a.slots[static_cast<size_t>(p.question_index("consents"))].present);
    CHECK_FALSE(a.slots[static_cast<size_t>(p.question_index("narrative"))].present);
    CHECK(a.slots[static_cast<size_t>(p.question_index("convictions"))].present);
  }

  TEST_CASE("--set takes YAML flow values, text verbatim, and overrides") {
    const Policy p = load_text(k_policy);
    Answers a(p);
    set_answer("convictions=[{category: robbery_2, date: 2016-03-02}]", p, a);
    set_answer("case_number=A: 12=3", p, a);
    set_answer("drug_grams=2.5", p, a);
    CHECK(a.slots[static_cast<size_t>(p.question_index("convictions"))].items.size() == 1);
    CHECK(a.slots[static_cast<size_t>(p.question_index("case_number"))].text == "A: 12=3");
    CHECK(a.slots[static_cast<size_t>(p.question_index("drug_grams"))].x == 2.5);
    CHECK_THROWS_AS(set_answer("amenible=true", p, a), InputError);
    CHECK_THROWS_AS(set_answer("noequals", p, a), InputError);
  }
}
