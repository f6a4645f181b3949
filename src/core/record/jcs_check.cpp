// SPDX-License-Identifier: Apache-2.0
#include "core/record/jcs_check.hpp"

#include "core/record/canonical_json.hpp"

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>

namespace divert {

namespace {

class Checker {
public:
  explicit Checker(std::string_view text) : m_s(text) {}

  bool run() { return value(0) && m_i == m_s.size(); }

private:
  std::string_view m_s;
  size_t m_i = 0;

  bool at(char c) const { return m_i < m_s.size() && m_s[m_i] == c; }

  bool value(size_t depth) {
    if (m_i >= m_s.size()) return false;
    switch (m_s[m_i]) {
    case '{': return object(depth);
    case '[': return array(depth);
    case '"': return string(nullptr);
    case 't': return literal("true");
    case 'f': return literal("false");
    case 'n': return literal("null");
    default: return number();
    }
  }

  bool literal(std::string_view word) {
    if (m_s.substr(m_i, word.size()) != word) return false;
    m_i += word.size();
    return true;
  }

  bool array(size_t depth) {
    if (depth >= k_max_json_depth) return false;
    ++m_i; // [
    if (at(']')) {
      ++m_i;
      return true;
    }
    for (;;) {
      if (!value(depth + 1)) return false;
      if (at(']')) {
        ++m_i;
        return true;
      }
      if (!at(',')) return false;
      ++m_i;
    }
  }

  bool object(size_t depth) {
    if (depth >= k_max_json_depth) return false;
    ++m_i; // {
    if (at('}')) {
      ++m_i;
      return true;
    }
    std::u16string previous;
    std::u16string key;
    bool first = true;
    for (;;) {
      key.clear();
      if (!at('"') || !string(&key)) return false;
      if (!first && !(previous < key)) return false; // out of order, or a duplicate
      first = false;
      previous.swap(key);
      if (!at(':')) return false;
      ++m_i;
      if (!value(depth + 1)) return false;
      if (at('}')) {
        ++m_i;
        return true;
      }
      if (!at(',')) return false;
      ++m_i;
    }
  }

  static void push_utf16(std::u16string* out, char32_t cp) {
    if (out == nullptr) return;
    if (cp >= 0x10000) {
      const char32_t v = cp - 0x10000;
      out->push_back(static_cast<char16_t>(0xD800 + (v >> 10)));
      out->push_back(static_cast<char16_t>(0xDC00 + (v & 0x3FF)));
    } else {
      out->push_back(static_cast<char16_t>(cp));
    }
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1; // upper-case hex is not canonical
  }

  // A string in canonical form; its UTF-16 units go to `key` when given.
  bool string(std::u16string* key) {
    ++m_i; // "
    while (m_i < m_s.size()) {
      const auto c = static_cast<unsigned char>(m_s[m_i]);
      if (c == '"') {
        ++m_i;
        return true;
      }
      if (c < 0x20) return false; // raw control characters are escaped in JCS
      if (c == '\\') {
        if (m_i + 1 >= m_s.size()) return false;
        const char e = m_s[m_i + 1];
        char32_t cp = 0;
        switch (e) {
        case '"': cp = '"'; break;
        case '\\': cp = '\\'; break;
        case 'b': cp = '\b'; break;
        case 'f': cp = '\f'; break;
        case 'n': cp = '\n'; break;
        case 'r': cp = '\r'; break;
        case 't': cp = '\t'; break;
        case 'u': {
          // Only \u00XX for the control characters without a short escape.
          if (m_i + 5 >= m_s.size() || m_s[m_i + 2] != '0' || m_s[m_i + 3] != '0') return false;
          const int hi = hex(m_s[m_i + 4]);
          const int lo = hex(m_s[m_i + 5]);
          if (hi < 0 || lo < 0) return false;
          cp = static_cast<char32_t>(hi * 16 + lo);
          if (cp >= 0x20 || cp == '\b' || cp == '\f' || cp == '\n' || cp == '\r' || cp == '\t') {
            return false;
          }
          push_utf16(key, cp);
          m_i += 6;
          continue;
        }
        default: return false; // \/ and the like are not canonical
        }
        push_utf16(key, cp);
        m_i += 2;
        continue;
      }
      if (c < 0x80) {
        push_utf16(key, c);
        ++m_i;
        continue;
      }
      // A multi-byte UTF-8 sequence: shortest form, no surrogates, at most U+10FFFF.
      size_t n = 0;
      char32_t cp = 0;
      char32_t min = 0;
      if ((c & 0xE0) == 0xC0) {
        n = 2;
        cp = c & 0x1F;
        min = 0x80;
      } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        cp = c & 0x0F;
        min = 0x800;
      } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        cp = c & 0x07;
        min = 0x10000;
      } else return false;
      if (m_i + n > m_s.size()) return false;
      for (size_t k = 1; k < n; ++k) {
        const auto cc = static_cast<unsigned char>(m_s[m_i + k]);
        if ((cc & 0xC0) != 0x80) return false;
        cp = (cp << 6) | (cc & 0x3F);
      }
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
      push_utf16(key, cp);
      m_i += n;
    }
    return false; // unterminated
  }

  bool number() {
    const size_t start = m_i;
    if (at('-')) ++m_i;
    if (at('0')) {
      ++m_i;
    } else if (m_i < m_s.size() && m_s[m_i] >= '1' && m_s[m_i] <= '9') {
      while (m_i < m_s.size() && m_s[m_i] >= '0' && m_s[m_i] <= '9') ++m_i;
    } else {
      return false;
    }
    bool integer = true;
    if (at('.')) {
      integer = false;
      ++m_i;
      const size_t digits = m_i;
      while (m_i < m_s.size() && m_s[m_i] >= '0' && m_s[m_i] <= '9') ++m_i;
      if (m_i == digits) return false;
    }
    if (at('e') || at('E')) {
      integer = false;
      ++m_i;
      if (at('+') || at('-')) ++m_i;
      const size_t digits = m_i;
      while (m_i < m_s.size() && m_s[m_i] >= '0' && m_s[m_i] <= '9') ++m_i;
      if (m_i == digits) return false;
    }
    const std::string_view token = m_s.substr(start, m_i - start);
    if (integer) {
      // Held as int64/uint64 by the parser and printed exactly; "-0" prints as "0".
      if (token == "-0") return false;
      // Beyond 2^53 only an integer that a double holds exactly, printed as ECMAScript does.
      // Beyond 64 bits the parser holds a double: the double path below.
      auto canonical = [&](auto v) -> std::optional<bool> {
        const auto r = std::from_chars(token.data(), token.data() + token.size(), v);
        if (r.ec == std::errc::result_out_of_range) return std::nullopt;
        if (r.ec != std::errc() || r.ptr != token.data() + token.size()) return false;
        const auto text = format_jcs_integer(v);
        return text && *text == token;
      };
      const std::optional<bool> verdict =
          token[0] == '-' ? canonical(std::int64_t{0}) : canonical(std::uint64_t{0});
      if (verdict) return *verdict;
    }
    double d = 0;
    const auto r = std::from_chars(token.data(), token.data() + token.size(), d);
    if (r.ec != std::errc() || r.ptr != token.data() + token.size()) return false;
    try {
      return format_ecmascript_number(d) == token;
    } catch (...) {
      return false;
    }
  }
};

} // namespace

bool is_canonical_json(std::string_view text) { return Checker(text).run(); }

} // namespace divert
