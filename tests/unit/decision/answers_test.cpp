// SPDX-License-Identifier: Apache-2.0
// One answers path: YAML answers and JSON Lines answers decode into plain values and pass the
// same validators, so the same answer gets the same verdict and message in both formats.
#include "core/decision/answers_json.hpp"

#include "../test_support.hpp"

#include <doctest/doctest.h>

#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

using namespace divert;
using divert::testing::load_shipped;

namespace {

// The message for one answer given in YAML ("" when accepted).
std::string yaml_problem(const Policy& policy, const std::string& id, const std::string& value) {
  Answers answers(policy);
  try {
    read_answers(parse_yaml(id + ": " + value + "\n", "answers.yaml"), policy, answers,
                 AnswerSource::file);
  } catch (const InputError& e) {
    return e.diagnostics().front().message;
  }
  return "";
}

// The message for one answer given on a JSON line ("" when accepted).
std::string json_problem(const Policy& policy, const std::string& id, const std::string& value) {
  JsonCaseReader reader(policy);
  Answers answers(policy);
  std::string line = "{\"" + id + "\": " + value + "}";
  const size_t size = line.size();
  line.append(JsonCaseReader::padding(), ' ');
  std::string case_id;
  return reader.read(std::string_view(line.data(), size), answers, case_id);
}

} // namespace

TEST_CASE("YAML and JSON Lines answers get the same verdict and message") {
  const Policy policy = load_shipped("wa-whatcom");
  struct Same {
    const char* id;
    const char* yaml;
    const char* json;
    const char* message; // part of the message; "" when accepted
  };
  const Same cases[] = {
      {"consents", "true", "true", ""},
      {"consents", "y", "\"y\"", "answer 'consents' must be true or false, not "},
      {"consents", "[1]", "[1]", "answer 'consents' must be true or false, not a list"},
      {"capacity", "ful", "\"ful\"", "answer 'capacity' 'ful' is not allowed"},
      {"capacity", "{a: 1}", "{\"a\": 1}", "answer 'capacity' must be one of: open, "},
      {"drug_grams", "2.5", "2.5", ""},
      {"drug_grams", "10001", "10001", "answer 'drug_grams' must be at most 10000 (10001 given)"},
      {"drug_grams", "1e400", "1e400",
       "answer 'drug_grams' must be a number, not '1e400' (too large to hold)"},
      {"drug_grams", "1e-400", "1e-400",
       "answer 'drug_grams' must be a number, not '1e-400' (too small to hold: it would be read "
       "as 0)"},
      {"drug_grams", "-1e-400", "-1e-400", "(too small to hold"},
      {"drug_grams", "0e-400", "0e-400", ""},
      {"residency_months", "2.5", "2.5",
       "answer 'residency_months' must be a whole number, not '2.5'"},
      {"incident_date", "2023-02-30", "\"2023-02-30\"",
       "answer 'incident_date' must be a calendar date YYYY-MM-DD, not "},
      {"convictions", "[]", "[]", ""},
      {"convictions", "[{category: robbery_2, date: 2016-03-02}]",
       "[{\"category\": \"robbery_2\", \"date\": \"2016-03-02\"}]", ""},
      {"convictions", "[{category: robbery_9, date: 2016-03-02}]",
       "[{\"category\": \"robbery_9\", \"date\": \"2016-03-02\"}]",
       "answer 'convictions' item 1: category 'robbery_9' is not allowed, did you mean"},
      {"convictions", "[{category: robbery_2}]", "[{\"category\": \"robbery_2\"}]",
       "answer 'convictions' item 1 needs both category and date"},
      {"convictions", "[1]", "[1]",
       "answer 'convictions' item 1 must be {category: ..., date: "
       "YYYY-MM-DD}, not '1'"},
      {"convictions", "[[]]", "[[]]",
       "item 1 must be {category: ..., date: YYYY-MM-DD}, not a list"},
      {"convictions", "yes", "true", "answer 'convictions' must be a list of"},
      {"narrative", "[a]", "[\"a\"]", "answer 'narrative' must be text, not a list"},
      {"narrative", "\"\"", "\"\"", ""},
      {"narrative", "~", "null", ""},
  };
  for (const Same& c : cases) {
    const std::string id = c.id;
    const std::string yaml = c.yaml;
    CAPTURE(id);
    CAPTURE(yaml);
    const std::string from_yaml = yaml_problem(policy, c.id, c.yaml);
    const std::string from_json = json_problem(policy, c.id, c.json);
    CHECK(from_yaml.find(c.message) != std::string::npos);
    CHECK(from_json.find(c.message) != std::string::npos);
    CHECK(from_yaml.empty() == std::string(c.message).empty());
    CHECK(from_json.empty() == std::string(c.message).empty());
    if (std::string(c.yaml) == c.json) {
      CHECK(from_yaml == from_json);
    }
  }
  // A string where a bool or number is asked for shows its quotes: why "true" is not true.
  CHECK(json_problem(policy, "consents", "\"true\"") ==
        "answer 'consents' must be true or false, not \"true\"");
  CHECK(yaml_problem(policy, "consents", "\"true\"") ==
        "answer 'consents' must be true or false, not \"true\"");
  CHECK(json_problem(policy, "drug_grams", "\"2.5\"") ==
        "answer 'drug_grams' must be a number, not \"2.5\"");
  // A long offending value is cut short, a control character shown escaped.
  CHECK(json_problem(policy, "consents", "\"" + std::string(500, 'x') + "\"") ==
        "answer 'consents' must be true or false, not \"" + std::string(60, 'x') + "...\"");
  CHECK(json_problem(policy, "consents", "\"a\\u001b[2Jb\"") ==
        "answer 'consents' must be true or false, not \"a\\x1b[2Jb\"");
  // JSON's own number syntax.
  CHECK(json_problem(policy, "drug_grams", "01").find("invalid JSON") == 0);
  CHECK(json_problem(policy, "drug_grams", "1.").find("invalid JSON") == 0);
  CHECK(json_problem(policy, "drug_grams", "-").find("invalid JSON") == 0);
  CHECK(json_problem(policy, "drug_grams", "1e+2").empty());
}

