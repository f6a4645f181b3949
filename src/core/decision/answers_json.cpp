// SPDX-License-Identifier: Apache-2.0
#include "core/decision/answers_json.hpp"

#include "core/decision/decision_json.hpp"
#include "core/base/text_util.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <unordered_map>

namespace divert {

namespace sj = simdjson::ondemand;

// Question ids -> index: a small open-addressing table with a cheap hash of the id's length
// and a few bytes, since every key of every line is looked up here.
class IdIndex {
public:
  explicit IdIndex(const Policy& policy) {
    size_t capacity = 16;
    while (capacity < policy.questions.size() * 4) capacity *= 2;
    m_slots.assign(capacity, -1);
    m_ids.reserve(policy.questions.size());
    for (size_t i = 0; i < policy.questions.size(); ++i) {
      m_ids.emplace_back(policy.questions[i].id);
      size_t at = hash(m_ids.back()) & (capacity - 1);
      while (m_slots[at] >= 0) at = (at + 1) & (capacity - 1);
      m_slots[at] = static_cast<int>(i);
    }
  }

  int find(std::string_view key) const {
    const size_t mask = m_slots.size() - 1;
    for (size_t at = hash(key) & mask;; at = (at + 1) & mask) {
      const int i = m_slots[at];
      if (i < 0) return -1;
      if (m_ids[static_cast<size_t>(i)] == key) return i;
    }
  }

private:
  static size_t hash(std::string_view s) {
    if (s.empty()) return 0;
    const auto b = [&](size_t i) { return static_cast<size_t>(static_cast<unsigned char>(s[i])); };
    return s.size() * 0x9E37u ^ b(0) * 0x85EBu ^ b(s.size() - 1) * 0xC2B2u ^ b(s.size() / 2) * 0x27D4u ^
           b(s.size() / 3) * 0x1656u;
  }

  std::vector<int> m_slots;
  std::vector<std::string> m_ids;
};

struct JsonCaseReader::Impl {
  const Policy& policy;
  sj::parser parser;
  IdIndex index;
  std::vector<unsigned char> seen;

  explicit Impl(const Policy& p) : policy(p), index(p), seen(p.questions.size()) {}

  static int find_code(const std::vector<ChoiceValue>& values, std::string_view code) {
    for (size_t i = 0; i < values.size(); ++i) {
      if (values[i].code == code) {
        return static_cast<int>(i);
      }
    }
    return -1;
  }

  static std::string allowed(const std::vector<ChoiceValue>& values, std::string_view got) {
    std::vector<std::string> codes;
    for (const ChoiceValue& v : values) codes.push_back(v.code);
    return fmt::format("'{}' is not allowed{} (allowed: {})", got,
                       did_you_mean(got, codes), join(codes, ", "));
  }

