// SPDX-License-Identifier: Apache-2.0
#include "core/decision/answers.hpp"

#include "core/base/text_util.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace divert {

const char* answer_source_name(AnswerSource source) {
  switch (source) {
  case AnswerSource::typed: return "typed";
  case AnswerSource::file: return "file";
  case AnswerSource::set: return "set";
  case AnswerSource::default_value: return "default";
  }
  return "?";
}

void Answers::clear(size_t q) {
  slots[q].present = false;
  slots[q].x = 0;
  slots[q].items.clear();
  slots[q].text.clear();
  if (!where[q].file.empty()) {
    where[q] = {};
  }
}

void Answers::reset() {
  for (size_t q = 0; q < slots.size(); ++q) {
    clear(q);
  }
  case_id.reset();
}

std::optional<double> parse_decimal(std::string_view text, bool integer_only) {
  if (text.empty() || text.size() > 40) {
    return std::nullopt;
  }
  for (char c : text) {
    const bool digit = c >= '0' && c <= '9';
    if (!(digit || c == '-' || (!integer_only && (c == '.' || c == 'e' || c == 'E' || c == '+')))) {
      return std::nullopt; // no hex, no inf/nan, no underscores
    }
  }
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

std::string check_number(const Question& q, double value) {
  if (q.type == QuestionType::integer && value != std::floor(value)) {
    return "must be a whole number";
  }
  if (q.min && value < *q.min) {
    return fmt::format("must be at least {}", *q.min);
  }
  if (q.max && value > *q.max) {
    return fmt::format("must be at most {}", *q.max);
  }
  if (std::abs(value) > 1e15) {
    return "is out of range";
  }
  return {};
}

std::string check_text(std::string_view text) {
  // Characters, not bytes: only a text longer in bytes than the limit needs counting.
  if (text.size() <= k_text_limit) {
    return {};
  }
  size_t characters = 0;
  for (const char c : text) {
    characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  }
  if (characters <= k_text_limit) {
    return {};
  }
  return fmt::format("is longer than {} characters", k_text_limit);
}

static std::string values_list(const std::vector<ChoiceValue>& values) {
  std::vector<std::string> codes;
  for (const ChoiceValue& v : values) {
    codes.push_back(v.code);
  }
  return join(codes, ", ");
}

static std::string choice_problem(const std::vector<ChoiceValue>& values, const std::string& got) {
  std::vector<std::string> codes;
  for (const ChoiceValue& v : values) {
    codes.push_back(v.code);
  }
  return fmt::format("'{}' is not allowed{} (allowed: {})", got, did_you_mean(got, codes),
                     values_list(values));
}

std::string assign_yaml_value(const Policy& policy, size_t q, const YamlNode& value,
                              Answers& answers) {
  const Question& question = policy.questions[q];
  answers.clear(q);
  if (value.is_null() || (value.is_scalar() && value.scalar.empty())) {
    return {};
  }
  Slot& slot = answers.slots[q];
  switch (question.type) {
  case QuestionType::boolean:
    if (value.is_scalar() && !value.quoted) {
      if (value.scalar == "true" || value.scalar == "yes") {
        slot.x = 1;
        slot.present = true;
        return {};
      }
      if (value.scalar == "false" || value.scalar == "no") {
        slot.x = 0;
        slot.present = true;
        return {};
      }
    }
    return fmt::format("must be true or false (yes/no), not {}",
                       value.is_scalar() ? fmt::format("'{}'", value.scalar) : value.kind_name());
  case QuestionType::choice: {
    if (!value.is_scalar()) {
      return fmt::format("must be one of: {}", values_list(question.values));
    }
    const int i = question.value_index(value.scalar);
    if (i < 0) {
      return choice_problem(question.values, value.scalar);
    }
    slot.x = i;
    slot.present = true;
    return {};
  }
  case QuestionType::number:
  case QuestionType::integer: {
    const bool integer = question.type == QuestionType::integer;
    std::optional<double> number;
    if (value.is_scalar() && !value.quoted) {
      number = parse_decimal(value.scalar, integer);
    }
    if (!number) {
      return fmt::format("must be {}, not {}", integer ? "a whole number" : "a number",
                         value.is_scalar() ? fmt::format("'{}'", value.scalar) : value.kind_name());
    }
    if (std::string problem = check_number(question, *number); !problem.empty()) {
      return fmt::format("{} ({} given)", problem, value.scalar);
    }
    slot.x = *number;
    slot.present = true;
    return {};
  }
  case QuestionType::date: {
    const auto d = value.is_scalar() ? parse_date(value.scalar) : std::nullopt;
    if (!d) {
      return fmt::format("must be a calendar date YYYY-MM-DD, not {}",
                         value.is_scalar() ? fmt::format("'{}'", value.scalar) : value.kind_name());
    }
    slot.x = *d;
    slot.present = true;
    return {};
  }
  case QuestionType::convictions: {
    if (!value.is_sequence()) {
      return "must be a list of {category: ..., date: YYYY-MM-DD} ([] for none)";
    }
    for (size_t i = 0; i < value.items.size(); ++i) {
      const YamlNode& item = value.items[i];
      if (!item.is_mapping()) {
        return fmt::format("item {} must be {{category: ..., date: YYYY-MM-DD}}", i + 1);
      }
      ConvictionItem c;
      bool have_category = false;
      bool have_date = false;
      for (const auto& [k, v] : item.entries) {
        if (k.scalar == "category") {
          const int ci = v.is_scalar() ? question.category_index(v.scalar) : -1;
          if (ci < 0) {
            return fmt::format("item {}: category {}", i + 1,
                               choice_problem(question.categories, v.is_scalar() ? v.scalar : "?"));
          }
          c.category = ci;
          have_category = true;
        } else if (k.scalar == "date") {
          const auto d = v.is_scalar() ? parse_date(v.scalar) : std::nullopt;
          if (!d) {
            return fmt::format("item {}: date must be a calendar date YYYY-MM-DD", i + 1);
          }
          c.date = *d;
          have_date = true;
        } else {
          return fmt::format("item {}: unknown key '{}' (a conviction has category and date)",
                             i + 1, k.scalar);
        }
      }
      if (!have_category || !have_date) {
        return fmt::format("item {} needs both category and date", i + 1);
      }
      slot.items.push_back(c);
    }
    slot.present = true;
    return {};
  }
  case QuestionType::text:
    if (!value.is_scalar()) {
      return "must be text";
    }
    if (std::string problem = check_text(value.scalar); !problem.empty()) {
      return problem;
    }
    slot.text = value.scalar;
    slot.present = true;
    return {};
  }
  return "unsupported question type";
}

static std::vector<std::string> known_ids(const Policy& policy) {
  std::vector<std::string> ids;
  for (const Question& q : policy.questions) {
    ids.push_back(q.id);
  }
  return ids;
}

void read_answers(const YamlDocument& doc, const Policy& policy, Answers& answers,
                  AnswerSource source) {
  std::vector<Diagnostic> problems;
  const YamlNode& root = doc.root;
  if (root.is_null()) {
    return; // an empty file answers nothing
  }
  if (!root.is_mapping()) {
    throw InputError(doc.where(root), "an answers file must be a mapping of question-id: value");
  }
  for (const auto& [key, value] : root.entries) {
    if (key.scalar == "case_id") {
      if (value.is_scalar()) {
        answers.case_id = value.scalar;
      }
      continue;
    }
    const int q = policy.question_index(key.scalar);
    if (q < 0) {
      problems.push_back({doc.where(key), Severity::error,
                          fmt::format("unknown question '{}'{}", key.scalar,
                                      did_you_mean(key.scalar, known_ids(policy))),
                          {}, "unknown-question", key.scalar});
      continue;
    }
    const auto qi = static_cast<size_t>(q);
    if (std::string problem = assign_yaml_value(policy, qi, value, answers); !problem.empty()) {
      problems.push_back({doc.where(value), Severity::error,
                          fmt::format("answer '{}' {}", key.scalar, problem), {}, "bad-value",
                          key.scalar});
      continue;
    }
    answers.sources[qi] = source;
    answers.where[qi] = doc.where(value);
  }
  if (!problems.empty()) {
    throw InputError(std::move(problems));
  }
}

void set_answer(const std::string& assignment, const Policy& policy, Answers& answers) {
  const size_t eq = assignment.find('=');
  const std::string where_name = fmt::format("--set {}", assignment);
  if (eq == std::string::npos || eq == 0) {
    throw InputError(fmt::format("--set '{}': expected ID=VALUE", assignment));
  }
  const std::string id = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  const int q = policy.question_index(id);
  if (q < 0) {
    throw InputError({Diagnostic{{}, Severity::error,
                                 fmt::format("--set: unknown question '{}'{}", id,
                                             did_you_mean(id, known_ids(policy))),
                                 {}, "unknown-question", id}});
  }
  const auto qi = static_cast<size_t>(q);
  YamlNode value;
  if (policy.questions[qi].type == QuestionType::text) {
    value.kind = text.empty() ? YamlNode::Kind::null : YamlNode::Kind::scalar;
    value.scalar = text;
    value.quoted = true;
  } else {
    try {
      value = parse_yaml_value(text, "--set " + id);
    } catch (const InputError& e) {
      throw InputError({Diagnostic{{}, Severity::error,
                                   fmt::format("--set {}: '{}' is not a valid value ({})", id, text,
                                               e.diagnostics().empty() ? "" : e.diagnostics()[0].message),
                                   {}, "bad-value", id}});
    }
  }
  if (std::string problem = assign_yaml_value(policy, qi, value, answers); !problem.empty()) {
    throw InputError({Diagnostic{{}, Severity::error,
                                 fmt::format("--set {}: answer '{}' {}", id, id, problem), {},
                                 "bad-value", id}});
  }
  answers.sources[qi] = AnswerSource::set;
  answers.where[qi] = SourceLocation{"--set " + id, 0, 0};
}

namespace {

// Where a past event follows the incident: the question and, for a list, the item (0: none).
struct PastDateFault {
  int question = -1;
  size_t item = 0;
  Days day = 0;
  Days incident = 0;
};

PastDateFault find_past_date_fault(const Policy& policy, const Answers& answers) {
  if (policy.incident_date_question < 0) {
    return {};
  }
  const Slot& incident = answers.slots[static_cast<size_t>(policy.incident_date_question)];
  if (!incident.present) {
    return {};
  }
  const auto incident_day = static_cast<Days>(incident.x);
  // Once per batch line: only the questions marked past are looked at.
  for (const int past : policy.past_questions) {
    const auto q = static_cast<size_t>(past);
    const Question& question = policy.questions[q];
    const Slot& slot = answers.slots[q];
    if (!slot.present) {
      continue;
    }
    if (question.type == QuestionType::date && static_cast<Days>(slot.x) > incident_day) {
      return {past, 0, static_cast<Days>(slot.x), incident_day};
    }
    for (size_t i = 0; i < slot.items.size(); ++i) {
      if (slot.items[i].date > incident_day) {
        return {past, i + 1, slot.items[i].date, incident_day};
      }
    }
  }
  return {};
}

} // namespace

int past_date_question(const Policy& policy, const Answers& answers) {
  return find_past_date_fault(policy, answers).question;
}

std::string past_date_problem(const Policy& policy, const Answers& answers) {
  const PastDateFault fault = find_past_date_fault(policy, answers);
  if (fault.question < 0) {
    return {};
  }
  const std::string& id = policy.questions[static_cast<size_t>(fault.question)].id;
  if (fault.item == 0) {
    return fmt::format("answer '{}' ({}) is after the incident date {}", id,
                       format_date(fault.day), format_date(fault.incident));
  }
  return fmt::format("answer '{}' item {} ({}) is dated after the incident date {}", id,
                     fault.item, format_date(fault.day), format_date(fault.incident));
}

void check_answers(const Policy& policy, const Answers& answers) {
  const int q = past_date_question(policy, answers);
  if (q < 0) {
    return;
  }
  const auto qi = static_cast<size_t>(q);
  // Located where the offending answer was given.
  throw InputError({Diagnostic{answers.where[qi], Severity::error,
                               past_date_problem(policy, answers), {}, "date-after-incident",
                               policy.questions[qi].id}});
}

} // namespace divert
