// SPDX-License-Identifier: Apache-2.0
// batch writes a decision's members through RememberingDecisionWriter, which looks up what it
// wrote for an equal decision before. Its output must be DecisionWriter's, byte for byte, for
// every decision: repeated ones (looked up), ones that differ only in what the key leaves out
// (a referral's texts, warnings, an intake deadline), and after its memory is full.
#include "test_support.hpp"

#include "core/decision/decision_json.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace divert;
using namespace divert::testing;

namespace {

// Decisions drawn from a small pool of choices, so that equal ones recur.
Decision some_decision(std::mt19937_64& engine, const Policy& policy) {
  const auto below = [&](size_t n) { return static_cast<size_t>(engine() % n); };
  Decision d;
  d.outcome = static_cast<Outcome>(below(4));
  d.pathway = static_cast<int>(below(3)) - 1;
  const auto some_rules = [&](std::vector<const Rule*>& rules) {
    for (size_t i = 0; i < policy.rules.size(); ++i) {
      if (below(6) == 0) rules.push_back(&policy.rules[i]);
    }
  };
  const auto some_questions = [&](std::vector<int>& questions) {
    for (size_t q = 0; q < 4; ++q) {
      if (below(3) == 0) questions.push_back(static_cast<int>(q));
    }
  };
  some_rules(d.reasons);
  some_rules(d.notices);
  some_rules(d.assumed);
  some_questions(d.missing);
  some_questions(d.unused);
  if (below(20) == 0) d.warnings.emplace_back("incident_date is after today (2026-11-28)");
  if (below(3) == 0) {
    Referral referral;
    referral.provider = below(2) == 0 ? policy.providers.front().name : "Another provider";
    referral.contact = below(2) == 0 ? "call \"the desk\"" : "";
    referral.approver = below(2) == 0 ? "" : (below(2) == 0 ? "a sergeant" : "a sergeant; a judge");
    if (below(4) == 0) referral.intake_deadline = 19'000 + static_cast<Days>(below(100));
    d.referral = referral;
  }
  return d;
}

} // namespace

TEST_CASE("the remembering decision writer writes what the decision writer writes") {
  const Policy policy = load_shipped("wa-whatcom");
  REQUIRE(!policy.providers.empty());
  const DecisionWriter plain(policy);
  for (const size_t max_bytes : {size_t{1} << 20, size_t{4000}}) {
    RememberingDecisionWriter remembering(policy, max_bytes);
    std::mt19937_64 engine(20261128);
    size_t lookups_possible = 0;
    for (int n = 0; n < 20000; ++n) {
      const Decision d = some_decision(engine, policy);
      std::string want = "{";
      plain.append_members(want, d);
      // Appended after what is already there, as batch does.
      std::string got = "{";
      const size_t before = remembering.remembered();
      remembering.append_members(got, d);
      INFO("decision " << n << ": " << want);
      REQUIRE(got == want);
      lookups_possible += remembering.remembered() == before ? 1 : 0;
    }
    // Decisions recur here, so most were looked up; a small memory keeps few of them.
    CHECK(lookups_possible > 10000);
    if (max_bytes < 10000) {
      CHECK(remembering.remembered() < 10);
    } else {
      CHECK(remembering.remembered() > 100);
    }
  }
}

TEST_CASE("the remembering decision writer tells apart decisions that differ only in a referral") {
  const Policy policy = load_shipped("wa-whatcom");
  RememberingDecisionWriter remembering(policy);
  const DecisionWriter plain(policy);
  Decision d;
  d.outcome = Outcome::needs_approval;
  d.pathway = 0;
  d.reasons.push_back(&policy.rules.back());
  for (const char* approver : {"a sergeant", "a judge", "a sergeant", "", "a judge"}) {
    d.referral = Referral{policy.providers.front().name, "contact", std::nullopt, approver};
    std::string want;
    std::string got;
    plain.append_members(want, d);
    remembering.append_members(got, d);
    CHECK(got == want);
    CHECK(got.find(std::string("\"approver\":") + (*approver == 0 ? "null" : "\"")) !=
          std::string::npos);
  }
  CHECK(remembering.remembered() == 3);
}

// Decisions that differ in one number of their key must land in different entries (the lowest
// twelve bits of the hash pick one of 4,096): hashing four numbers a step once left the last of
// each four out of those bits, and every decision differing only there shared an entry.
TEST_CASE("a decision key's every number moves the entry its hash picks") {
  std::mt19937_64 engine(13);
  constexpr std::uint64_t k_entry_bits = (1u << 12) - 1;
  for (size_t size = 1; size <= 24; ++size) {
    for (size_t position = 0; position < size; ++position) {
      size_t same_entry = 0;
      for (int trial = 0; trial < 64; ++trial) {
        std::vector<std::uint16_t> key(size + 3, 0);
        for (size_t i = 0; i < size; ++i) key[i] = static_cast<std::uint16_t>(engine() % 40);
        const std::uint64_t before = RememberingDecisionWriter::key_hash(key.data(), size);
        key[position] = static_cast<std::uint16_t>(key[position] + 1 + engine() % 7);
        const std::uint64_t after = RememberingDecisionWriter::key_hash(key.data(), size);
        same_entry += (before & k_entry_bits) == (after & k_entry_bits) ? 1 : 0;
      }
      INFO("key size " << size << ", number " << position);
      CHECK(same_entry <= 2);
    }
  }
}
