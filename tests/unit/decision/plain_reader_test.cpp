// SPDX-License-Identifier: Apache-2.0
// The batch reader's plain-line path (issue 13) must read every line exactly as the general
// simdjson reader does: the same answers, case_id, and the same refusal, code and question.
// Generated lines for every decidable shipped policy mix valid answers with everything the
// plain path hands over (escapes, whitespace, wrong types, unknown and repeated keys, odd
// case_ids, nested values, broken JSON), so a plain path that differs fails here.
#include "test_support.hpp"

#include "core/decision/answers_json.hpp"
#include "core/decision/plain_line_reader.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

using namespace divert;
using namespace divert::testing;

namespace {

// std::mt19937_64's sequence is fixed by the standard, so the lines are the same everywhere.
struct Rng {
  std::mt19937_64 engine;
  size_t below(size_t n) { return static_cast<size_t>(engine() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }
};

std::string json_quoted(const std::string& s) { return "\"" + s + "\""; }

std::string some_date(Rng& r) {
  const std::vector<std::string> odd = {"2024-02-30", "2024-13-01", "24-01-01", "2024-1-1", ""};
  if (r.chance(8)) return odd[r.below(odd.size())];
  const auto two = [](size_t n) { return (n < 10 ? "0" : "") + std::to_string(n); };
  return std::to_string(1990 + r.below(40)) + "-" + two(1 + r.below(12)) + "-" +
         two(1 + r.below(28));
}

// A value for `q`, usually valid, sometimes of the wrong type or written unusually.
std::string some_value(Rng& r, const Question& q, bool clean) {
  const std::vector<std::string> odd = {"null",        "true",       "false",  "\"\"",
                                        "[]",          "{}",         "[1]",    "{\"a\":1}",
                                        "-0",          "1e400",      "1.5e-3", "tru",
                                        "\"\\u0041\"", "\"x\\\"y\"", "12abc",  "\"\\n\"",
                                        "01",          "-",          "1.",     "9007199254740993",
                                        "[[]]",        "nul"};
  if (!clean && r.chance(12)) return odd[r.below(odd.size())];
  switch (q.type) {
  case QuestionType::boolean: return r.chance(50) ? "true" : (r.chance(90) ? "false" : "\"true\"");
  case QuestionType::choice: {
    if (q.values.empty() || (!clean && r.chance(5))) return "\"no_such_value\"";
    std::string code = q.values[r.below(q.values.size())].code;
    if (!clean && r.chance(5) && !code.empty()) {
      code = "\\u00" + std::to_string(static_cast<int>(code[0]) / 16) +
             "0123456789abcdef"[static_cast<unsigned char>(code[0]) % 16] + code.substr(1);
    }
    return json_quoted(code);
  }
  case QuestionType::number:
  case QuestionType::integer: {
    const std::vector<std::string> numbers = {"0",   "1",    "2.5",
                                              "-3",  "180",  "12",
                                              "1e2", "0.25", "100000000000000000000",
                                              "7"};
    const std::string n = clean ? std::to_string(r.below(3)) : numbers[r.below(numbers.size())];
    return !clean && r.chance(5) ? json_quoted(n) : n;
  }
  case QuestionType::date: return json_quoted(some_date(r));
  case QuestionType::text: {
    const std::vector<std::string> texts = {"plain",          "",
                                            "caf\xc3\xa9",    "\xf0\x9f\x98\x80 x",
                                            "tab\\there",     "quote \\\" inside",
                                            "\\u00e9t\\u00e9"};
    return json_quoted(texts[r.below(clean ? 4 : texts.size())]);
  }
  case QuestionType::convictions: {
    if (r.chance(40)) return "[]";
    std::string list = "[";
    const size_t n = 1 + r.below(3);
    for (size_t i = 0; i < n; ++i) {
      if (i > 0) list += r.chance(90) ? "," : " , ";
      if (r.chance(5)) {
        list += "\"x\"";
        continue;
      }
      const std::string category = q.categories.empty() || r.chance(5)
                                       ? "nope"
                                       : q.categories[r.below(q.categories.size())].code;
      std::vector<std::string> fields = {"\"category\":" + json_quoted(category),
                                         "\"date\":" + json_quoted(some_date(r))};
      if (r.chance(5)) fields.push_back("\"extra\":1");
      if (r.chance(5)) fields.push_back(fields[0]);
      if (r.chance(5)) fields.erase(fields.begin() + static_cast<long>(r.below(fields.size())));
      if (r.chance(5)) fields.push_back("\"date\":[\"2020-01-01\"]");
      if (r.chance(50)) std::swap(fields[0], fields.back());
      list += "{";
      for (size_t f = 0; f < fields.size(); ++f) list += (f > 0 ? "," : "") + fields[f];
      list += "}";
    }
    return list + "]";
  }
  }
  return "null";
}

// Half the lines are clean (valid answers written plainly, mostly accepted); the others mix in
// every kind of fault and unusual spelling.
std::string some_line(Rng& r, const Policy& policy) {
  const bool clean = r.chance(50);
  const std::vector<std::string> spaces = {"", "", "", " ", "\t", " \r"};
  const auto space = [&] { return spaces[r.below(spaces.size())]; };
  std::vector<std::string> fields;
  const std::vector<std::string> case_ids =
      {"\"case-7\"", "42",  "-17",  "\"\"",           "null",
       "-0",         "1.5", "true", "\"c\\u0041se\"", "12345678901234567890",
       "[\"a\"]"};
  if (r.chance(90)) {
    fields.push_back("\"case_id\":" + space() + case_ids[r.below(clean ? 5 : case_ids.size())]);
  }
  for (const Question& q : policy.questions) {
    if (r.chance(20)) continue;
    std::string key = json_quoted(q.id);
    if (!clean && r.chance(2)) key = "\"" + q.id + "x\"";
    if (!clean && r.chance(1) && !q.id.empty())
      key = "\"\\u00" + std::to_string(q.id[0] / 16) + "0123456789abcdef"[q.id[0] % 16] +
            q.id.substr(1) + "\"";
    fields.push_back(key + space() + ":" + space() + some_value(r, q, clean));
    if (!clean && r.chance(1)) fields.push_back(fields.back());
  }
  if (!clean && r.chance(3)) fields.push_back("\"case_id\":\"again\"");
  for (size_t i = fields.size(); i > 1; --i) {
    if (r.chance(30)) std::swap(fields[i - 1], fields[r.below(i)]);
  }
  std::string line = space() + "{" + space();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += space() + "," + space();
    line += fields[i];
  }
  line += space() + "}" + space();
  switch (clean ? 40 : r.below(40)) {
  case 0: line += "{}"; break;
  case 1: line = line.substr(0, r.below(line.size() + 1)); break;
  case 2: line += ","; break;
  case 3: line = "[" + line + "]"; break;
  case 4: line.insert(r.below(line.size() + 1), "\xff"); break;
  case 5: line.insert(r.below(line.size() + 1), std::string(1, '\x01')); break;
  default: break;
  }
  return line;
}

std::string describe(const Answers& answers, const Policy& policy) {
  std::string out = answers.case_id ? "case_id=" + *answers.case_id : "case_id none";
  for (size_t q = 0; q < answers.slots.size(); ++q) {
    const Slot& slot = answers.slots[q];
    if (!slot.present) continue;
    out += "\n" + policy.questions[q].id + "=" + std::to_string(slot.x) + " text=" + slot.text;
    for (const ConvictionItem& item : slot.items) {
      out += " [" + std::to_string(item.category) + " " + std::to_string(item.date) + "]";
    }
    out += answers.sources[q] == AnswerSource::file ? " file" : " ?";
  }
  return out;
}

} // namespace

