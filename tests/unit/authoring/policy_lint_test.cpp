// SPDX-License-Identifier: Apache-2.0
#include "test_support.hpp"

#include "core/authoring/policy_analysis.hpp"
#include "core/authoring/policy_lint.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

using namespace divert;
using namespace divert::testing;

namespace {

const Days k_today = *parse_date("2026-11-26");

// A concrete policy over the vocabulary with `rules` (YAML list items) appended.
std::string policy_with(const std::string& rules, const std::string& extra = "") {
  return TestPolicy().head(extra).rules(rules).yaml();
}

std::vector<Diagnostic> lint_all(const std::string& yaml, Days today = k_today) {
  return lint_policy_file(PolicyText{yaml, "p.yaml", "."}, shipped_resolver(), today);
}

// The fixtures' rules state no basis (what a rule rests on has cases of its own below), so
// the other checks are seen without that finding on every rule.
std::vector<Diagnostic> lint_text(const std::string& yaml, Days today = k_today) {
  std::vector<Diagnostic> found = lint_all(yaml, today);
  std::erase_if(found, [](const Diagnostic& d) { return d.check == "rule-no-basis"; });
  return found;
}

// Findings one per line, so that a failed CHECK prints them readably.
std::string formatted(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const Diagnostic& d : ds) out += format_diagnostic(d) + "\n";
  return out;
}

std::string lines(const std::vector<std::string>& expected) {
  std::string out;
  for (const std::string& line : expected) out += line + "\n";
  return out;
}

size_t count_lines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// The findings of one check, formatted.
std::string of_check(const std::vector<Diagnostic>& ds, const std::string& check) {
  std::vector<Diagnostic> picked;
  std::copy_if(ds.begin(), ds.end(), std::back_inserter(picked),
               [&](const Diagnostic& d) { return d.check == check; });
  return formatted(picked);
}

const std::string k_consent = "  - id: no-consent\n"
                              "    effect: require\n"
                              "    condition: consents\n"
                              "    explain: Must agree.\n"
                              "    citation: Protocol\n";

} // namespace

