// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/decision/answers.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace divert {

// Up to 32 known bytes (a question id or a choice code, with the closing quote after it),
// compared with the input as four masked words at once: no loop and no branch per byte. The
// input must stay readable for 32 bytes past where a match may start (a batch line is padded),
// and end in a NUL byte: a pattern has none, so a match ends before the input does, and no
// length is compared.
class ShortPattern {
public:
  static constexpr size_t k_max = 32;
  ShortPattern() = default;
  // Empty or longer bytes, or bytes with a NUL, make a pattern that never matches.
  explicit ShortPattern(std::string_view bytes);

  // Whether `p` starts with the pattern.
  bool at(const char* p) const {
    std::uint64_t diff = m_never;
    for (size_t i = 0; i < 4; ++i) diff |= (load(p + 8 * i) ^ m_words[i]) & m_masks[i];
    return diff == 0;
  }
  size_t size() const { return m_size; }

private:
  static std::uint64_t load(const char* p) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, sizeof word);
    return word;
  }

  std::array<std::uint64_t, 4> m_words{};
  std::array<std::uint64_t, 4> m_masks{};
  size_t m_size = 0;
  std::uint64_t m_never = 1; // 0 when the pattern can match
};

// The first quote, backslash or control byte (a NUL is one) at or after `p`: where a JSON
// string without escapes ends, or where it stops being one. The text must end in a NUL and stay
// readable for 16 bytes past it. find_string_stop() reads 16 bytes a step where SSE2 is there
// (every x86-64), else it is find_string_stop_in_words(), 8 bytes a step on any machine; a unit
// test compares the two.
const char* find_string_stop(const char* p);
const char* find_string_stop_in_words(const char* p);

// Names by their text (question ids, a question's choice codes or conviction categories): a
// small open-addressing table on the name's length and a few of its bytes, since every key and
// every choice of every line is looked up. The first of equal names wins, as in a linear search.
class NameTable {
public:
  NameTable() = default;
  explicit NameTable(const std::vector<std::string_view>& names);

  // The index of `name` in the list the table was made from, or -1.
  int find(std::string_view name) const;

private:
  static size_t hash(std::string_view name);

  std::vector<int> m_slots; // -1 free, else an index into m_names
  std::vector<std::string> m_names;
};

NameTable question_ids(const Policy& policy);

// A question's choice codes (or conviction categories), found from the bytes of a line: the
// code's length and first bytes pick a slot, its pattern (code and closing quote) confirms it.
class CodeIndex {
public:
  explicit CodeIndex(const std::vector<ChoiceValue>& values);

  // The index of the code at `p` (`size` bytes, then the closing quote), or -1; `p` must stay
  // readable for 32 bytes and the text end in a NUL (a batch line is padded).
  int find(const char* p, size_t size) const;

private:
  size_t slot_of(const char* p, size_t size) const;
  size_t slot_in_line(const char* p, size_t size) const;
  size_t slot_of_head(std::uint64_t head, size_t size) const;

  std::uint64_t m_multiplier = 0;
  std::vector<int> m_slots; // -1 free, else an index into m_codes
  std::vector<ShortPattern> m_codes;
  NameTable m_long; // every code, for those too long for a pattern
};

// The batch reader's common line, read directly: one flat JSON object of question ids with values
// of each question's own type, in any order, without escapes. It knows the shape it expects, so it
// does less than a generic JSON reader: it never asks a value its type, copies nothing but the text
// it keeps (and the line, once, to end it in a NUL, unless it ends in one), compares each key with
// the one that followed the key before on the last line (keys usually come in one order) rather
// than looking it up, and maps a choice's text straight to its index. Every byte is checked:
// structure, whitespace, known ids and codes, dates and numbers by their grammar, and the UTF-8 of
// the free text it keeps (case_id, text).
//
// It sets exactly what the general reader (simdjson, JsonCaseReader) sets for such a line and
// refuses everything else at the first thing it does not cover, without a message: the caller
// reads that line again with the general reader, which accepts it or words the error.
class PlainLineReader {
public:
  explicit PlainLineReader(const Policy& policy);

  // `answers` must be reset; `line` readable for 64 bytes past its end (when the first of them
  // is a NUL, the line is read in place, else from a copy). On false, `answers` and
  // `case_id_json` may hold part of the line.
  bool read(std::string_view line, Answers& answers, std::string& case_id_json);

private:
  struct Cursor;
  // What reading an answer needs of its question, packed together.
  struct Shape {
    QuestionType type = QuestionType::boolean;
    bool integer = false;
    double min = 0;
    double max = 0;
  };

  bool read_value(size_t q, Cursor& in, Slot& slot) const;
  bool read_convictions(size_t q, Cursor& in, Slot& slot) const;
  static bool read_case_id(Cursor& in, Answers& answers, std::string& case_id_json);
  static bool is_utf8(std::string_view text);
  int look_up_key(Cursor& in, size_t previous);

  NameTable m_ids;
  std::vector<Shape> m_shapes;             // per question
  std::vector<ShortPattern> m_keys;        // per question, then case_id: the id + '"'
  std::vector<ShortPattern> m_framed_keys; // the same as '"' + id + "\":"
  std::vector<CodeIndex> m_codes;          // per question: its choice values or categories
  std::vector<int> m_next;                 // per key, then the line's start: the key that followed
  std::vector<std::uint32_t> m_seen_in;    // per question: the line that last answered it
  std::uint32_t m_line = 0;
  size_t m_case_id_key = 0;
  size_t m_start = 0;
  ShortPattern m_category;
  ShortPattern m_date;
  // The line is read from a copy that ends in a NUL and this many more bytes (a pattern's
  // words, a string scan's last 16 bytes, may be read past any byte of the line).
  static constexpr size_t k_copy_padding = ShortPattern::k_max + 8;
  std::vector<char> m_copy;
};

} // namespace divert