TEST_CASE("the plain-line reader reads every line as the general reader does") {
  for (const char* id : {"wa-whatcom", "wa-king-county-2011", "nm-santa-fe", "co-pueblo",
                         "ca-lead-pilot", "wa-burien"}) {
    const Policy policy = load_shipped(id);
    JsonCaseReader plain(policy);
    JsonCaseReader general(policy);
    general.set_plain_lines(false);
    Answers plain_answers(policy);
    Answers general_answers(policy);
    Rng r{std::mt19937_64(std::string_view(id).size() * 7919 + static_cast<unsigned char>(id[3]))};
    size_t accepted = 0;
    for (int n = 0; n < 3000; ++n) {
      std::string line = some_line(r, policy);
      const size_t size = line.size();
      line.append(JsonCaseReader::padding(), ' ');
      const std::string_view view(line.data(), size);
      std::string plain_case_id;
      std::string general_case_id;
      const std::string plain_problem = plain.read(view, plain_answers, plain_case_id);
      const std::string general_problem = general.read(view, general_answers, general_case_id);
      INFO(id << " line: " << line.substr(0, size));
      // batch's lines end in a NUL over their newline, the next line after it (here the same
      // line again), and the plain reader reads them in place.
      const std::string nul_ended = line.substr(0, size) + '\0' + line;
      std::string in_place_case_id;
      const std::string in_place_problem =
          plain.read(std::string_view(nul_ended.data(), size), plain_answers, in_place_case_id);
      REQUIRE(in_place_problem == general.read(view, general_answers, general_case_id));
      REQUIRE(in_place_case_id == general_case_id);
      REQUIRE(describe(plain_answers, policy) == describe(general_answers, policy));
      REQUIRE(plain_problem == general_problem);
      REQUIRE(plain.problem_code() == general.problem_code());
      REQUIRE(plain.problem_question() == general.problem_question());
      REQUIRE(plain_case_id == general_case_id);
      REQUIRE(describe(plain_answers, policy) == describe(general_answers, policy));
      accepted += plain_problem.empty() ? 1 : 0;
    }
    // Both kinds of line are exercised.
    CHECK(accepted > 300);
    CHECK(accepted < 2700);
    CHECK(plain.plain_lines_read() > accepted / 2);
    CHECK(general.plain_lines_read() == 0);
    MESSAGE(std::string(id) << ": " << accepted << " accepted, " << plain.plain_lines_read()
                            << " plain");
  }
}

