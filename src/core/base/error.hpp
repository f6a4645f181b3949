// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <stdexcept>
#include <string>
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
  SourceLocation where;
  Severity severity = Severity::error;
  std::string message;
  std::string check; // lint check id, empty for load errors
};

// "file:line:col: error: message [check]" -- the one format every located message uses.
std::string format_diagnostic(const Diagnostic& d);

// The failures of divert. Each kind maps to one exit code, in one place (cli/app.cpp).
class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
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
