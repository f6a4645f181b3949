// SPDX-License-Identifier: Apache-2.0
#include "core/decision/answers_json.hpp"

#include "core/decision/decision_json.hpp"
#include "core/decision/plain_line_reader.hpp"
#include "core/base/text_util.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <unordered_map>

namespace divert {

namespace sj = simdjson::ondemand;

struct JsonCaseReader::Impl {
  const Policy& policy;
  sj::parser parser;
  NameTable index;
  std::vector<unsigned char> seen;
  AnswerParts parts;
  PlainLineReader plain;

  std::vector<size_t> with_storage; // convictions and text questions

  explicit Impl(const Policy& p)
      : policy(p), index(question_ids(p)), seen(p.questions.size()), plain(p) {
    for (size_t q = 0; q < p.questions.size(); ++q) {
      const QuestionType type = p.questions[q].type;
      if (type == QuestionType::convictions || type == QuestionType::text)
        with_storage.push_back(q);
    }
  }

  // Empties what a line sets: every slot's value, the lists and texts of the questions that
  // have them (a refused conviction list leaves the items read before its fault in a slot that
  // is not present: they are cleared too, or they would join the next line's list), the
  // case_id. Without a branch per slot: every line of a batch pays for this.
  void reset(Answers& answers) {
    for (Slot& slot : answers.slots) {
      slot.present = false;
      slot.x = 0;
    }
    for (const size_t q : with_storage) {
      answers.slots[q].items.clear();
      answers.slots[q].text.clear();
    }
    answers.case_id.reset();
  }

  // Decodes one JSON value into a plain value (see AnswerValue: a top-level list's items and
  // their fields only). On demand, a string may be read only once: its unescaped copy goes to
  // the parser's string buffer, sized for one copy of each string of the line (a second read
  // of a long string overran it).
  simdjson::error_code decode(sj::value value, AnswerValue& out, int depth) {
    out = {};
    sj::json_type type;
    if (auto error = value.type().get(type); error != simdjson::SUCCESS) return error;
    switch (type) {
    case sj::json_type::null: {
      bool null = false;
      if (auto error = value.is_null().get(null); error != simdjson::SUCCESS) return error;
      return null ? simdjson::SUCCESS : simdjson::N_ATOM_ERROR;
    }
    case sj::json_type::boolean: {
      bool b = false;
      if (auto error = value.get_bool().get(b); error != simdjson::SUCCESS) return error;
      out.kind = ValueKind::boolean;
      out.text = b ? "true" : "false";
      return simdjson::SUCCESS;
    }
    case sj::json_type::number: {
      const std::optional<std::string_view> number = json_number_text(value.raw_json_token());
      if (!number) return simdjson::NUMBER_ERROR;
      out.kind = ValueKind::number;
      out.text = *number;
      return simdjson::SUCCESS;
    }
    case sj::json_type::string: {
      std::string_view s;
      if (auto error = value.get_string().get(s); error != simdjson::SUCCESS) return error;
      // An empty value means "not answered", whatever the question's type (as in YAML).
      if (!s.empty()) {
        out.kind = ValueKind::string;
        out.text = s;
      }
      return simdjson::SUCCESS;
    }
    case sj::json_type::array: {
      out.kind = ValueKind::list;
      if (depth > 0) return simdjson::SUCCESS; // skipped by the parser
      sj::array array;
      if (auto error = value.get_array().get(array); error != simdjson::SUCCESS) return error;
      out.first = static_cast<std::uint32_t>(parts.items.size());
      for (auto element : array) {
        sj::value item_value;
        if (auto error = element.get(item_value); error != simdjson::SUCCESS) return error;
        AnswerValue item;
        if (auto error = decode(item_value, item, depth + 1); error != simdjson::SUCCESS) {
          return error;
        }
        parts.items.push_back(item);
        ++out.count;
      }
      return simdjson::SUCCESS;
    }
    case sj::json_type::object: {
      out.kind = ValueKind::object;
      if (depth != 1) return simdjson::SUCCESS;
      sj::object object;
      if (auto error = value.get_object().get(object); error != simdjson::SUCCESS) return error;
      out.first = static_cast<std::uint32_t>(parts.fields.size());
      for (auto field : object) {
        AnswerField decoded;
        sj::value field_value;
        if (auto error = field.unescaped_key().get(decoded.key); error != simdjson::SUCCESS) {
          return error;
        }
        if (auto error = field.value().get(field_value); error != simdjson::SUCCESS) return error;
        if (auto error = decode(field_value, decoded.value, depth + 1);
            error != simdjson::SUCCESS) {
          return error;
        }
        parts.fields.push_back(decoded);
        ++out.count;
      }
      return simdjson::SUCCESS;
    }
    }
    return simdjson::INCORRECT_TYPE;
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
  impl.reset(answers);
  if (line.size() > k_max_line) {
    // Not parsed: its case_id may lie beyond the part of the line that was kept.
    return refuse("line-too-long",
                  fmt::format("the line is longer than {} bytes (1 MiB), the most a case may take",
                              k_max_line));
  }

  if (m_plain_lines) {
    if (impl.plain.read(line, answers, case_id_json)) {
      ++m_plain_read;
      return {};
    }
    // Read again from the start: the general reader sets or refuses everything itself.
    case_id_json = "null";
    impl.reset(answers);
  }

  // A NUL is never JSON (in a string it must be escaped), and simdjson would blame a string or
  // the object's shape: name the byte and where it is. A UTF-16 file is full of them.
  if (const size_t nul = line.find('\0'); nul != std::string_view::npos) {
    find_case_id(line.substr(0, nul), case_id_json);
    return refuse("bad-json", fmt::format("invalid JSON: a NUL byte at column {}; a case line is "
                                          "UTF-8 text (is the file UTF-16?)",
                                          nul + 1));
  }

  std::fill(impl.seen.begin(), impl.seen.end(), 0);
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
        if (value.get_string().get(s) != simdjson::SUCCESS)
          return refuse("bad-json", "invalid JSON");
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
    impl.parts.clear();
    AnswerValue decoded;
    if (auto error = impl.decode(value, decoded, 0); error != simdjson::SUCCESS) {
      problem = refuse("bad-json", fmt::format("invalid JSON: {}", simdjson::error_message(error)));
      break;
    }
    if (std::string p =
            assign_answer(impl.policy.questions[q], decoded, impl.parts, answers.slots[q]);
        !p.empty()) {
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
