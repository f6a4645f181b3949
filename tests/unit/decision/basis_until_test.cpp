// SPDX-License-Identifier: Apache-2.0
// answered(q), `until` and each rule's basis, as the decision reports them.
#include "core/decision/decision_json.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace divert;
using namespace divert::testing;

namespace {

// The sample policy the tests below decide with: the shared preamble (TestPolicy), these rules.
const std::string k_policy = TestPolicy()
                                 .id("sample")
                                 .title("Sample")
                                 .status("model")
                                 .effective("2020-01-01")
                                 .provider("{name: P, contact: C}")
                                 .head("until: {date: \"2023-07-01\", reason: renamed}\n")
                                 .rules(R"(  - id: counted
    effect: notice
    condition: not (answered(prior_diversions) and prior_diversions >= 2)
    explain: x
    citation: y
    basis: published
    sources: [{title: Statute, url: 'https://law.invalid/1'}]
  - id: tiered
    effect: exclude
    condition: any(convictions, category == robbery_2 and date > incident_date - 10 years)
    explain: x
    citation: y
    basis: reported
    assumption: the 10-year tier
    sources: [{title: Slides, url: 'https://slides.invalid/'}]
  - id: adults
    effect: exclude
    condition: age < 18
    explain: x
    citation: y
    basis: assumed
  - id: no-consent
    effect: require
    condition: consents
    explain: x
    citation: y
)")
                                 .yaml();

Decision decide(const Policy& p, const std::string& yaml) {
  return evaluate(p, answers_from(p, yaml), std::nullopt);
}

bool has(const std::vector<const Rule*>& rules, const std::string& id) {
  return std::any_of(rules.begin(), rules.end(), [&](const Rule* r) { return r->id == id; });
}

} // namespace

TEST_SUITE("basis_until") {
  TEST_CASE("answered() is always known: an unanswered count keeps the notice") {
    const Policy p = load_text(k_policy);
    const std::string base = "pathway: arrest_diversion\nincident_date: 2022-10-01\n";
    CHECK(has(decide(p, base).notices, "counted"));
    CHECK(has(decide(p, base + "prior_diversions: 1\n").notices, "counted"));
    CHECK_FALSE(has(decide(p, base + "prior_diversions: 2\n").notices, "counted"));
  }

  TEST_CASE("answered() names a question the policy has") {
    std::string bad = k_policy;
    bad.replace(bad.find("answered(prior_diversions)"), 26, "answered(prior_diversion)");
    CHECK(load_error(bad).find("unknown question 'prior_diversion'") != std::string::npos);
  }

  TEST_CASE("an incident on or after `until` is warned about, naming the date and reason") {
    const Policy p = load_text(k_policy);
    const std::string base = "pathway: arrest_diversion\nconsents: true\n";
    CHECK(decide(p, base + "incident_date: 2023-06-30\n").warnings.empty());
    const Decision on = decide(p, base + "incident_date: 2023-07-01\n");
    REQUIRE(on.warnings.size() == 1);
    CHECK(on.warnings[0] == "the policy ended on 2023-07-01 (renamed): incident_date is on or "
                            "after it");
  }

  TEST_CASE("each reason carries its basis; a passing assumed rule is listed") {
    const Policy p = load_text(k_policy);
    const std::string clear = "pathway: arrest_diversion\nincident_date: 2022-10-01\n"
                              "date_of_birth: 1990-01-01\nconsents: true\n";
    const Decision eligible =
        decide(p, clear + "convictions: [{category: robbery_2, date: 2010-01-01}]\n");
    CHECK(eligible.outcome == Outcome::eligible);
    CHECK(has(eligible.assumed, "adults"));
    CHECK(has(eligible.assumed, "tiered"));
    CHECK_FALSE(has(eligible.assumed, "no-consent"));
    const auto json = nlohmann::json::parse(decision_json(p, eligible));
    CHECK(json["assumptions"].size() == 2);
    CHECK(json["notices"][0]["basis"] == "published");

    const Decision refused =
        decide(p, clear + "convictions: [{category: robbery_2, date: 2020-01-01}]\n");
    CHECK(refused.outcome == Outcome::ineligible);
    CHECK(refused.assumed.empty());
    const auto why = nlohmann::json::parse(decision_json(p, refused));
    CHECK(why["reasons"][0]["basis"] == "reported");
    CHECK(why["reasons"][0]["assumption"] == "the 10-year tier");
    CHECK(why["assumptions"].empty());
  }

  TEST_CASE("an assumed rule rests on no source") {
    std::string bad = k_policy;
    bad.replace(bad.find("    basis: assumed\n"), 19,
                "    basis: assumed\n    sources: [{title: T, url: 'https://x.invalid/'}]\n");
    CHECK(load_error(bad).find("is assumed, so it rests on no source") != std::string::npos);
    std::string untitled = k_policy;
    untitled.replace(untitled.find("[{title: Statute, url: "), 23, "[{url: ");
    CHECK(load_error(untitled).find("a rule's source needs 'title'") != std::string::npos);
  }
}
