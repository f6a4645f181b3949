// SPDX-License-Identifier: Apache-2.0
#include "core/base/error.hpp"

#include <fmt/format.h>

namespace divert {

std::string format_diagnostic(const Diagnostic& d) {
  std::string out;
  if (!d.where.file.empty()) {
    out += d.where.file;
    if (d.where.line > 0) {
      out += fmt::format(":{}:{}", d.where.line, d.where.column > 0 ? d.where.column : 1);
    }
    out += ": ";
  }
  switch (d.severity) {
  case Severity::error: out += "error: "; break;
  case Severity::warning: out += "warning: "; break;
  case Severity::note: out += "note: "; break;
  }
  out += d.message;
  if (!d.check.empty()) {
    out += fmt::format(" [{}]", d.check);
  }
  return out;
}

static std::string first_message(const std::vector<Diagnostic>& diagnostics) {
  return diagnostics.empty() ? std::string("invalid input")
                             : format_diagnostic(diagnostics.front());
}

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : Error(first_message(diagnostics)), m_diagnostics(std::move(diagnostics)) {}

InputError::InputError(SourceLocation where, const std::string& message)
    : InputError(
          std::vector<Diagnostic>{Diagnostic{std::move(where), Severity::error, message, {}}}) {}

} // namespace divert