// A choice code the plain reader's index missed would not show in the decisions (the general
// reader reads the line instead), only in the speed: every code of every choice question (and
// every conviction category) of every shipped policy must be read by the plain reader, at
// every length the index treats apart (under and over one word, and near the pattern's end).
TEST_CASE("the plain-line reader finds every choice code and category itself") {
  for (const char* id : {"lead-vocabulary", "wa-whatcom", "wa-king-county-2011", "nm-santa-fe",
                         "co-pueblo", "ca-lead-pilot", "wa-burien"}) {
    const Policy policy = load_shipped(id);
    JsonCaseReader reader(policy);
    Answers answers(policy);
    size_t lines = 0;
    const auto read_one = [&](const std::string& json, size_t q, int want) {
      std::string line = json;
      const size_t size = line.size();
      line.append(JsonCaseReader::padding(), ' ');
      std::string case_id;
      const size_t plain_before = reader.plain_lines_read();
      INFO(id << " line: " << json);
      REQUIRE(reader.read(std::string_view(line.data(), size), answers, case_id).empty());
      CHECK(reader.plain_lines_read() == plain_before + 1);
      const Slot& slot = answers.slots[q];
      if (policy.questions[q].type == QuestionType::convictions) {
        REQUIRE(slot.items.size() == 1);
        CHECK(slot.items[0].category == want);
      } else {
        CHECK(slot.x == want);
      }
      ++lines;
    };
    for (size_t q = 0; q < policy.questions.size(); ++q) {
      const Question& question = policy.questions[q];
      if (question.type == QuestionType::choice) {
        for (size_t v = 0; v < question.values.size(); ++v) {
          read_one("{\"" + question.id + "\":\"" + question.values[v].code + "\"}", q,
                   static_cast<int>(v));
        }
      } else if (question.type == QuestionType::convictions) {
        for (size_t c = 0; c < question.categories.size(); ++c) {
          read_one("{\"" + question.id + "\":[{\"category\":\"" + question.categories[c].code +
                       "\",\"date\":\"2020-01-01\"}]}",
                   q, static_cast<int>(c));
        }
      }
    }
    CHECK(lines > 10);
  }
}

// The reader compares keys and codes with no length check, relying on the NUL that ends every
// line it reads: a pattern has no NUL, so it cannot match across the end.
TEST_CASE("a short pattern matches only its bytes, never across the NUL that ends a line") {
  const auto padded = [](std::string text) {
    text += '\0';
    text.append(ShortPattern::k_max + 8, '\0');
    return text;
  };
  const ShortPattern key("\"consents\":");
  CHECK(key.at(padded("\"consents\":true").data()));
  CHECK_FALSE(key.at(padded("\"consentz\":true").data()));
  CHECK_FALSE(key.at(padded("\"consents\"").data()));
  CHECK_FALSE(key.at(padded("\"consents").data()));
  const std::string longest(ShortPattern::k_max, 'a');
  CHECK(ShortPattern(longest).at(padded(longest).data()));
  CHECK_FALSE(ShortPattern(longest).at(padded(longest.substr(1)).data()));
  // Patterns that could match the end, or any text: none of them ever matches.
  for (const std::string& never : {std::string(), std::string(ShortPattern::k_max + 1, 'a'),
                                   std::string("a\0", 2), std::string(1, '\0')}) {
    const ShortPattern pattern(never);
    CHECK_FALSE(pattern.at(padded("").data()));
    CHECK_FALSE(pattern.at(padded("a").data()));
    CHECK_FALSE(pattern.at(padded(std::string(ShortPattern::k_max + 1, 'a')).data()));
  }
}

// Both scans of a string, on every byte value at every position of the first three steps of
// either (the 16-byte scan is the one the reader runs on x86-64, the 8-byte one elsewhere).
TEST_CASE("the string scans stop at the same byte: a quote, a backslash or a control byte") {
  std::vector<char> text(64 + 40, '\0');
  size_t checked = 0;
  for (size_t stop_at = 0; stop_at < 48; ++stop_at) {
    for (int byte = 0; byte < 256; ++byte) {
      // Plain bytes before the one tried, from every range the scans treat apart.
      for (size_t i = 0; i < stop_at; ++i) {
        text[i] = "a ~\x7f\xc3\xa9\xff!#[]"[i % 11];
      }
      text[stop_at] = static_cast<char>(byte);
      std::fill(text.begin() + static_cast<std::ptrdiff_t>(stop_at) + 1, text.end(), '\0');
      const bool stops = byte == '"' || byte == '\\' || byte < 0x20;
      const size_t want = stop_at + (stops ? 0 : 1);
      INFO("stop_at " << stop_at << " byte " << byte);
      REQUIRE(static_cast<size_t>(find_string_stop(text.data()) - text.data()) == want);
      REQUIRE(static_cast<size_t>(find_string_stop_in_words(text.data()) - text.data()) == want);
      ++checked;
    }
  }
  CHECK(checked == 48 * 256);
}