TEST_SUITE("policy_lint") {

  TEST_CASE("every shipped policy lints with no error and no warning") {
    for (const char* id : {"lead-vocabulary", "wa-state", "wa-king-county-2011", "wa-whatcom",
                           "wa-burien", "nm-santa-fe", "co-pueblo", "ca-lead-pilot"}) {
      CAPTURE(id);
      const std::string path = std::string("policies/") + id + ".yaml";
      const std::vector<Diagnostic> found =
          lint_policy_file(PolicyText{read_source_file(path), path, "."}, shipped_resolver(),
                           k_today);
      for (const Diagnostic& d : found) {
        CAPTURE(format_diagnostic(d));
        CHECK(d.severity == Severity::note);
      }
    }
  }

  TEST_CASE("a clean policy has no findings") {
    CHECK(formatted(lint_text(policy_with(k_consent))).empty());
  }

  TEST_CASE("an unknown question is an error at its line and column, also in a folded condition") {
    const auto found = lint_text(policy_with(k_consent + "  - id: bad\n"
                                                         "    effect: exclude\n"
                                                         "    condition: >-\n"
                                                         "      delivery_involved and\n"
                                                         "      not amenible\n"
                                                         "    explain: x\n"
                                                         "    citation: y\n"));
    CHECK(formatted(found) ==
          lines({"p.yaml:19:11: error: unknown question 'amenible', did you mean "
                 "'amenable'? [unknown-question]"}));
  }

  TEST_CASE("a choice value the question does not have is an error") {
    const auto found = lint_text(policy_with(k_consent + "  - id: bad\n"
                                                         "    effect: exclude\n"
                                                         "    condition: capacity == full\n"
                                                         "    explain: x\n"
                                                         "    citation: y\n"));
    REQUIRE(found.size() == 1);
    CHECK(found[0].check == "unknown-value");
    CHECK(found[0].where.line == 17);
    CHECK(found[0].where.column == 28);
  }

  TEST_CASE("a pathway the vocabulary does not have is an error of its own check") {
    const auto found = lint_text(policy_with(k_consent + "  - id: bad\n"
                                                         "    effect: exclude\n"
                                                         "    pathways: [arrest_diversoin]\n"
                                                         "    condition: delivery_involved\n"
                                                         "    explain: x\n"
                                                         "    citation: y\n"));
    REQUIRE(found.size() == 1);
    CHECK(found[0].check == "unknown-pathway");
    CHECK(found[0].code == "unknown-pathway");
  }

  TEST_CASE("a load error that is no check of its own is reported as 'load'") {
    CHECK(lint_check_for(Diagnostic{{}, Severity::error, "unknown question 'x'", {}, {}}) ==
          "load");
    CHECK(lint_check_for(Diagnostic{{}, Severity::error, "m", {}, "bad-value"}) == "load");
    CHECK(lint_check_for(Diagnostic{{}, Severity::error, "m", {}, "unknown-value"}) ==
          "unknown-value");
  }

  TEST_CASE("a YAML syntax error is a finding, not a crash") {
    const auto found = lint_text("format: 1\nid: [unclosed\n");
    REQUIRE(found.size() == 1);
    CHECK(found[0].check == "yaml");
    CHECK(found[0].severity == Severity::error);
  }

  TEST_CASE("comparisons decided by the question's range") {
    const auto found =
        lint_text(policy_with(k_consent + "  - id: huge\n"
                                          "    effect: exclude\n"
                                          "    condition: drug_grams > 10000\n"
                                          "    explain: x\n"
                                          "    citation: y\n"
                                          "  - id: unborn\n"
                                          "    effect: exclude\n"
                                          "    condition: delivery_involved and age < 0\n"
                                          "    explain: x\n"
                                          "    citation: y\n"
                                          "  - id: always\n"
                                          "    effect: require\n"
                                          "    condition: consents or residency_months <= 1500\n"
                                          "    explain: x\n"
                                          "    citation: y\n"));
    CHECK(
        of_check(found, "impossible-comparison") ==
        lines({"p.yaml:17:16: error: 'drug_grams > 10000' is never true: 'drug_grams' is from 0 to "
               "10000 (rule 'huge') [impossible-comparison]",
               "p.yaml:22:38: error: 'age < 0' is never true: it counts whole years from "
               "'date_of_birth' to 'incident_date', which is never negative (rule 'unborn') "
               "[impossible-comparison]"}));
    CHECK(count_lines(of_check(found, "always-true-comparison")) == 1);
    CHECK(
        of_check(found, "rule-never-fires") ==
        lines(
            {"p.yaml:15:9: warning: rule 'huge' can never fire: its condition is false in every "
             "case it applies to, given the questions' types and ranges [rule-never-fires]",
             "p.yaml:20:9: warning: rule 'unborn' can never fire: its condition is false in every "
             "case it applies to, given the questions' types and ranges [rule-never-fires]",
             "p.yaml:25:9: warning: rule 'always' can never fail: its condition holds in every "
             "case "
             "it applies to, given the questions' types and ranges [rule-never-fires]"}));
  }

  // The ages sampled were the constant's and the one below it: with nothing above 100,
  // `age > 100` was reported as never firing and `age <= 100` as never failing.
  TEST_CASE("an age limit is sampled on both sides of its constant") {
    const auto found =
        lint_text(policy_with(k_consent + "  - id: centenarian\n"
                                          "    effect: exclude\n"
                                          "    condition: age > 100\n"
                                          "    explain: x\n"
                                          "    citation: y\n"
                                          "  - id: plausible-age\n"
                                          "    effect: require\n"
                                          "    condition: age <= 100\n"
                                          "    explain: x\n"
                                          "    citation: y\n"
                                          "  - id: long-resident\n"
                                          "    effect: exclude\n"
                                          "    condition: months_between(date_of_birth, "
                                          "incident_date) > 1300\n"
                                          "    explain: x\n"
                                          "    citation: y\n"));
    CHECK(of_check(found, "rule-never-fires").empty());
    CHECK(of_check(found, "rule-always-fires").empty());
  }

  TEST_CASE("date comparisons decided by past events") {
    const auto found = lint_text(
        policy_with(k_consent + "  - id: future\n"
                                "    effect: exclude\n"
                                "    condition: any(convictions, date > incident_date)\n"
                                "    explain: x\n"
                                "    citation: y\n"
                                "  - id: window\n"
                                "    effect: exclude\n"
                                "    condition: any(convictions, date > incident_date - 10 years)\n"
                                "    explain: x\n"
                                "    citation: y\n"));
    CHECK(of_check(found, "impossible-comparison") ==
          lines({"p.yaml:17:33: error: 'date > incident_date' is never true: the dates in "
                 "'convictions' are past events, never after the incident date (rule 'future') "
                 "[impossible-comparison]"}));
    CHECK(count_lines(of_check(found, "rule-never-fires")) == 1);
  }

  TEST_CASE("an unknown question in a derived value no rule uses yet") {
    const auto found =
        lint_text(policy_with(k_consent, "derived:\n"
                                         "  - id: months_here\n"
                                         "    label: Months here\n"
                                         "    value: months_between(moved_in, incident_date)\n"));
    CHECK(formatted(found) ==
          lines({"p.yaml:12:27: error: unknown question 'moved_in' (derived value "
                 "'months_here') [unknown-question]"}));
  }

  TEST_CASE("a rule that never fires because of ask-conditions, not ranges") {
    // drug_type is asked only for drug offenses, so no case has both.
    const auto found = lint_text(
        policy_with(k_consent + "  - id: odd\n"
                                "    effect: exclude\n"
                                "    condition: offense == theft_3 and drug_type == opioid\n"
                                "    explain: x\n"
                                "    citation: y\n"));
    CHECK(count_lines(of_check(found, "rule-never-fires")) == 1);
    CHECK(of_check(found, "impossible-comparison").empty());
  }

  TEST_CASE("an exclusion that makes another rule unreachable") {
    const auto found =
        lint_text(policy_with(k_consent + "  - id: offense-not-eligible\n"
                                          "    effect: require\n"
                                          "    pathways: [arrest_diversion]\n"
                                          "    condition: offense in [drug_possession, theft_3]\n"
                                          "    explain: x\n"
                                          "    citation: y\n"
                                          "  - id: dui\n"
                                          "    effect: exclude\n"
                                          "    condition: offense == dui\n"
                                          "    explain: x\n"
                                          "    citation: y\n"
                                          "  - id: big\n"
                                          "    effect: exclude\n"
                                          "    condition: drug_grams > 3\n"
                                          "    explain: x\n"
                                          "    citation: y\n"
                                          "  - id: approve-big\n"
                                          "    effect: approval\n"
                                          "    condition: drug_grams > 5\n"
                                          "    approver: z\n"
                                          "    explain: x\n"
                                          "    citation: y\n"));
    CHECK(
        of_check(found, "unreachable-rule") ==
        lines(
            {"p.yaml:21:9: warning: rule 'dui' never decides a case on its own: whenever it "
             "excludes, rule 'offense-not-eligible' (line 15) fails too [unreachable-rule]",
             "p.yaml:31:9: warning: approval 'approve-big' is unreachable: whenever it holds, rule "
             "'big' (line 26) already makes the case ineligible [unreachable-rule]"}));
  }

  TEST_CASE("rules that always hold are flagged unless declared holds_by_design") {
    const std::string approval = "  - id: approve-all\n"
                                 "    effect: approval\n"
                                 "    condition: true\n"
                                 "    approver: z\n"
                                 "    explain: x\n"
                                 "    citation: y\n";
    CHECK(count_lines(
              of_check(lint_text(policy_with(k_consent + approval)), "rule-always-fires")) == 1);
    CHECK(formatted(lint_text(policy_with(k_consent + approval + "    holds_by_design: true\n")))
              .empty());
    const auto varies = lint_text(policy_with(k_consent + "  - id: v\n"
                                                          "    effect: notice\n"
                                                          "    condition: gang_related\n"
                                                          "    holds_by_design: true\n"
                                                          "    explain: x\n"
                                                          "    citation: y\n"));
    CHECK(count_lines(of_check(varies, "holds-by-design-unneeded")) == 1);
  }

  TEST_CASE("duplicate conditions") {
    const auto found = lint_text(policy_with(k_consent + "  - id: again\n"
                                                         "    effect: require\n"
                                                         "    condition: consents\n"
                                                         "    explain: x\n"
                                                         "    citation: y\n"));
    CHECK(of_check(found, "duplicate-condition") ==
          lines({"p.yaml:15:9: warning: rule 'again' has the same condition as "
                 "rule 'no-consent' (line 10); merge them [duplicate-condition]"}));
  }

  TEST_CASE("review and end dates against --today; dates out of order") {
    const std::string yaml =
        policy_with(k_consent, "review_by: \"2025-01-01\"\nexpires: \"2026-06-30\"\n");
    CHECK(of_check(lint_text(yaml), "review-overdue") ==
          lines({"p.yaml:9:12: warning: policy was due for review on 2025-01-01 "
                 "(today is 2026-11-26): check it against the program's current "
                 "criteria, then move review_by forward [review-overdue]"}));
    CHECK(count_lines(of_check(lint_text(yaml), "policy-expired")) == 1);
    CHECK(formatted(lint_text(yaml, *parse_date("2024-12-31"))).empty());
    CHECK(count_lines(of_check(lint_text(policy_with(k_consent, "expires: \"2023-01-01\"\n"),
                                         *parse_date("2022-01-01")),
                               "dates-out-of-order")) == 1);
  }

  TEST_CASE("status notes point at the status key") {
    std::string yaml = policy_with(k_consent);
    yaml.replace(yaml.find("adopted"), 7, "model");
    CHECK(formatted(lint_text(yaml)) ==
          lines({"p.yaml:5:9: note: policy 'p' is a model: its criteria are not "
                 "confirmed or adopted by the program, and every decision under it "
                 "says so [status-not-adopted]"}));
  }

  TEST_CASE("fewer pathways than the vocabulary need a rule refusing the others") {
    const auto unrefused = lint_text(policy_with(k_consent, "pathways: [arrest_diversion]\n"));
    CHECK(count_lines(of_check(unrefused, "pathway-not-refused")) == 1);
    const auto refused =
        lint_text(policy_with(k_consent + "  - id: pathway-not-offered\n"
                                          "    effect: require\n"
                                          "    condition: pathway == arrest_diversion\n"
                                          "    explain: x\n"
                                          "    citation: y\n",
                              "pathways: [arrest_diversion]\n"));
    CHECK(formatted(refused).empty());
  }

  TEST_CASE("a policy's own question nothing reads; a question never asked where a rule applies") {
    const auto found = lint_text(policy_with(k_consent + "  - id: social-theft\n"
                                                         "    effect: exclude\n"
                                                         "    pathways: [social_contact]\n"
                                                         "    condition: offense == theft_3\n"
                                                         "    explain: x\n"
                                                         "    citation: y\n",
                                             "questions:\n"
                                             "  - id: my_flag\n"
                                             "    type: bool\n"
                                             "    label: Unused?\n"));
    CHECK(of_check(found, "unused-question") ==
          lines({"p.yaml:10:9: warning: question 'my_flag' is read by no rule and "
                 "no other question's asked_when: officers would never be asked "
                 "it [unused-question]"}));
    CHECK(count_lines(of_check(found, "question-never-asked")) == 1);
  }

  TEST_CASE("an override that changes nothing is reported from the loader's notes") {
    const std::string yaml =
        "format: 1\nid: p\ntitle: P\nversion: \"1\"\nstatus: model\nabstract: true\n"
        "extends: wa-state\nrules:\n"
        "  - id: wa-2023-referral-encouraged\n"
        "    override: true\n"
        "    effect: notice\n"
        "    pathways: [arrest_diversion]\n"
        "    condition: >-\n"
        "      incident_date >= 2023-07-01 and offense in [drug_possession, drug_public_use]\n"
        "    explain: >-\n"
        "      Since 1 July 2023 Washington law encourages (no longer requires) officers to offer "
        "a\n"
        "      referral to services instead of booking for possession or public use.\n"
        "    citation: 2E2SSB 5536, ch. 1, Laws of 2023, 1st special session (RCW 69.50.4013 as "
        "amended)\n"
        "    basis: published\n"
        "    sources:\n"
        "      - title: House bill report, E2SSB 5536 (2023)\n"
        "        url: "
        "http://lawfilesext.leg.wa.gov/Biennium/2023-24/Htm/Bill%20Reports/House/"
        "5536-S2.E%20HBR%20CSJR%2023.htm\n"
        "      - title: 2E2SSB 5536 (2023 1st special session), bill summary and status\n"
        "        url: https://www.billtrack50.com/billdetail/1537782\n";
    CHECK(count_lines(of_check(lint_text(yaml), "override-no-change")) == 1);
    // A different basis is a change.
    std::string changed = yaml;
    changed.replace(changed.find("basis: published"), 16, "basis: reported");
    CHECK(count_lines(of_check(lint_text(changed), "override-no-change")) == 0);
  }

  TEST_CASE("every rule says what it rests on: basis and sources") {
    const std::string adopted = policy_with(k_consent);
    CHECK(of_check(lint_all(adopted), "rule-no-basis") ==
          lines({"p.yaml:10:9: error: rule 'no-consent' does not say what it rests on: add "
                 "'basis: published' (the program's or the law's own text), 'reported' (a "
                 "secondary source) or 'assumed' (the model's own choice) [rule-no-basis]"}));
    std::string model = adopted;
    model.replace(model.find("status: adopted"), 15, "status: model");
    CHECK(of_check(lint_all(model), "rule-no-basis").find(": warning: rule 'no-consent'") !=
          std::string::npos);

    const std::string unsourced = policy_with(k_consent + "    basis: reported\n");
    CHECK(of_check(lint_all(unsourced), "rule-no-source") ==
          lines({"p.yaml:10:9: error: rule 'no-consent' is reported but names no source: add "
                 "'sources' (title and url) [rule-no-source]"}));
    const std::string sourced =
        policy_with(k_consent + "    basis: published\n"
                                "    sources: [{title: T, url: 'https://x.invalid/'}]\n");
    CHECK(formatted(lint_all(sourced)).empty());

    const std::string assumed = policy_with(k_consent + "    basis: assumed\n");
    CHECK(of_check(lint_all(assumed), "assumed-in-adopted") ==
          lines({"p.yaml:10:9: error: rule 'no-consent' rests on the model's assumption, but the "
                 "policy is adopted: an adopted policy states only the program's criteria "
                 "[assumed-in-adopted]"}));
    std::string assumed_model = assumed;
    assumed_model.replace(assumed_model.find("status: adopted"), 15, "status: model");
    CHECK(of_check(lint_all(assumed_model), "assumed-in-adopted").empty());
  }

  TEST_CASE(
      "an unquoted date is found wherever it is, a quoted one and a date in a condition are not") {
    std::string yaml = policy_with(k_consent);
    yaml.replace(yaml.find("\"2024-01-01\""), 12, "2024-01-01");
    yaml +=
        "    basis: published\n    sources: [{title: '2020-01-01', url: 'https://x.invalid/'}]\n"
        "  - id: late\n    effect: notice\n    condition: incident_date >= 2023-07-01\n"
        "    explain: x\n    citation: y\n    basis: published\n"
        "    sources: [{title: 2021-05-13, url: 'https://x.invalid/'}]\n";
    CHECK(of_check(lint_all(yaml), "unquoted-date") ==
          lines({"p.yaml:7:12: warning: quote the date: \"2024-01-01\" (YAML 1.1 tools read "
                 "2024-01-01 unquoted as a date, not text) [unquoted-date]",
                 "p.yaml:23:23: warning: quote the date: \"2021-05-13\" (YAML 1.1 tools read "
                 "2021-05-13 unquoted as a date, not text) [unquoted-date]"}));
  }

  // PyYAML read this question's values as {True: "Housed", False: "Unknown"}: `no` and `off`
  // became one key, and divert, reading text, said nothing.
  TEST_CASE("a YAML 1.1 boolean word written unquoted is found, key or value; quoted, it is not") {
    const std::string yaml = policy_with(k_consent, "questions:\n"
                                                    "  - id: housed\n"
                                                    "    type: choice\n"
                                                    "    label: no\n"
                                                    "    values:\n"
                                                    "      yes: Housed\n"
                                                    "      \"no\": Not housed\n"
                                                    "      off: Unknown\n"
                                                    "      'on': Sheltered\n");
    const std::string found = of_check(lint_all(yaml), "yaml11-boolean");
    CHECK(count_lines(found) == 3);
    CHECK(found.find("quote it: \"no\" (YAML 1.1 tools read no unquoted as false, not text) "
                     "[yaml11-boolean]") != std::string::npos);
    CHECK(found.find("quote it: \"yes\" (YAML 1.1 tools read yes unquoted as true, not text)") !=
          std::string::npos);
    CHECK(found.find("quote it: \"off\"") != std::string::npos);
    CHECK(found.find("\"on\"") == std::string::npos);
  }

  TEST_CASE("every check a finding can carry is listed, once") {
    std::set<std::string> ids;
    for (const LintCheck& c : lint_checks()) {
      CHECK(ids.insert(c.id).second);
    }
    for (const char* id :
         {"unknown-question", "unknown-value", "impossible-comparison", "unreachable-rule",
          "rule-never-fires", "override-no-change", "yaml", "load", "unreadable"}) {
      CHECK(ids.count(id) == 1);
    }
  }

  TEST_CASE("where_in_scalar follows a folded condition across lines") {
    const std::string text = "rules:\n  - id: r\n    condition: >-\n      aaa and\n      bbb < 3\n";
    const PolicySources sources({{"f.yaml", text}});
    const YamlNode* node = sources.rule_field("f.yaml", "r", "condition");
    REQUIRE(node != nullptr);
    CHECK(node->scalar == "aaa and bbb < 3");
    const SourceLocation at = sources.where_in_scalar("f.yaml", *node, node->scalar.find("bbb"));
    CHECK(at.line == 5);
    CHECK(at.column == 7);
  }

  TEST_CASE("analysis is silent on constructs it does not sample (count)") {
    const Policy policy = load_text(
        policy_with(k_consent + "  - id: many\n"
                                "    effect: exclude\n"
                                "    condition: count(convictions, category == murder) >= 2\n"
                                "    explain: x\n"
                                "    citation: y\n"));
    const PolicyAnalyzer analyzer(policy);
    CHECK_FALSE(analyzer.analyze_rule(1).exact);
    CHECK(analyzer.analyze_rule(0).exact);
  }

} // TEST_SUITE
