// SPDX-License-Identifier: Apache-2.0
// The fuzzers' dictionary (tests/fuzz/vocabulary.dict) must keep up with the policies: every
// question id and every choice value and conviction category of every shipped policy is in it.
#include "test_support.hpp"

#include <doctest/doctest.h>

#include <set>
#include <sstream>
#include <string>

using namespace divert::testing;

TEST_CASE("the fuzz dictionary covers every shipped question id and value") {
  std::set<std::string> entries;
  std::istringstream dict(read_source_file("tests/fuzz/vocabulary.dict"));
  for (std::string line; std::getline(dict, line);) {
    entries.insert(line);
  }
  REQUIRE(entries.size() > 50);
  const auto quoted = [](const std::string& word) { return "\"\\\"" + word + "\\\"\""; };
  for (const char* id : {"wa-state", "wa-king-county-2011", "wa-whatcom", "wa-burien",
                         "nm-santa-fe", "co-pueblo", "ca-lead-pilot"}) {
    const divert::Policy policy = load_shipped(id);
    for (const divert::Question& q : policy.questions) {
      CHECK_MESSAGE(entries.count(quoted(q.id)) == 1, id << ": question " << q.id);
      for (const auto* list : {&q.values, &q.categories}) {
        for (const divert::ChoiceValue& v : *list) {
          CHECK_MESSAGE(entries.count(quoted(v.code)) == 1,
                        id << ": " << q.id << " value " << v.code);
        }
      }
    }
  }
}
