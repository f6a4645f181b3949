// SPDX-License-Identifier: Apache-2.0
#include "cli/prompt.hpp"
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <sstream>

using namespace divert;
using namespace divert::cli;
using namespace divert::testing;

namespace {

struct Run {
  int status = -1;
  bool interrupted = false;
  std::string output;
  int drafts = 0;
  int signs = 0;
  std::optional<OfficerAction> action;
  Decision decision;
  Answers answers;
  explicit Run(const Policy& p) : answers(p) {}
};

Run drive(const Policy& policy, const std::string& typed, Answers start,
          int wrong_passphrases = 0) {
  Run run(policy);
  run.answers = std::move(start);
  std::istringstream in(typed);
  std::ostringstream out;
  std::ostringstream err;
  Io io{in, out, err};
  std::vector<int> history;
  int failures_left = wrong_passphrases;
  WalkthroughHooks hooks;
  hooks.save_draft = [&](const Answers&, const std::vector<int>&) { ++run.drafts; };
  hooks.sign = [&](const Answers&, const Decision& d, const std::optional<OfficerAction>& a) {
    if (failures_left-- > 0) throw KeyError("wrong passphrase");
    ++run.signs;
    run.decision = d;
    run.action = a;
    return SignedScreening{"01TESTRECORD", "/records/REF-01TESTRECORD.json", "SHA256:abc"};
  };
  WalkthroughOptions options;
  options.today = *parse_date("2024-03-05");
  try {
    run.status = run_walkthrough(policy, run.answers, history, io, hooks, options);
  } catch (const Interrupted&) {
    run.interrupted = true;
  }
  run.output = out.str();
  return run;
}

const char* const k_eligible_typing = "1\n"          // pathway: arrest_diversion
                                      "2024-03-02\n" // incident_date
                                      "y\n"          // in_area
                                      "y\n"          // probable_cause
                                      "1\n"          // offense: drug_possession
                                      "2.5 g\n"      // drug_grams
                                      "n\n"          // delivery_involved
                                      "n\n"          // exploits_minors
                                      "n\n"          // promotes_prostitution
                                      "1990-01-01\n" // date_of_birth
                                      "\n"           // convictions: none
                                      "1\n"          // outstanding_warrant: none
                                      "y\n"          // amenable
                                      "y\n";         // consents

} // namespace

