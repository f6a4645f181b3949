// SPDX-License-Identifier: Apache-2.0
#include "core/base/source_text.hpp"

#include <algorithm>

namespace divert {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

} // namespace

SourceText::SourceText(std::string_view text) : m_text(text), m_line_starts{0} {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      m_line_starts.push_back(i + 1);
    }
  }
}

TextPosition SourceText::locate(std::size_t offset) const {
  offset = std::min(offset, m_text.size());
  const auto next_line = std::upper_bound(m_line_starts.begin(), m_line_starts.end(), offset);
  const std::size_t line = static_cast<std::size_t>(next_line - m_line_starts.begin());
  return TextPosition{static_cast<int>(line),
                      static_cast<int>(offset - m_line_starts[line - 1]) + 1};
}

std::size_t SourceText::offset(TextPosition position) const {
  if (position.line < 1) {
    return 0;
  }
  if (static_cast<std::size_t>(position.line) > m_line_starts.size()) {
    return m_text.size();
  }
  const std::size_t start = m_line_starts[static_cast<std::size_t>(position.line - 1)];
  return std::min(start + static_cast<std::size_t>(std::max(position.column - 1, 0)),
                  m_text.size());
}

TextPosition SourceText::locate_in_scalar(TextPosition node, std::string_view value,
                                          std::size_t offset) const {
  std::size_t pos = this->offset(node);
  if (pos >= m_text.size()) {
    return node;
  }
  if (m_text[pos] == '\'' || m_text[pos] == '"') {
    ++pos;
  } else if (m_text[pos] == '>' || m_text[pos] == '|') {
    const std::size_t newline = m_text.find('\n', pos);
    if (newline == std::string_view::npos) {
      return node;
    }
    pos = newline + 1;
  }
  std::size_t wanted = 0;
  for (std::size_t i = 0; i < offset && i < value.size(); ++i) {
    if (!is_blank(value[i])) {
      ++wanted;
    }
  }
  auto skip_blanks = [&] {
    while (pos < m_text.size() && is_blank(m_text[pos])) {
      ++pos;
    }
  };
  for (; wanted > 0 && pos < m_text.size(); --wanted) {
    skip_blanks();
    ++pos;
  }
  // At a token, not in the blanks before it; the end of the value stays right after its last byte.
  if (offset < value.size()) {
    skip_blanks();
  }
  return locate(pos);
}

} // namespace divert
