// SPDX-License-Identifier: Apache-2.0
#include "core/decision/answers.hpp"

#include "core/base/text_util.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <charconv>
#include <cstdint>
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

void Answers::reset() {
  for (size_t q = 0; q < slots.size(); ++q) {
    clear(q);
  }
  case_id.reset();
}

// Clinger's fast path for the numbers answers hold (`2.5`, `-12`, `180`): a mantissa below
// 2^53 and a power of ten up to 10^22 are both exact doubles, so one division rounds correctly
// and gives what from_chars gives. Anything else (exponents, long mantissas) takes from_chars.
bool read_exact_decimal(std::string_view text, bool integer_only, double& value) {
  constexpr std::uint64_t k_exact_mantissa_limit = std::uint64_t{1} << 53;
  static constexpr double k_powers_of_ten[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                               1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                               1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  std::uint64_t mantissa = 0;
  size_t whole_digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++whole_digits) {
    mantissa = mantissa * 10 + static_cast<std::uint64_t>(text[i] - '0');
    if (mantissa >= k_exact_mantissa_limit) return false;
  }
  if (whole_digits == 0) return false;
  size_t fraction_digits = 0;
  if (i < text.size() && text[i] == '.') {
    if (integer_only) return false;
    for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++fraction_digits) {
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(text[i] - '0');
      if (mantissa >= k_exact_mantissa_limit || fraction_digits >= 22) return false;
    }
    if (fraction_digits == 0) return false;
  }
  if (i != text.size()) return false;
  const double magnitude = static_cast<double>(mantissa) / k_powers_of_ten[fraction_digits];
  value = negative ? -magnitude : magnitude;
  return true;
}

NumberRead parse_decimal(std::string_view text, bool integer_only, double& value) {
  if (read_exact_decimal(text, integer_only, value)) {
    return NumberRead::ok;
  }
  if (text.empty() || text.size() > 40) {
    return NumberRead::not_a_number;
  }
  for (const char c : text) {
    const bool digit = c >= '0' && c <= '9';
    if (!(digit || c == '-' || (!integer_only && (c == '.' || c == 'e' || c == 'E' || c == '+')))) {
      return NumberRead::not_a_number; // no hex, no inf/nan, no underscores
    }
  }
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ptr != text.data() + text.size() ||
      (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    return NumberRead::not_a_number;
  }
  // Within 40 characters only an exponent takes a number out of range; its sign says which way.
  const size_t e = text.find_first_of("eE");
  if (ec == std::errc::result_out_of_range || std::isinf(value)) {
    return e != std::string_view::npos && e + 1 < text.size() && text[e + 1] == '-'
               ? NumberRead::too_small
               : NumberRead::too_large;
  }
  if (value == 0 && text.substr(0, e).find_first_of("123456789") != std::string_view::npos) {
    return NumberRead::too_small; // rounded to 0
  }
  return NumberRead::ok;
}

