// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace divert {

// The widest line divert lays out for people: a terminal's classic 80 columns. Text is wrapped
// one column short, so that a terminal which wraps at its last column shows no empty line.
inline constexpr std::size_t k_terminal_columns = 80;
inline constexpr std::size_t k_text_columns = k_terminal_columns - 1;

std::string join(const std::vector<std::string>& parts, std::string_view separator);

// ", did you mean 'x'?" when a known word is close to `word` (edit distance), else "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& known);

std::size_t edit_distance(std::string_view a, std::string_view b);

// Word-wraps `text` to `width` columns: the first line starts with `first`, the others with
// `rest`. A word longer than a line stands alone on its line.
std::string word_wrap(std::string_view text, std::string_view first, std::string_view rest,
                      std::size_t width = k_text_columns);

// The shortest text that reads back as `x` ("10", "0.5", "1e+21"): how numbers from a policy
// or an answer are shown to people.
std::string format_number(double x);

// A number token as simdjson's on-demand reader hands it over, without the whitespace that may
// follow it; nullopt when it is not a number as JSON writes it (on demand leaves a number's
// syntax to its reader).
std::optional<std::string_view> json_number_text(std::string_view token);

// `text` safe to print on a terminal: every control character (C0, DEL, C1), every
// bidirectional embedding, override or isolate (see find_unprintable) and every byte that is
// not part of valid UTF-8 becomes \xNN (C1 and bidi controls as their UTF-8 bytes), so that a
// string read from a file cannot move the cursor, erase lines, set the window title or show
// its characters in another order than they have.
std::string terminal_safe(std::string_view text);
// The same, keeping line feeds and tabs: a message of several lines.
std::string terminal_safe_lines(std::string_view text);

// The first character of valid UTF-8 `text` that a terminal would act on or that can reorder
// what a reader sees: a C0 control other than tab and line feed, DEL, a C1 control (U+0080 to
// U+009F: CSI and OSC to some terminals), or a bidirectional embedding, override or isolate
// (U+202A to U+202E, U+2066 to U+2069: "Trojan Source", CVE-2021-42574). YAML refuses them
// raw, but a double-quoted "\e" or "\u202E" makes them. Its byte offset and code point.
struct Unprintable {
  size_t offset;
  char32_t code_point;
};
std::optional<Unprintable> find_unprintable(std::string_view text);

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);

} // namespace divert
