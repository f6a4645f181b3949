// SPDX-License-Identifier: Apache-2.0
#include "test_support.hpp"

#include "core/authoring/policy_test.hpp"

#include <doctest/doctest.h>

using namespace divert;
using namespace divert::testing;

namespace {

const std::string k_clear = "pathway: arrest_diversion, incident_date: 2024-03-02, "
                            "probable_cause: true, offense: drug_possession, drug_type: opioid, "
                            "delivery_involved: false, exploits_minors: false, "
                            "promotes_prostitution: false, amenable: true, outstanding_warrant: "
                            "none, date_of_birth: 1990-05-01, convictions: [], consents: true";

std::string tests_yaml(const std::string& grams, const std::string& expect) {
  return "# a comment that --update keeps\n"
         "cases:\n"
         "  - name: the case\n"
         "    answers: {" +
         k_clear + ", drug_grams: " + grams + "}\n" + expect;
}

struct Run {
  YamlDocument doc;
  PolicyTestFile file;
  std::vector<CaseResult> results;
};

Run run(const Policy& policy, const std::string& yaml) {
  Run r{parse_yaml(yaml, "t.yaml"), {}, {}};
  r.file = read_policy_tests(r.doc, policy);
  r.results = run_policy_tests(policy, r.file, std::nullopt);
  return r;
}

} // namespace

TEST_SUITE("policy_test") {

  TEST_CASE("a passing case; reasons and notices compared as sets") {
    const Policy policy = load_shipped("wa-king-county-2011");
    const Run r = run(policy, tests_yaml("3.5", "    expect:\n      outcome: ineligible\n"
                                                "      reasons: [over-quantity]\n"
                                                "      notices: [wa-2023-referral-encouraged]\n"));
    REQUIRE(r.results.size() == 1);
    CHECK(r.results[0].passed);
    CHECK(r.results[0].line == 3);
  }

  TEST_CASE("a failure shows expected vs actual and the rules involved with their answers") {
    const Policy policy = load_shipped("wa-king-county-2011");
    const Run r = run(policy, tests_yaml("3.5", "    expect: {outcome: eligible, notices: "
                                                "[wa-2023-referral-encouraged]}\n"));
    REQUIRE(r.results.size() == 1);
    const CaseResult& c = r.results[0];
    CHECK_FALSE(c.passed);
    CHECK(c.differences == std::vector<std::string>{"outcome: expected eligible, got ineligible",
                                                    "reasons: expected [], got [over-quantity]"});
    CHECK(c.mattered == std::vector<std::string>{"over-quantity (exclude) excluded: pathway="
                                                 "arrest_diversion, offense=drug_possession, "
                                                 "drug_grams=3.5"});
  }

  TEST_CASE("a test naming a rule the policy lacks is malformed, with a suggestion") {
    const Policy policy = load_shipped("wa-king-county-2011");
    try {
      run(policy, tests_yaml("1", "    expect: {outcome: ineligible, reasons: [over-quantiy]}\n"));
      FAIL("expected an InputError");
    } catch (const InputError& e) {
      CHECK(format_diagnostic(e.diagnostics().front()) ==
            "t.yaml:5:13: error: test 'the case': no rule 'over-quantiy' in policy "
            "'wa-king-county-2011', did you mean 'over-quantity'?");
    }
  }

  TEST_CASE("--update rewrites a block expectation, keeping comments and other keys") {
    const Policy policy = load_shipped("wa-king-county-2011");
    const std::string yaml = tests_yaml("3.5", "    expect:\n"
                                               "      outcome: eligible   # wrong\n"
                                               "      notices: [wa-2023-referral-encouraged]\n"
                                               "\n"
                                               "  # next case\n"
                                               "  - name: second\n"
                                               "    expect: {outcome: incomplete}\n"
                                               "    answers: {pathway: social_contact}\n");
    const Run r = run(policy, yaml);
    const std::string updated = update_policy_tests(r.doc, policy, r.file, r.results);
    CHECK(updated == tests_yaml("3.5", "    expect:\n"
                                       "      outcome: ineligible\n"
                                       "      reasons: [over-quantity]\n"
                                       "      notices: [wa-2023-referral-encouraged]\n"
                                       "\n"
                                       "  # next case\n"
                                       "  - name: second\n"
                                       "    expect: {outcome: incomplete}\n"
                                       "    answers: {pathway: social_contact}\n"));
    // The rewritten file passes.
    CHECK(run(policy, updated).results[0].passed);
  }

  TEST_CASE("--update rewrites a flow expectation in place and adds missing for incomplete") {
    const Policy policy = load_shipped("wa-king-county-2011");
    const std::string yaml =
        "cases:\n"
        "  - {name: partial, answers: {pathway: social_contact, incident_date: "
        "2024-03-02}, expect: {outcome: eligible}}   # keep me\n";
    const Run r = run(policy, yaml);
    const std::string updated = update_policy_tests(r.doc, policy, r.file, r.results);
    CHECK(updated ==
          "cases:\n"
          "  - {name: partial, answers: {pathway: social_contact, incident_date: "
          "2024-03-02}, expect: {outcome: incomplete, reasons: [], notices: [], missing: "
          "[in_area, delivery_involved, exploits_minors, promotes_prostitution, date_of_birth, "
          "convictions, outstanding_warrant, prior_involvement_basis, amenable, "
          "consents]}}   # keep me\n");
    CHECK(run(policy, updated).results[0].passed);
  }

  TEST_CASE("coverage counts rule outcomes, asked questions and tried choice values") {
    const Policy policy = load_shipped("co-pueblo");
    TestCoverage cover(policy);
    CHECK(cover.covered() == 0);
    CHECK(cover.percent() == doctest::Approx(0.0));
    const Run r =
        run(policy, "cases:\n  - name: a\n    answers: {pathway: social_contact, "
                    "prior_involvement_basis: none}\n"
                    "    expect: {outcome: ineligible, reasons: [no-prior-involvement]}\n");
    cover.add(r.file.cases[0].answers, r.results[0].decision);
    // no-prior-involvement failed; every rule reading no answer but consent-like ones stays unknown.
    const std::vector<std::string> lines = cover.uncovered();
    CHECK(std::find(lines.begin(), lines.end(),
                    "rule 'no-prior-involvement' (require) never failed a case") == lines.end());
    CHECK(std::find(lines.begin(), lines.end(),
                    "rule 'no-prior-involvement' (require) never passed a case") != lines.end());
    CHECK(std::find(lines.begin(), lines.end(),
                    "question 'pathway': value never tried: arrest_diversion") != lines.end());
    // fired once; every question asked and choice value tried on the social pathway
    CHECK(cover.covered() == 9);
    CHECK(cover.total() > cover.covered());
  }

  TEST_CASE("coverage does not count a rule outcome no case can produce") {
    // wa-burien's screening-approval holds by design on every referral: it can never come out
    // false, so no test can cover that and coverage does not ask for it.
    const Policy policy = load_shipped("wa-burien");
    const TestCoverage cover(policy);
    const std::vector<std::string> lines = cover.uncovered();
    CHECK(std::find(lines.begin(), lines.end(),
                    "rule 'screening-approval' (approval) never held") != lines.end());
    CHECK(std::find(lines.begin(), lines.end(),
                    "rule 'screening-approval' (approval) never came out false") == lines.end());
  }

} // TEST_SUITE