namespace {

std::string check_number(const Question& q, double value) {
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
  // Files are checked whole when read; a --set value or a typed line comes as the terminal's
  // bytes, which a Latin-1 terminal makes not UTF-8: such a text would decide, then fail to be
  // signed (a record is UTF-8 JSON).
  if (!simdjson::validate_utf8(text.data(), text.size())) {
    return "is not UTF-8 text (is the terminal or the file in another encoding?)";
  }
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

// The offending value in a message, as given: a plain scalar in single quotes, a string in
// double quotes (so `"true"` shows why it is not a bool), cut short and with control
// characters shown as \xNN.
std::string shown(const AnswerValue& value) {
  switch (value.kind) {
  case ValueKind::null: return "nothing";
  case ValueKind::list: return "a list";
  case ValueKind::object: return "a mapping";
  default: break;
  }
  constexpr size_t k_shown = 60;
  const char quote = value.kind == ValueKind::string ? '"' : '\'';
  std::string out(1, quote);
  size_t characters = 0;
  for (const char c : value.text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte & 0xC0) != 0x80 && ++characters > k_shown) {
      out += "...";
      break;
    }
    if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  out += quote;
  return out;
}

template <typename Codes> std::string not_allowed(const Codes& values, std::string_view got) {
  std::vector<std::string> codes;
  codes.reserve(values.size());
  for (const ChoiceValue& v : values) {
    codes.push_back(v.code);
  }
  return fmt::format("'{}' is not allowed{} (allowed: {})", got, did_you_mean(got, codes),
                     join(codes, ", "));
}

std::string allowed_list(const std::vector<ChoiceValue>& values) {
  std::vector<std::string> codes;
  for (const ChoiceValue& v : values) {
    codes.push_back(v.code);
  }
  return join(codes, ", ");
}

std::string assign_bool(const AnswerValue& value, Slot& slot) {
  const std::string_view t = value.text;
  if (value.kind == ValueKind::boolean || value.kind == ValueKind::plain) {
    const bool yes = t == "true" || (value.kind == ValueKind::plain && t == "yes");
    if (yes || t == "false" || (value.kind == ValueKind::plain && t == "no")) {
      slot.x = yes ? 1 : 0;
      slot.present = true;
      return {};
    }
  }
  return fmt::format("must be true or false, not {}", shown(value));
}

std::string assign_choice(const Question& question, const AnswerValue& value, Slot& slot) {
  if (!value.is_scalar()) {
    return fmt::format("must be one of: {}, not {}", allowed_list(question.values), shown(value));
  }
  const int i = question.value_index(value.text);
  if (i < 0) {
    return not_allowed(question.values, value.text);
  }
  slot.x = i;
  slot.present = true;
  return {};
}

std::string assign_number(const Question& question, const AnswerValue& value, Slot& slot) {
  const bool integer = question.type == QuestionType::integer;
  const char* what = integer ? "a whole number" : "a number";
  if (value.kind != ValueKind::number && value.kind != ValueKind::plain) {
    return fmt::format("must be {}, not {}", what, shown(value));
  }
  double x = 0;
  switch (parse_decimal(value.text, integer, x)) {
  case NumberRead::ok: break;
  case NumberRead::not_a_number: return fmt::format("must be {}, not {}", what, shown(value));
  case NumberRead::too_large:
    return fmt::format("must be {}, not {} (too large to hold)", what, shown(value));
  case NumberRead::too_small:
    return fmt::format("must be {}, not {} (too small to hold: it would be read as 0)", what,
                       shown(value));
  }
  if (std::string problem = check_number(question, x); !problem.empty()) {
    return fmt::format("{} ({} given)", problem, value.text);
  }
  slot.x = x;
  slot.present = true;
  return {};
}

std::string assign_date(const AnswerValue& value, Slot& slot) {
  const auto d = value.is_scalar() ? parse_date(value.text) : std::nullopt;
  if (!d) {
    return fmt::format("must be a calendar date YYYY-MM-DD, not {}", shown(value));
  }
  slot.x = *d;
  slot.present = true;
  return {};
}

std::string assign_convictions(const Question& question, const AnswerValue& value,
                               const AnswerParts& parts, Slot& slot) {
  if (value.kind != ValueKind::list) {
    return fmt::format("must be a list of {{category: ..., date: YYYY-MM-DD}} ([] for none), "
                       "not {}",
                       shown(value));
  }
  for (size_t n = 1; n <= value.count; ++n) {
    const AnswerValue& item = parts.items[value.first + n - 1];
    if (item.kind != ValueKind::object) {
      return fmt::format("item {} must be {{category: ..., date: YYYY-MM-DD}}, not {}", n,
                         shown(item));
    }
    ConvictionItem c;
    bool have_category = false;
    bool have_date = false;
    for (size_t f = item.first; f < item.first + item.count; ++f) {
      const AnswerField& field = parts.fields[f];
      if (field.key == "category") {
        if (have_category) {
          return fmt::format("item {}: duplicate key 'category'", n);
        }
        if (!field.value.is_scalar()) {
          return fmt::format("item {}: category must be one of: {}, not {}", n,
                             allowed_list(question.categories), shown(field.value));
        }
        c.category = question.category_index(field.value.text);
        if (c.category < 0) {
          return fmt::format("item {}: category {}", n,
                             not_allowed(question.categories, field.value.text));
        }
        have_category = true;
      } else if (field.key == "date") {
        if (have_date) {
          return fmt::format("item {}: duplicate key 'date'", n);
        }
        const auto d = field.value.is_scalar() ? parse_date(field.value.text) : std::nullopt;
        if (!d) {
          return fmt::format("item {}: date must be a calendar date YYYY-MM-DD, not {}", n,
                             shown(field.value));
        }
        c.date = *d;
        have_date = true;
      } else {
        return fmt::format("item {}: unknown key '{}' (a conviction has category and date)", n,
                           field.key);
      }
    }
    if (!have_category || !have_date) {
      return fmt::format("item {} needs both category and date", n);
    }
    slot.items.push_back(c);
  }
  slot.present = true;
  return {};
}

std::string assign_text(const AnswerValue& value, Slot& slot) {
  if (!value.is_scalar()) {
    return fmt::format("must be text, not {}", shown(value));
  }
  if (std::string problem = check_text(value.text); !problem.empty()) {
    return problem;
  }
  slot.text.assign(value.text);
  slot.present = true;
  return {};
}

// A YAML node as a plain value; a list's items and their fields go to `parts`.
AnswerValue decode_yaml(const YamlNode& node, AnswerParts& parts, int depth) {
  AnswerValue value;
  if (node.is_scalar()) {
    if (!node.scalar.empty()) {
      value.kind = node.quoted ? ValueKind::string : ValueKind::plain;
      value.text = node.scalar;
    }
  } else if (node.is_sequence()) {
    value.kind = ValueKind::list;
    if (depth == 0) {
      value.first = static_cast<std::uint32_t>(parts.items.size());
      value.count = static_cast<std::uint32_t>(node.items.size());
      for (const YamlNode& item : node.items) {
        parts.items.push_back(decode_yaml(item, parts, depth + 1));
      }
    }
  } else if (node.is_mapping()) {
    value.kind = ValueKind::object;
    if (depth == 1) {
      value.first = static_cast<std::uint32_t>(parts.fields.size());
      value.count = static_cast<std::uint32_t>(node.entries.size());
      for (const auto& entry : node.entries) {
        parts.fields.push_back({entry.first.scalar, decode_yaml(entry.second, parts, depth + 1)});
      }
    }
  }
  return value;
}

} // namespace