  // Returns "" when accepted.
  std::string assign(size_t q, sj::value value, Answers& answers) {
    const Question& question = policy.questions[q];
    Slot& slot = answers.slots[q];
    sj::json_type type;
    if (value.type().get(type) != simdjson::SUCCESS) {
      return "is not valid JSON";
    }
    if (type == sj::json_type::null) {
      return {};
    }
    // On demand, a string may be read only once: its unescaped copy goes to the parser's string
    // buffer, which is sized for one copy of each string of the line (a second read of a long
    // string overran it). So it is read here, once, and used below.
    std::string_view s;
    if (type == sj::json_type::string) {
      if (value.get_string().get(s) != simdjson::SUCCESS) {
        return "is not valid JSON";
      }
      // An empty value means "not answered", whatever the question's type (as in YAML).
      if (s.empty()) {
        return {};
      }
    }
    switch (question.type) {
    case QuestionType::boolean: {
      bool b = false;
      if (type != sj::json_type::boolean || value.get_bool().get(b) != simdjson::SUCCESS) {
        return "must be true or false";
      }
      slot.x = b ? 1 : 0;
      slot.present = true;
      return {};
    }
    case QuestionType::choice: {
      if (type != sj::json_type::string) {
        return "must be a string naming one of the allowed values";
      }
      const int i = find_code(question.values, s);
      if (i < 0) return allowed(question.values, s);
      slot.x = i;
      slot.present = true;
      return {};
    }
    case QuestionType::number:
    case QuestionType::integer: {
      if (type != sj::json_type::number) {
        return question.type == QuestionType::integer ? "must be a whole number" : "must be a number";
      }
      const std::string_view raw = value.raw_json_token();
      double x = 0;
      if (value.get_double().get(x) != simdjson::SUCCESS || !std::isfinite(x)) {
        return "is not a usable number";
      }
      if (question.type == QuestionType::integer &&
          raw.find_first_of(".eE") != std::string_view::npos) {
        return "must be a whole number, without a fraction or exponent";
      }
      if (std::string problem = check_number(question, x); !problem.empty()) {
        return problem;
      }
      slot.x = x;
      slot.present = true;
      return {};
    }
    case QuestionType::date: {
      if (type != sj::json_type::string) {
        return "must be a date string YYYY-MM-DD";
      }
      const auto d = parse_date(s);
      if (!d) return fmt::format("'{}' is not a calendar date YYYY-MM-DD", s);
      slot.x = *d;
      slot.present = true;
      return {};
    }
    case QuestionType::convictions: {
      sj::array array;
      if (type != sj::json_type::array || value.get_array().get(array) != simdjson::SUCCESS) {
        return "must be a list of {\"category\": ..., \"date\": ...} ([] for none)";
      }
      size_t n = 0;
      for (auto element : array) {
        ++n;
        sj::object item;
        if (element.get_object().get(item) != simdjson::SUCCESS) {
          return fmt::format("item {} must be an object with category and date", n);
        }
        ConvictionItem c;
        bool have_category = false;
        bool have_date = false;
        for (auto field : item) {
          std::string_view key;
          if (field.unescaped_key().get(key) != simdjson::SUCCESS) {
            return "is not valid JSON";
          }
          std::string_view item_text;
          if (field.value().get_string().get(item_text) != simdjson::SUCCESS) {
            return fmt::format("item {}: '{}' must be a string", n, key);
          }
          if (key == "category") {
            if (have_category) return fmt::format("item {}: duplicate key 'category'", n);
            c.category = find_code(question.categories, item_text);
            if (c.category < 0) return fmt::format("item {}: category {}", n, allowed(question.categories, item_text));
            have_category = true;
          } else if (key == "date") {
            if (have_date) return fmt::format("item {}: duplicate key 'date'", n);
            const auto d = parse_date(item_text);
            if (!d) return fmt::format("item {}: date '{}' is not a calendar date YYYY-MM-DD", n, item_text);
            c.date = *d;
            have_date = true;
          } else {
            return fmt::format("item {}: unknown key '{}' (a conviction has category and date)", n, key);
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
    case QuestionType::text: {
      if (type != sj::json_type::string) {
        return "must be a string";
      }
      if (std::string problem = check_text(s); !problem.empty()) {
        return problem;
      }
      slot.text.assign(s);
      slot.present = true;
      return {};
    }
    }
    return "unsupported question type";
  }
};

JsonCaseReader::JsonCaseReader(const Policy& policy) : m_impl(std::make_unique<Impl>(policy)) {}
JsonCaseReader::~JsonCaseReader() = default;

size_t JsonCaseReader::padding() { return simdjson::SIMDJSON_PADDING; }

std::string JsonCaseReader::read(std::string_view line, Answers& answers,
                                 std::string& case_id_json) {
  Impl& impl = *m_impl;
  case_id_json = "null";
  m_code.clear();
  m_question.clear();
  const auto refuse = [this](const char* code, std::string message) {
    m_code = code;
    return message;
  };
  for (size_t q = 0; q < answers.slots.size(); ++q) {
    if (answers.slots[q].present) {
      answers.clear(q);
    }
    impl.seen[q] = 0;
  }
  answers.case_id.reset();

  sj::document doc;
  const simdjson::padded_string_view view(line.data(), line.size(), line.size() + padding());
  if (auto error = impl.parser.iterate(view).get(doc); error != simdjson::SUCCESS) {
    return refuse("bad-json", fmt::format("invalid JSON: {}", simdjson::error_message(error)));
  }
  sj::object object;
  if (auto error = doc.get_object().get(object); error != simdjson::SUCCESS) {
    return refuse("bad-case", "a case must be a JSON object of question-id: value");
  }
  bool seen_case_id = false;
  std::string problem;
  for (auto field : object) {
    std::string_view key;
    if (auto error = field.unescaped_key().get(key); error != simdjson::SUCCESS) {
      return refuse("bad-json", fmt::format("invalid JSON: {}", simdjson::error_message(error)));
    }
    sj::value value;
    if (auto error = field.value().get(value); error != simdjson::SUCCESS) {
      return refuse("bad-json", fmt::format("invalid JSON: {}", simdjson::error_message(error)));
    }
    if (key == "case_id") {
      if (seen_case_id) return refuse("bad-case-id", "duplicate key 'case_id'");
      seen_case_id = true;
      sj::json_type type;
      if (value.type().get(type) != simdjson::SUCCESS) return refuse("bad-json", "invalid JSON");
      if (type == sj::json_type::string) {
        std::string_view s;
        if (value.get_string().get(s) != simdjson::SUCCESS) return refuse("bad-json", "invalid JSON");
        case_id_json.clear();
        append_json_string(case_id_json, s);
        answers.case_id = std::string(s);
      } else if (type == sj::json_type::number) {
        int64_t n = 0;
        if (value.get_int64().get(n) != simdjson::SUCCESS) {
          return refuse("bad-case-id", "case_id must be a string or an integer");
        }
        case_id_json = std::to_string(n);
        answers.case_id = case_id_json;
      } else if (type != sj::json_type::null) {
        return refuse("bad-case-id", "case_id must be a string or an integer");
      }
      continue;
    }
    const int found = impl.index.find(key);
    if (found < 0) {
      std::vector<std::string> ids;
      for (const Question& question : impl.policy.questions) ids.push_back(question.id);
      problem = refuse("unknown-question",
                       fmt::format("unknown question '{}'{}", key, did_you_mean(key, ids)));
      m_question = std::string(key);
      break;
    }
    const auto q = static_cast<size_t>(found);
    if (impl.seen[q] != 0) {
      problem = refuse("duplicate-answer", fmt::format("duplicate key '{}'", key));
      m_question = std::string(key);
      break;
    }
    impl.seen[q] = 1;
    if (std::string p = impl.assign(q, value, answers); !p.empty()) {
      problem = refuse("bad-value", fmt::format("answer '{}' {}", key, p));
      m_question = std::string(key);
      break;
    }
    answers.sources[q] = AnswerSource::file;
  }
  if (problem.empty()) {
    // Anything after the object (a second value, junk) makes the line invalid.
    const char* rest = nullptr;
    if (doc.current_location().get(rest) == simdjson::SUCCESS) {
      return refuse("bad-json", "invalid JSON: trailing content after the object");
    }
  } else if (!seen_case_id) {
    // The error object still names the case, so a script can tell which one failed.
    find_case_id(line, case_id_json);
  }
  return problem;
}

void JsonCaseReader::find_case_id(std::string_view line, std::string& case_id_json) {
  sj::document doc;
  const simdjson::padded_string_view view(line.data(), line.size(), line.size() + padding());
  sj::object object;
  if (m_impl->parser.iterate(view).get(doc) != simdjson::SUCCESS ||
      doc.get_object().get(object) != simdjson::SUCCESS) {
    return;
  }
  for (auto field : object) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) {
      return;
    }
    if (key != "case_id") {
      continue;
    }
    sj::value value;
    if (field.value().get(value) != simdjson::SUCCESS) {
      return;
    }
    std::string_view s;
    int64_t n = 0;
    if (value.get_string().get(s) == simdjson::SUCCESS) {
      case_id_json.clear();
      append_json_string(case_id_json, s);
    } else if (value.get_int64().get(n) == simdjson::SUCCESS) {
      case_id_json = std::to_string(n);
    }
    return;
  }
}

} // namespace divert