TEST_SUITE("prompt") {
  TEST_CASE("a full screening to a signed referral") {
    const Policy p = load_shipped("wa-king-county-2011");
    Run run = drive(p, std::string(k_eligible_typing) + "sign\n", Answers(p));
    CHECK(run.status == 0);
    CHECK(run.signs == 1);
    REQUIRE(run.action);
    CHECK(run.action->kind == ActionKind::refer);
    CHECK(run.decision.outcome == Outcome::eligible);
    CHECK(run.drafts >= 13);
    CHECK(run.output.find("Question 1 of at most") != std::string::npos);
    CHECK(run.output.find("Referred.") != std::string::npos);
    // The hand-off card carries the record id.
    const size_t card = run.output.find("HAND-OFF");
    REQUIRE(card != std::string::npos);
    CHECK(run.output.find("| Record id: 01TESTRECORD", card) != std::string::npos);
    CHECK(run.output.find("\x1b[") == std::string::npos);
    std::istringstream lines(run.output);
    for (std::string line; std::getline(lines, line);) {
      CAPTURE(line);
      CHECK(line.size() <= 80);
    }
  }

  TEST_CASE("invalid input is explained and asked again") {
    const Policy p = load_shipped("wa-king-county-2011");
    Run run = drive(p, "9\nwalking\n1\n2024-02-30\ntomorrow\n2024-03-02\nmaybe\n", Answers(p));
    CHECK(run.interrupted); // input ran out after the in-area question
    CHECK(run.output.find("Not accepted: type a number from 1 to 2") != std::string::npos);
    CHECK(run.output.find("'walking' is not in the list") != std::string::npos);
    CHECK(run.output.find("calendar date") != std::string::npos);
    CHECK(run.output.find("type y for yes or n for no") != std::string::npos);
    CHECK(run.answers.slots[static_cast<size_t>(p.question_index("incident_date"))].present);
  }

  TEST_CASE("b goes back and keeps later answers that still apply") {
    const Policy p = load_shipped("wa-king-county-2011");
    // pathway, date, then back to the date and change it.
    Run run = drive(p, "1\n2024-03-02\nb\n2024-03-03\n", Answers(p));
    CHECK(run.interrupted);
    CHECK(format_date(static_cast<Days>(
              run.answers.slots[static_cast<size_t>(p.question_index("incident_date"))].x)) ==
          "2024-03-03");
    CHECK(run.answers.slots[static_cast<size_t>(p.question_index("pathway"))].present);
  }

  TEST_CASE("changing the pathway in review drops answers that no longer apply") {
    const Policy p = load_shipped("wa-king-county-2011");
    Run run = drive(p, "1\n2024-03-02\ny\ny\n1\nr\n1\n2\n", Answers(p));
    CHECK(run.interrupted);
    CHECK(run.output.find("No longer asked, so dropped: Is there probable cause") !=
          std::string::npos);
    CHECK(run.output.find("probable_cause") == std::string::npos);
    CHECK_FALSE(run.answers.slots[static_cast<size_t>(p.question_index("offense"))].present);
  }

  TEST_CASE("? shows help and why the question is asked") {
    const Policy p = load_shipped("wa-king-county-2011");
    Run run = drive(p, "1\n2024-03-02\ny\ny\n1\n?\n", Answers(p));
    const size_t help = run.output.find("Why this is asked");
    REQUIRE(help != std::string::npos);
    CHECK(run.output.find("[over-quantity]") == std::string::npos); // no rule ids for officers
    // The question is shown again after its help, so that it never scrolls out of sight.
    CHECK(run.output.find("How much, in grams?", help) != std::string::npos);
  }

  TEST_CASE("q asks for confirmation and publishes nothing") {
    const Policy p = load_shipped("wa-king-county-2011");
    Run run = drive(p, "1\nq\nn\nq\ny\n", Answers(p));
    CHECK(run.status == 130); // quit is not an error, but nothing was published
    CHECK_FALSE(run.interrupted);
    CHECK(run.signs == 0);
    CHECK(run.output.find("Quit: nothing was published") != std::string::npos);
    CHECK(run.output.find("--resume") != std::string::npos);
  }

  TEST_CASE("pre-filled answers are not asked again") {
    const Policy p = load_shipped("wa-king-county-2011");
    Answers start = answers_from(p, "pathway: arrest_diversion\nincident_date: 2024-03-02\n");
    Run run = drive(p, "y\n", start); // in_area
    CHECK(run.output.find("How did this referral come about?") == std::string::npos);
    CHECK(run.output.find("Is there probable cause") != std::string::npos);
  }

  TEST_CASE("decline asks for a reason; a wrong passphrase can be retried") {
    const Policy p = load_shipped("wa-king-county-2011");
    Run run = drive(p, std::string(k_eligible_typing) + "decline\n\nAlready in treatment\n",
                    Answers(p), 1);
    CHECK(run.status == 4);
    CHECK(run.output.find("Declined: not referred.") != std::string::npos);
    CHECK(run.output.find("Reason: Already in treatment") != std::string::npos);
    CHECK(run.output.find("Record id: 01TESTRECORD") != std::string::npos);
    const std::string after = run.output.substr(run.output.find("Declined: not referred."));
    CHECK(after.find("HAND-OFF") == std::string::npos);
    CHECK(after.find("Intake by") == std::string::npos);
    REQUIRE(run.action);
    CHECK(run.action->kind == ActionKind::decline);
    CHECK(run.action->reason == "Already in treatment");
    CHECK(run.output.find("A reason is required.") != std::string::npos);
    CHECK(run.output.find("Wrong passphrase; try again.") != std::string::npos);
  }

  TEST_CASE("an ineligible case can be signed without an action") {
    const Policy p = load_shipped("wa-king-county-2011");
    Run run = drive(p, "1\n2024-03-02\ny\nn\n1\nsign\n", Answers(p));
    CHECK(run.status == 1);
    CHECK_FALSE(run.action);
    CHECK(run.output.find("The outcome is now known: INELIGIBLE.") != std::string::npos);
    CHECK(run.output.find("Instead: proceed as you would without LEAD") != std::string::npos);
    CHECK(run.output.find("social-contact pathway") != std::string::npos);
  }

  TEST_CASE("an exception request says what happens next and exits 5") {
    const Policy p = load_shipped("wa-king-county-2011");
    Run run = drive(p, "1\n2024-03-02\nn\n1\nexception\nKnown to the case manager\n", Answers(p));
    CHECK(run.status == 5);
    REQUIRE(run.action);
    CHECK(run.action->kind == ActionKind::exception_requested);
    CHECK(run.output.find("What happens next") != std::string::npos);
    CHECK(run.output.find("for approval") != std::string::npos);
    CHECK(run.output.find("HAND-OFF") == std::string::npos);
  }

  TEST_CASE("answers in the officer's words: labels, prefixes, units, today") {
    const Policy p = load_shipped("wa-king-county-2011");
    // "arrest" is the start of one label; Enter at the incident date means today; "possession"
    // does not start a label but "Possession of" does; "2.5 grams" names the unit.
    Run run = drive(p, "arrest\n\ny\ny\npossession of\n2.5 grams\nr\n", Answers(p));
    CHECK(run.output.find("Enter for today, 2024-03-05") != std::string::npos);
    const auto slot = [&](const char* id) {
      return run.answers.slots[static_cast<size_t>(p.question_index(id))];
    };
    CHECK(slot("pathway").present);
    CHECK(format_date(static_cast<Days>(slot("incident_date").x)) == "2024-03-05");
    CHECK(slot("offense").present);
    CHECK(slot("drug_grams").x == doctest::Approx(2.5));
    // The review speaks in labels, never ids.
    const size_t review = run.output.find("Answers so far:");
    REQUIRE(review != std::string::npos);
    const std::string listed = run.output.substr(review);
    CHECK(listed.find("Date of the incident or contact: 2024-03-05") != std::string::npos);
    CHECK(listed.find("book? Possession of a controlled") != std::string::npos);
    for (const char* id : {"incident_date", "drug_possession", "drug_grams", "arrest_diversion"}) {
      CAPTURE(id);
      CHECK(run.output.find(id) == std::string::npos);
    }
  }

  TEST_CASE("a future incident date and an ambiguous prefix are refused with the reason") {
    const Policy p = load_shipped("wa-king-county-2011");
    Run run = drive(p, "1\n2024-03-06\n2024-03-02\ny\ny\ndr\nArrest diversion\n", Answers(p));
    CHECK(run.output.find("2024-03-06 is after today (2024-03-05)") != std::string::npos);
    CHECK(run.output.find("'dr' could be") != std::string::npos);
    CHECK(run.output.find("'Arrest diversion' is not in the list") != std::string::npos);
    CHECK(run.output.find("arrest_diversion") == std::string::npos);
    // Each refusal shows the question and its choices again.
    const size_t refused = run.output.find("'dr' could be");
    CHECK(run.output.find("What is the offense you would otherwise book?", refused) !=
          std::string::npos);
  }

  TEST_CASE("a date of birth after the incident is refused in the officer's words") {
    const Policy p = load_shipped("wa-king-county-2011");
    Run run =
        drive(p, std::string("1\n2024-03-02\ny\ny\n1\n2.5 g\nn\nn\nn\n2027-01-01\n"), Answers(p));
    CHECK(run.output.find("date of birth (2027-01-01) is after the incident date") !=
          std::string::npos);
    CHECK(run.output.find("date_of_birth") == std::string::npos);
  }
}
