// SPDX-License-Identifier: Apache-2.0
#include "test_support.hpp"

#include "core/authoring/policy_diff.hpp"

#include <doctest/doctest.h>

using namespace divert;
using namespace divert::testing;

namespace {

std::string policy(const std::string& version, const std::string& grams_limit,
                   const std::string& extra_question = "") {
  return TestPolicy()
      .version(version)
      .head(extra_question)
      .rules(test_rule("over-quantity", "exclude", "drug_grams > " + grams_limit) +
             test_rule("no-consent", "require", "consents"))
      .yaml();
}

// Runs every line through the diff; the padding the JSON reader needs comes from a copy.
std::vector<CaseChange> diff_lines(PolicyDiff& diff, const std::vector<std::string>& lines) {
  std::vector<CaseChange> changes;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string padded = lines[i];
    padded.resize(lines[i].size() + PolicyDiff::padding(), ' ');
    CaseChange change;
    if (diff.compare(std::string_view(padded.data(), lines[i].size()), i + 1, change)) {
      changes.push_back(change);
    }
  }
  return changes;
}

const std::string k_case =
    R"({"case_id": "a", "pathway": "arrest_diversion", "incident_date": "2024-03-02", "offense": "drug_possession", "drug_grams": 4, "consents": true)";

} // namespace

TEST_SUITE("policy_diff") {

  TEST_CASE("a policy against itself changes nothing") {
    const Policy p = load_text(policy("1", "3"));
    PolicyDiff diff(p, p, std::nullopt);
    CHECK(diff_lines(diff, {k_case + "}", "{bad json", R"({"drug_grams": -1})"}).empty());
    CHECK(diff.total() == 3);
    CHECK(diff.changed() == 0);
    CHECK(diff.errors_in_both() == 2);
    CHECK(diff_totals_json(diff) == R"("total":3,"changed":0,"by_transition":{},"by_rule":{})");
  }

  TEST_CASE("outcome and reason changes are grouped by transition and by rule") {
    const Policy before = load_text(policy("1", "3"));
    const Policy after = load_text(policy("2", "5"));
    PolicyDiff diff(before, after, std::nullopt);
    const auto changes = diff_lines(
        diff,
        {k_case + "}",
         R"({"drug_grams": 6, "pathway": "arrest_diversion", "offense": "drug_possession", "consents": true})",
         R"({"case_id": 7, "pathway": "arrest_diversion", "offense": "drug_possession", "drug_grams": 4, "consents": false})"});
    REQUIRE(changes.size() == 2);
    CHECK(change_json(changes[0]) ==
          R"({"line":1,"case_id":"a","old":{"outcome":"ineligible","reasons":["over-quantity"]},)"
          R"("new":{"outcome":"eligible","reasons":[]}})");
    CHECK(
        change_json(changes[1]) ==
        R"({"line":3,"case_id":7,"old":{"outcome":"ineligible","reasons":["over-quantity","no-consent"]},)"
        R"("new":{"outcome":"ineligible","reasons":["no-consent"]}})");
    CHECK(
        diff_totals_json(diff) ==
        R"("total":3,"changed":2,"by_transition":{"ineligible->eligible":1,"ineligible->ineligible":1},)"
        R"("by_rule":{"over-quantity":2})");
    CHECK(diff.by_rule().at("over-quantity").lost == 2);
    CHECK(diff.by_transition().at("ineligible->eligible").examples ==
          std::vector<std::string>{"a"});
  }

  TEST_CASE("a line only one version can read is a change to or from outcome error") {
    const Policy before = load_text(policy("1", "3"));
    const Policy after = load_text(policy("2", "3",
                                          "questions:\n  - id: local_flag\n    type: bool\n"
                                          "    label: Local?\n"));
    PolicyDiff diff(before, after, std::nullopt);
    const auto changes =
        diff_lines(diff, {R"({"case_id": "z", "local_flag": true, "consents": true})"});
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].before.error);
    CHECK(change_json(changes[0]).find(R"("old":{"outcome":"error","reasons":[],"message":)") !=
          std::string::npos);
    CHECK(diff.by_transition().count("error->incomplete") == 1);
    CHECK(case_label(changes[0]) == "z");
  }

} // TEST_SUITE