TEST_CASE("the 10,000-character text limit counts characters, in both formats") {
  const Policy policy = load_shipped("wa-whatcom");
  std::string at_limit;
  for (int i = 0; i < 10000; ++i) at_limit += "\xc3\xa9"; // é: 2 bytes, 1 character
  const std::string over = at_limit + "x";
  CHECK(yaml_problem(policy, "narrative", at_limit).empty());
  CHECK(json_problem(policy, "narrative", "\"" + at_limit + "\"").empty());
  CHECK(yaml_problem(policy, "narrative", over) ==
        "answer 'narrative' is longer than 10000 characters");
  CHECK(json_problem(policy, "narrative", "\"" + over + "\"") ==
        "answer 'narrative' is longer than 10000 characters");
}

TEST_CASE("a long string read from JSON is read once, whole") {
  // A second on-demand read of the same string overran simdjson's string buffer (issue 9).
  const Policy policy = load_shipped("wa-whatcom");
  for (const size_t n : {351, 500, 5000, 9999}) {
    JsonCaseReader reader(policy);
    Answers answers(policy);
    const std::string text(n, 'a');
    std::string line = "{\"case_id\": \"c\", \"narrative\": \"" + text + "\"}";
    const size_t size = line.size();
    line.append(JsonCaseReader::padding(), ' ');
    std::string case_id;
    CHECK(reader.read(std::string_view(line.data(), size), answers, case_id).empty());
    const int q = policy.question_index("narrative");
    CHECK(answers.slots[static_cast<size_t>(q)].text == text);
  }
}

TEST_CASE("a line over 1 MiB is refused without being parsed") {
  const Policy policy = load_shipped("wa-whatcom");
  JsonCaseReader reader(policy);
  Answers answers(policy);
  std::string line = "{\"case_id\": \"" + std::string(JsonCaseReader::k_max_line, 'c') + "\"}";
  const size_t size = line.size();
  line.append(JsonCaseReader::padding(), ' ');
  std::string case_id;
  CHECK(reader.read(std::string_view(line.data(), size), answers, case_id).find("longer than") !=
        std::string::npos);
  CHECK(case_id == "null");
}

TEST_CASE("a plain decimal reads to the same double as from_chars, on the fast path or off it") {
  // Mantissas around 2^53 and up to 22 fraction digits are where the fast path hands over.
  std::vector<std::string> texts = {"0",
                                    "-0",
                                    "2.5",
                                    "0.1",
                                    "3.0000000000000004",
                                    "180",
                                    "007",
                                    "1.",
                                    ".5",
                                    "9007199254740991",
                                    "9007199254740993",
                                    "0.30000000000000004",
                                    "1e3",
                                    "123456789012345678901234567890",
                                    "0.0000000000000000000001",
                                    "0.00000000000000000000001",
                                    "-12.75",
                                    "1e-400",
                                    "1e400"};
  std::uint64_t state = 42;
  for (int n = 0; n < 20000; ++n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto whole = (state >> 20) % 100000000000ULL;
    const auto fraction = (state >> 7) % 10000000ULL;
    texts.push_back(fmt::format("{}{}.{:0{}}", n % 2 ? "-" : "",
                                whole % (n % 17 ? 1000 : 100000000000ULL), fraction, 1 + n % 9));
  }
  for (const std::string& text : texts) {
    CAPTURE(text);
    double expected = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), expected);
    double got = -1;
    const NumberRead read = parse_decimal(text, false, got);
    if (ec == std::errc() && end == text.data() + text.size() && read == NumberRead::ok) {
      CHECK(std::memcmp(&got, &expected, sizeof got) == 0);
    }
  }
  double x = 0;
  CHECK(parse_decimal("2.5", true, x) == NumberRead::not_a_number);
  CHECK(parse_decimal("12", true, x) == NumberRead::ok);
  CHECK(x == 12);
  CHECK(parse_decimal("1e-400", false, x) == NumberRead::too_small);
  CHECK(parse_decimal("1e400", false, x) == NumberRead::too_large);
  CHECK(parse_decimal("0.0000000000000000000000000", false, x) == NumberRead::ok);
}

TEST_CASE("a text that is not UTF-8 is refused where it comes in, not when the record is signed") {
  // A --set value or a typed line comes as the terminal's bytes: Latin-1 makes é the one byte E9.
  const Policy policy = load_shipped("nm-santa-fe");
  Answers answers(policy);
  std::string message;
  try {
    set_answer("narrative=caf\xE9", policy, answers);
  } catch (const InputError& e) {
    message = e.diagnostics().front().message;
  }
  CHECK(message == "--set narrative: answer 'narrative' is not UTF-8 text (is the terminal or "
                   "the file in another encoding?)");
  CHECK_NOTHROW(set_answer("narrative=caf\xC3\xA9", policy, answers));
  const int q = policy.question_index("narrative");
  REQUIRE(q >= 0);
  CHECK(answers.slots[static_cast<size_t>(q)].text == "caf\xC3\xA9");
}
