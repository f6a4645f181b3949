// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/decision/answers.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace divert {

// Reads JSON Lines cases (the batch form) with simdjson. One reader is reused for every line
// so that a case costs no allocation beyond its conviction list.
class JsonCaseReader {
public:
  explicit JsonCaseReader(const Policy& policy);
  ~JsonCaseReader();
  JsonCaseReader(const JsonCaseReader&) = delete;
  JsonCaseReader& operator=(const JsonCaseReader&) = delete;

  // Parses one JSON object into `answers` (first emptied of every value, list, text and
  // case_id; `where` is left alone: a JSON line gives no place per answer). `line` must stay readable for
  // `padding()` bytes past its end. Returns "" on success, else why the line was refused.
  // `case_id_json` receives the case_id as JSON text ("null" when absent).
  std::string read(std::string_view line, Answers& answers, std::string& case_id_json);

  static size_t padding();

  // Off: every line goes through the general simdjson reader, which the plain-line reader
  // must agree with (tests compare the two).
  void set_plain_lines(bool on) { m_plain_lines = on; }
  // How many lines the plain-line reader took whole.
  size_t plain_lines_read() const { return m_plain_read; }

  // After a refusal: a stable kebab-case name for it ("bad-value", "unknown-question",
  // "bad-json") and the question id it is about ("" when none).
  const std::string& problem_code() const { return m_code; }
  const std::string& problem_question() const { return m_question; }

  // The longest line read, in bytes (without its newline); a longer line is refused whole.
  static constexpr size_t k_max_line = size_t{1} << 20;

private:
  // After an error: the line's case_id, when it can still be found, for the error object.
  void find_case_id(std::string_view line, std::string& case_id_json);

  struct Impl;
  std::unique_ptr<Impl> m_impl;
  std::string m_code;
  std::string m_question;
  bool m_plain_lines = true;
  size_t m_plain_read = 0;
};

} // namespace divert
