// SPDX-License-Identifier: Apache-2.0
#include "core/base/text_util.hpp"

#include "core/base/digest.hpp"

#include <optional>

#include <fmt/format.h>

#include <algorithm>

namespace divert {

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      out += separator;
    }
    out += parts[i];
  }
  return out;
}

std::string word_wrap(std::string_view text, std::string_view first, std::string_view rest,
                      std::size_t width) {
  std::string out;
  std::string line(first);
  bool has_word = false;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n')) ++i;
    size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\n') ++j;
    if (i == j) break;
    const std::string_view word = text.substr(i, j - i);
    if (has_word && line.size() + 1 + word.size() > width) {
      out += line;
      out += '\n';
      line = std::string(rest);
      has_word = false;
    }
    if (has_word) line += ' ';
    line += word;
    has_word = true;
    i = j;
  }
  if (has_word) {
    out += line;
    out += '\n';
  }
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& known) {
  const size_t within = std::max<size_t>(2, word.size() / 4);
  size_t best = std::string::npos;
  const std::string* best_word = nullptr;
  for (const std::string& k : known) {
    // The distance is at least the difference in length: a word far longer or shorter than
    // every id (a hostile batch key of a megabyte) costs no quadratic comparison at all.
    const size_t apart = word.size() > k.size() ? word.size() - k.size() : k.size() - word.size();
    if (apart > within) continue;
    const size_t d = edit_distance(word, k);
    if (d < best) {
      best = d;
      best_word = &k;
    }
  }
  if (best_word != nullptr && best <= within) {
    return fmt::format(", did you mean '{}'?", *best_word);
  }
  return {};
}

std::string format_number(double x) { return fmt::format("{}", x); }

namespace {

// The length of the valid UTF-8 sequence at the start of `s`, or 0.
size_t utf8_length(std::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const auto continuation = [&](size_t i) { return i < s.size() && (byte(i) & 0xC0) == 0x80; };
  const unsigned char lead = byte(0);
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (!continuation(1) || !continuation(2)) return 0;
    if (lead == 0xE0 && byte(1) < 0xA0) return 0;  // overlong
    if (lead == 0xED && byte(1) >= 0xA0) return 0; // a surrogate
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (!continuation(1) || !continuation(2) || !continuation(3)) return 0;
    if (lead == 0xF0 && byte(1) < 0x90) return 0;  // overlong
    if (lead == 0xF4 && byte(1) >= 0x90) return 0; // above U+10FFFF
    return 4;
  }
  return 0;
}

bool is_bidi_control(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

// The code point of the valid UTF-8 sequence of `len` bytes at the start of `text`.
char32_t decode_utf8(std::string_view text, size_t len) {
  const auto lead = static_cast<unsigned char>(text[0]);
  char32_t cp = len == 1 ? lead : lead & (len == 2 ? 0x1Fu : len == 3 ? 0x0Fu : 0x07u);
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[k]) & 0x3Fu);
  return cp;
}

std::string escape_for_terminal(std::string_view text, bool keep_lines) {
  std::string out;
  out.reserve(text.size());
  const auto escape = [&](std::string_view bytes) {
    for (const char b : bytes) out += fmt::format("\\x{:02x}", static_cast<unsigned char>(b));
  };
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      const bool kept = keep_lines && (c == '\n' || c == '\t');
      if ((c < 0x20 || c == 0x7F) && !kept) {
        escape(text.substr(i, 1));
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    const size_t n = std::max<size_t>(utf8_length(text.substr(i)), 1);
    const std::string_view character = text.substr(i, n);
    // Not UTF-8; a C1 control (U+0080 to U+009F: CSI and OSC to some terminals); a bidi control
    const char32_t cp = decode_utf8(character, n);
    if (n == 1 || (cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp)) {
      escape(character);
    } else {
      out.append(character);
    }
    i += n;
  }
  return out;
}

} // namespace

std::string terminal_safe(std::string_view text) { return escape_for_terminal(text, false); }

std::string terminal_safe_lines(std::string_view text) { return escape_for_terminal(text, true); }

std::string sha256_hex(std::string_view data) { return hex(sha256(data)); }

std::optional<std::string_view> json_number_text(std::string_view token) {
  while (!token.empty() && (token.back() == ' ' || token.back() == '\t' || token.back() == '\n' ||
                            token.back() == '\r')) {
    token.remove_suffix(1);
  }
  size_t i = 0;
  const auto digits = [&] {
    const size_t start = i;
    while (i < token.size() && token[i] >= '0' && token[i] <= '9') ++i;
    return i > start;
  };
  if (i < token.size() && token[i] == '-') ++i;
  if (i < token.size() && token[i] == '0') {
    ++i;
  } else if (!digits()) {
    return std::nullopt;
  }
  if (i < token.size() && token[i] == '.' && (++i, !digits())) return std::nullopt;
  if (i < token.size() && (token[i] == 'e' || token[i] == 'E')) {
    ++i;
    if (i < token.size() && (token[i] == '+' || token[i] == '-')) ++i;
    if (!digits()) return std::nullopt;
  }
  if (i != token.size()) return std::nullopt;
  return token;
}

std::optional<Unprintable> find_unprintable(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) return Unprintable{i, c};
      ++i;
      continue;
    }
    const size_t len = std::max<size_t>(utf8_length(text.substr(i)), 1);
    const char32_t cp = decode_utf8(text.substr(i, len), len);
    if ((cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp)) return Unprintable{i, cp};
    i += len;
  }
  return std::nullopt;
}

} // namespace divert
