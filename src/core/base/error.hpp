// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace divert {

// A place in an input text. Lines and columns are 1-based (columns count bytes); 0 = unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

enum class Severity { error, warning, note };

// A finding about an input: a value, never thrown on its own (see InputError).
struct Diagnostic {
  // Not an aggregate, so the many {where, severity, message, check} findings need not spell
  // out the code and question they do not have.
  Diagnostic(SourceLocation where_ = {}, Severity severity_ = Severity::error,
             std::string message_ = {}, std::string check_ = {}, std::string code_ = {},
             std::string question_ = {})
      : where(std::move(where_)), severity(severity_), message(std::move(message_)),
        check(std::move(check_)), code(std::move(code_)), question(std::move(question_)) {}

  SourceLocation where;
  Severity severity = Severity::error;
  std::string message;
  std::string check;    // lint check id, empty for load errors
  std::string code;     // a stable kebab-case name for scripts ("unknown-question"), or empty
  std::string question; // the question id the finding is about, or empty
};

// "file:line:col: error: message [check]" -- the one format every located message uses.
std::string format_diagnostic(const Diagnostic& d);

// The failures of divert. Each kind maps to one exit code, in one place (cli/app.cpp), and
// may carry a stable kebab-case code for scripts ("no-policy"); empty means the kind's own.
class Error : public std::runtime_error {
public:
  explicit Error(const std::string& message, std::string code = {})
      : std::runtime_error(message), m_code(std::move(code)) {}
  const std::string& code() const { return m_code; }

private:
  std::string m_code;
};

// Bad command-line usage (exit 64).
class UsageError : public Error {
public:
  using Error::Error;
};

// Bad input data: a policy, answers, cases, a test file (exit 65). Carries every finding.
class InputError : public Error {
public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  InputError(SourceLocation where, const std::string& message);
  explicit InputError(const std::string& message) : InputError(SourceLocation{}, message) {}
  const std::vector<Diagnostic>& diagnostics() const { return m_diagnostics; }

private:
  std::vector<Diagnostic> m_diagnostics;
};

// An input file is missing or unreadable (exit 66).
class MissingInputError : public Error {
public:
  using Error::Error;
};

// An output cannot be created, e.g. it already exists (exit 73).
class CannotCreateError : public Error {
public:
  using Error::Error;
};

// An I/O error while writing (exit 74).
class IoError : public Error {
public:
  using Error::Error;
};

// A key or configuration problem (exit 77).
class KeyError : public Error {
public:
  using Error::Error;
};

// The user interrupted; nothing was published (exit 130).
class Interrupted : public Error {
public:
  using Error::Error;
};

} // namespace divert