std::string assign_answer(const Question& question, const AnswerValue& value,
                          const AnswerParts& parts, Slot& slot) {
  switch (question.type) {
  case QuestionType::boolean: return value.kind == ValueKind::null ? "" : assign_bool(value, slot);
  case QuestionType::choice:
    return value.kind == ValueKind::null ? "" : assign_choice(question, value, slot);
  case QuestionType::number:
  case QuestionType::integer:
    return value.kind == ValueKind::null ? "" : assign_number(question, value, slot);
  case QuestionType::date: return value.kind == ValueKind::null ? "" : assign_date(value, slot);
  case QuestionType::convictions:
    return value.kind == ValueKind::null ? "" : assign_convictions(question, value, parts, slot);
  case QuestionType::text: return value.kind == ValueKind::null ? "" : assign_text(value, slot);
  }
  return "unsupported question type";
}

std::string assign_yaml_value(const Policy& policy, size_t q, const YamlNode& value,
                              Answers& answers) {
  answers.clear(q);
  AnswerParts parts;
  return assign_answer(policy.questions[q], decode_yaml(value, parts, 0), parts, answers.slots[q]);
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
      problems.push_back({doc.where(key),
                          Severity::error,
                          fmt::format("unknown question '{}'{}", key.scalar,
                                      did_you_mean(key.scalar, known_ids(policy))),
                          {},
                          "unknown-question",
                          key.scalar});
      continue;
    }
    const auto qi = static_cast<size_t>(q);
    if (std::string problem = assign_yaml_value(policy, qi, value, answers); !problem.empty()) {
      problems.push_back({doc.where(value),
                          Severity::error,
                          fmt::format("answer '{}' {}", key.scalar, problem),
                          {},
                          "bad-value",
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
    throw InputError({Diagnostic{{},
                                 Severity::error,
                                 fmt::format("--set: unknown question '{}'{}", id,
                                             did_you_mean(id, known_ids(policy))),
                                 {},
                                 "unknown-question",
                                 id}});
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
      throw InputError(
          {Diagnostic{{},
                      Severity::error,
                      fmt::format("--set {}: '{}' is not a valid value ({})", id, text,
                                  e.diagnostics().empty() ? "" : e.diagnostics()[0].message),
                      {},
                      "bad-value",
                      id}});
    }
  }
  if (std::string problem = assign_yaml_value(policy, qi, value, answers); !problem.empty()) {
    throw InputError({Diagnostic{{},
                                 Severity::error,
                                 fmt::format("--set {}: answer '{}' {}", id, id, problem),
                                 {},
                                 "bad-value",
                                 id}});
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
    return fmt::format("answer '{}' ({}) is after the incident date {}", id, format_date(fault.day),
                       format_date(fault.incident));
  }
  return fmt::format("answer '{}' item {} ({}) is dated after the incident date {}", id, fault.item,
                     format_date(fault.day), format_date(fault.incident));
}

void check_answers(const Policy& policy, const Answers& answers) {
  const int q = past_date_question(policy, answers);
  if (q < 0) {
    return;
  }
  const auto qi = static_cast<size_t>(q);
  // Located where the offending answer was given.
  throw InputError({Diagnostic{answers.where[qi],
                               Severity::error,
                               past_date_problem(policy, answers),
                               {},
                               "date-after-incident",
                               policy.questions[qi].id}});
}

} // namespace divert
