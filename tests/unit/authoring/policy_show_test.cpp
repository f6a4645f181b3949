// SPDX-License-Identifier: Apache-2.0
#include "needs_program.hpp"
#include "test_support.hpp"

#include "core/authoring/policy_show.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace divert;
using namespace divert::testing;

namespace {

const char* const k_shipped[] = {"lead-vocabulary", "wa-state",     "wa-king-county-2011",
                                 "wa-whatcom",      "wa-burien",    "nm-santa-fe",
                                 "co-pueblo",       "ca-lead-pilot"};

} // namespace

TEST_SUITE("policy_show") {

  TEST_CASE("conditions in plain words, derived values by name") {
    const Policy p = load_shipped("wa-king-county-2011");
    auto plain = [&](const std::string& id) {
      for (const Rule& r : p.rules) {
        if (r.id == id) return describe_condition(p, r.expr);
      }
      return std::string("?");
    };
    CHECK(plain("under-18") == "age is less than 18");
    CHECK(plain("not-amenable") == "amenable is no");
    CHECK(plain("dealing-for-profit") == "delivery_involved is yes and subsistence_only is no");
    CHECK(plain("over-quantity") == "offense is one of: 'Possession of a controlled substance'; "
                                    "'Low-level delivery (sale) of a controlled substance' and "
                                    "drug_grams is more than 3 g");
    CHECK(plain("outstanding-warrant") == "outstanding_warrant is not 'No warrant'");
    CHECK(plain("social-contact-approval") == "always");
    CHECK(plain("recent-disqualifying-conviction")
              .ends_with("and date is after incident_date minus 10 years"));
  }

  TEST_CASE("the text document has the checklist, the rules by effect, and the status") {
    const std::string text = show_policy_text(load_shipped("co-pueblo"));
    CHECK(text.starts_with("co-pueblo: Pueblo County LEAD pilot, Colorado (model)\n"));
    CHECK(text.find("! MODEL:") != std::string::npos);
    CHECK(text.find("THE CHECKLIST") != std::string::npos);
    CHECK(text.find("[drug_grams] number, 0 to 10000 (g); asked when is_drug(offense)") !=
          std::string::npos);
    CHECK(text.find("Not eligible unless:\n  - no-probable-cause (arrest_diversion):") !=
          std::string::npos);
    CHECK(text.find("    Basis: reported, Pueblo Chieftain, LEAD pilot inclusion criteria\n"
                    "      <https://") != std::string::npos);
    CHECK(text.find("In plain words: drug_grams is more than 2 g") != std::string::npos);
    for (size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos;
         start = end + 1) {
      const std::string line = text.substr(start, end - start);
      CAPTURE(line);
      // URLs cannot be broken; everything else fits 80 columns.
      CHECK((line.size() <= 79 || line.find("http") != std::string::npos));
    }
  }

  TEST_CASE("every shipped policy shows in every format") {
    for (const char* id : k_shipped) {
      CAPTURE(id);
      const Policy p = load_shipped(id);
      CHECK_FALSE(show_policy_text(p).empty());
      CHECK(show_policy_markdown(p).starts_with("# "));
      CHECK(show_policy_dot(p).starts_with("digraph "));
      const nlohmann::json form = nlohmann::json::parse(show_policy_json(p));
      CHECK(form["schema"] == "divert.policy-form/1");
      CHECK(form["policy"]["id"] == id);
      CHECK(form["questions"].size() == p.questions.size());
      CHECK(form["rules"].size() == p.rules.size());
    }
  }

  TEST_CASE("text and JSON name the file each layer was loaded from") {
    const Policy p = load_shipped("wa-whatcom");
    const std::string text = show_policy_text(p);
    CHECK(text.find("Loaded from (base layers first):\n"
                    "  lead-vocabulary 1.0.0: policies/lead-vocabulary.yaml\n") !=
          std::string::npos);
    CHECK(text.find("  wa-whatcom " + p.version + ": policies/wa-whatcom.yaml\n") !=
          std::string::npos);
    const nlohmann::json form = nlohmann::json::parse(show_policy_json(p));
    REQUIRE(form["policy"]["layers"].size() == 3);
    CHECK(form["policy"]["layers"][1]["file"] == "policies/wa-state.yaml");
  }

  TEST_CASE("the JSON form gives ask-conditions as text and as a tree") {
    const nlohmann::json form = nlohmann::json::parse(show_policy_json(load_shipped("wa-whatcom")));
    const nlohmann::json* offense = nullptr;
    const nlohmann::json* grams = nullptr;
    for (const auto& q : form["questions"]) {
      if (q["id"] == "offense") offense = &q;
      if (q["id"] == "drug_grams") grams = &q;
    }
    REQUIRE(offense != nullptr);
    REQUIRE(grams != nullptr);
    CHECK((*offense)["asked_when"] == "pathway == arrest_diversion");
    CHECK((*offense)["ask"] ==
          nlohmann::json::parse(
              R"({"op":"==","args":[{"question":"pathway"},{"value":"arrest_diversion"}]})"));
    CHECK(
        (*offense)["values"][0] ==
        nlohmann::json::parse(
            R"({"value":"drug_possession","label":"Possession of a controlled substance","drug":true,"statutes":["RCW 69.50.4013"]})"));
    CHECK((*grams)["min"] == 0);
    CHECK((*grams)["max"] == 10000);
    CHECK((*grams)["ask"]["values"] ==
          nlohmann::json::parse(R"(["drug_possession","drug_public_use","drug_delivery"])"));
  }

  TEST_CASE("the DOT graph renders with Graphviz" * DIVERT_NEEDS("dot")) {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / "divert-show-dot-test";
    std::filesystem::create_directories(dir);
    for (const char* id : k_shipped) {
      CAPTURE(id);
      const std::filesystem::path dot = dir / (std::string(id) + ".dot");
      std::ofstream(dot) << show_policy_dot(load_shipped(id));
      const std::string command = "dot -Tsvg '" + dot.string() + "' -o '" +
                                  (dir / (std::string(id) + ".svg")).string() + "' 2>&1";
      CHECK(std::system(command.c_str()) == 0);
    }
    std::filesystem::remove_all(dir);
  }

} // TEST_SUITE
