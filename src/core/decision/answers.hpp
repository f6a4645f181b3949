// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/policy/expr.hpp"
#include "core/policy/policy.hpp"
#include "core/base/yaml_doc.hpp"

#include <optional>
#include <string>
#include <vector>

namespace divert {

enum class AnswerSource : std::uint8_t { typed, file, set, default_value };
const char* answer_source_name(AnswerSource source);

// The answers to one case, laid out by the policy's question index.
struct Answers {
  std::vector<Slot> slots;
  std::vector<AnswerSource> sources;
  std::vector<SourceLocation> where; // where each answer was given (file:line:col or --set)
  std::optional<std::string> case_id;

  explicit Answers(const Policy& policy)
      : slots(policy.questions.size()), sources(policy.questions.size()),
        where(policy.questions.size()) {}
  void clear(size_t q);
  void reset();
};

// Reads an answers mapping (a YAML or JSON file). Every problem is collected and thrown as
// one InputError: unknown ids (with a suggestion), wrong types, out-of-range values.
void read_answers(const YamlDocument& doc, const Policy& policy, Answers& answers,
                  AnswerSource source);

// Applies `--set ID=VALUE` (VALUE as a YAML flow value; text questions take it verbatim).
void set_answer(const std::string& assignment, const Policy& policy, Answers& answers);

// Assigns one YAML value to question `q`. Returns an error message, or "" when accepted.
// A null or empty value clears the answer (not answered).
std::string assign_yaml_value(const Policy& policy, size_t q, const YamlNode& value,
                              Answers& answers);

// Checks that needs the whole case: past events may equal the incident date, never follow it.
// Throws InputError naming the answer and where it was given.
void check_answers(const Policy& policy, const Answers& answers);
// The same check returning the message ("" when fine), for batch lines.
std::string past_date_problem(const Policy& policy, const Answers& answers);
// The question whose answer is dated after the incident, or -1.
int past_date_question(const Policy& policy, const Answers& answers);

// Validation shared by every front-end (YAML, JSON, typed): "" when fine, else why not.
std::string check_number(const Question& q, double value);
// A text answer holds at most this many characters (Unicode code points).
constexpr size_t k_text_limit = 10000;
std::string check_text(std::string_view text);
std::optional<double> parse_decimal(std::string_view text, bool integer_only);

} // namespace divert
