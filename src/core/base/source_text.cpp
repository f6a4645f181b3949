// SPDX-License-Identifier: Apache-2.0
#include "core/base/source_text.hpp"

#include <algorithm>

namespace divert {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

std::size_t utf8_size(unsigned long code_point) {
  return code_point < 0x80 ? 1 : code_point < 0x800 ? 2 : code_point < 0x10000 ? 3 : 4;
}

// An escape in a quoted scalar's source at `text[pos]`: how many source bytes it takes and how
// many bytes of the value it makes that are not blank (the n-th non-blank byte of the value is
// what locate_in_scalar looks for). `\e` makes one, `\u00e9` two (the UTF-8 of é), `\t`, `\ `
// and an escaped line break none; in single quotes, '' makes one quote.
struct Escape {
  std::size_t source = 1;
  std::size_t non_blank = 1;
};

Escape escape_at(std::string_view text, std::size_t pos, char quote) {
  if (quote == '\'') {
    return text.substr(pos, 2) == "''" ? Escape{2, 1} : Escape{};
  }
  if (quote != '"' || text[pos] != '\\' || pos + 1 >= text.size()) return {};
  const char c = text[pos + 1];
  const std::size_t hex_digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
  if (hex_digits > 0) {
    unsigned long code_point = 0;
    std::size_t i = 0;
    for (; i < hex_digits && pos + 2 + i < text.size(); ++i) {
      const char h = text[pos + 2 + i];
      const int digit = h >= '0' && h <= '9'   ? h - '0'
                        : h >= 'a' && h <= 'f' ? h - 'a' + 10
                        : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                               : -1;
      if (digit < 0) break;
      code_point = code_point * 16 + static_cast<unsigned long>(digit);
    }
    return {2 + i, utf8_size(code_point)};
  }
  switch (c) {
  case ' ':
  case '\t':
  case 't':
  case 'n':
  case 'r': return {2, 0};  // a blank
  case '\n': return {2, 0}; // an escaped line break joins the lines
  case '\r': return {text.substr(pos + 2, 1) == "\n" ? std::size_t{3} : 2, 0};
  case 'N':
  case '_': return {2, 2}; // U+0085, U+00A0
  case 'L':
  case 'P': return {2, 3}; // U+2028, U+2029
  default: return {2, 1};  // \0, \a, \b, \v, \f, \e, \", \/ and a backslash
  }
}

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
  const char quote = m_text[pos] == '\'' || m_text[pos] == '"' ? m_text[pos] : '\0';
  if (quote != '\0') {
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
  // Past blanks and past escapes that make only blanks (or nothing).
  auto skip_blanks = [&] {
    while (pos < m_text.size()) {
      if (is_blank(m_text[pos])) {
        ++pos;
        continue;
      }
      const Escape escape = escape_at(m_text, pos, quote);
      if (escape.source < 2 || escape.non_blank > 0) break;
      pos += escape.source;
    }
  };
  while (wanted > 0 && pos < m_text.size()) {
    skip_blanks();
    if (pos >= m_text.size()) break;
    const Escape escape = escape_at(m_text, pos, quote);
    // A byte the escape makes is found at the escape.
    if (escape.non_blank > wanted) break;
    wanted -= escape.non_blank;
    pos += escape.source;
  }
  // At a token, not in the blanks before it; the end of the value stays right after its last byte.
  if (offset < value.size()) {
    skip_blanks();
  }
  return locate(pos);
}

} // namespace divert
