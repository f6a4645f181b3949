// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/policy/expr.hpp"
#include "core/policy/policy.hpp"
#include "core/base/yaml_doc.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
  // Inline: batch clears every answered slot of every line.
  void clear(size_t q) {
    Slot& slot = slots[q];
    slot.present = false;
    slot.x = 0;
    if (!slot.items.empty()) slot.items.clear();
    if (!slot.text.empty()) slot.text.clear();
    if (!where[q].file.empty()) where[q] = {};
  }
  void reset();
};

// One answer as decoded from its format (YAML, JSON Lines), before it is checked against its
// question: every format decodes into these plain values, and one set of validators
// (`assign_answer`) checks them, with one set of messages.
enum class ValueKind : std::uint8_t {
  null,    // absent, null or empty: not answered
  plain,   // a YAML plain scalar: untyped text, read as a bool or number where one is asked for
  string,  // a JSON string or a quoted YAML scalar
  number,  // a JSON number (text: the number as written)
  boolean, // JSON true or false (text: "true" or "false")
  list,
  object,
};

struct AnswerValue {
  ValueKind kind = ValueKind::null;
  std::string_view text; // the scalar's text (unescaped)
  // A list's items (AnswerParts::items) or an object's fields (AnswerParts::fields). Only the
  // items of a top-level list and the fields of those items are decoded: no question reads
  // deeper, and a deeper container is known by its kind alone.
  std::uint32_t first = 0;
  std::uint32_t count = 0;

  bool is_scalar() const {
    return kind == ValueKind::plain || kind == ValueKind::string || kind == ValueKind::number ||
           kind == ValueKind::boolean;
  }
};

struct AnswerField {
  std::string_view key;
  AnswerValue value;
};

// Storage for the items and fields of decoded values, reused from one answer to the next.
struct AnswerParts {
  std::vector<AnswerValue> items;
  std::vector<AnswerField> fields;
  void clear() {
    items.clear();
    fields.clear();
  }
};

// Checks `value` against `question` and stores it in `slot`, which must be empty. Returns ""
// when accepted, else why not (to follow "answer 'ID' "). A null value is accepted and leaves
// the slot empty (not answered).
std::string assign_answer(const Question& question, const AnswerValue& value,
                          const AnswerParts& parts, Slot& slot);

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

// A text answer holds at most this many characters (Unicode code points).
constexpr size_t k_text_limit = 10000;

// Reads a number as written in an answer: decimal only (no hex, inf, nan or underscores), and
// for an integer no fraction or exponent. A number too large to hold or so small that it would
// read as 0 is refused.
enum class NumberRead : std::uint8_t { ok, not_a_number, too_large, too_small };
NumberRead parse_decimal(std::string_view text, bool integer_only, double& value);
// parse_decimal's fast path alone: -?digits(.digits)? with a mantissa below 2^53 and at most
// 22 fraction digits, read exactly (one division by an exact power of ten rounds correctly).
// False for anything else, which parse_decimal reads the slow way.
bool read_exact_decimal(std::string_view text, bool integer_only, double& value);

} // namespace divert
