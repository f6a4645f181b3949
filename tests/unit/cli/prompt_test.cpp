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

Run drive(const Policy& policy, const std::string& typed, Answers start, int wrong_passphrases = 0) {
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

const char* const k_eligible_typing =
    "1\n"           // pathway: arrest_diversion
    "2024-03-02\n"  // incident_date
    "y\n"           // in_area
    "y\n"           // probable_cause
    "1\n"           // offense: drug_possession
    "2.5 g\n"       // drug_grams
    "n\n"           // delivery_involved
    "n\n"           // exploits_minors
    "n\n"           // promotes_prostitution
    "1990-01-01\n"  // date_of_birth
    "\n"            // convictions: none
    "1\n"           // outstanding_warrant: none
    "y\n"           // amenable
    "y\n";          // consents

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
    CHECK(run.output.find("Signed and saved.") != std::string::npos);
    CHECK(run.output.find("HAND-OFF") != std::string::npos);
    CHECK(run.output.find("\x1b[") == std::string::npos);
    std::istringstream lines(run.output);
    for (std::string line; std::getline(lines, line);) {
      CAPTURE(line);
      CHECK(line.size() <= 80);
    }
  }

  TEST_CASE("invalid input is explained and asked again") {
    const Policy p = load_shipped("wa-king-county-2011");
    Run run = drive(p, "9\nsocial\n1\n2024-02-30\ntomorrow\n2024-03-02\nmaybe\n", Answers(p));
    CHECK(run.interrupted); // input ran out after the in-area question
    CHECK(run.output.find("Not accepted: type a number from 1 to 2") != std::string::npos);
    CHECK(run.output.find("'social' is not allowed") != std::string::npos);
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
    CHECK(run.output.find("No longer asked, so dropped: probable_cause, offense") != std::string::npos);
    CHECK_FALSE(run.answers.slots[static_cast<size_t>(p.question_index("offense"))].present);
  }

  TEST_CASE("? shows help and why the question is asked") {
    const Policy p = load_shipped("wa-king-county-2011");
    Run run = drive(p, "1\n2024-03-02\ny\ny\n1\n?\n", Answers(p));
    CHECK(run.output.find("Why this is asked") != std::string::npos);
    CHECK(run.output.find("[over-quantity]") != std::string::npos);
  }

  TEST_CASE("q asks for confirmation and publishes nothing") {
    const Policy p = load_shipped("wa-king-county-2011");
    Run run = drive(p, "1\nq\nn\nq\ny\n", Answers(p));
    CHECK(run.interrupted);
    CHECK(run.signs == 0);
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
    Run run = drive(p, std::string(k_eligible_typing) + "decline\n\nAlready in treatment\n", Answers(p), 1);
    CHECK(run.status == 0);
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
  }
}
