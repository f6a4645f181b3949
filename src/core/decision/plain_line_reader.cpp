// SPDX-License-Identifier: Apache-2.0
#include "core/decision/plain_line_reader.hpp"

#include "core/base/dates.hpp"
#include "core/base/text_util.hpp"

#include <simdjson.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

namespace divert {

namespace {

std::uint64_t load_word(const char* p) {
  std::uint64_t word = 0;
  std::memcpy(&word, p, sizeof word);
  return word;
}

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

} // namespace

ShortPattern::ShortPattern(std::string_view bytes) {
  if (bytes.empty() || bytes.size() > k_max || bytes.find('\0') != std::string_view::npos) {
    return;
  }
  m_size = bytes.size();
  m_never = 0;
  std::array<char, k_max> padded{};
  std::memcpy(padded.data(), bytes.data(), bytes.size());
  std::memcpy(m_words.data(), padded.data(), k_max);
  // A mask keeps the pattern's bytes of each word; the first bytes in memory are the low bits
  // of a little-endian word, the high bits of a big-endian one.
  std::array<unsigned char, k_max> keep{};
  std::fill_n(keep.begin(), bytes.size(), 0xFF);
  std::memcpy(m_masks.data(), keep.data(), k_max);
}

NameTable::NameTable(const std::vector<std::string_view>& names)
    : m_names(names.begin(), names.end()) {
  size_t capacity = 16;
  while (capacity < names.size() * 4) capacity *= 2;
  m_slots.assign(capacity, -1);
  for (size_t i = 0; i < names.size(); ++i) {
    if (find(names[i]) >= 0) continue;
    size_t at = hash(names[i]) & (capacity - 1);
    while (m_slots[at] >= 0) at = (at + 1) & (capacity - 1);
    m_slots[at] = static_cast<int>(i);
  }
}

int NameTable::find(std::string_view name) const {
  if (m_slots.empty()) return -1;
  const size_t mask = m_slots.size() - 1;
  for (size_t at = hash(name) & mask;; at = (at + 1) & mask) {
    const int i = m_slots[at];
    if (i < 0) return -1;
    if (m_names[static_cast<size_t>(i)] == name) return i;
  }
}

size_t NameTable::hash(std::string_view s) {
  if (s.empty()) return 0;
  const auto b = [&](size_t i) { return static_cast<size_t>(static_cast<unsigned char>(s[i])); };
  return s.size() * 0x9E37u ^ b(0) * 0x85EBu ^ b(s.size() - 1) * 0xC2B2u ^
         b(s.size() / 2) * 0x27D4u ^ b(s.size() / 3) * 0x1656u;
}

NameTable question_ids(const Policy& policy) {
  std::vector<std::string_view> ids;
  ids.reserve(policy.questions.size());
  for (const Question& q : policy.questions) ids.emplace_back(q.id);
  return NameTable(ids);
}

namespace {

std::vector<std::string_view> codes_of(const std::vector<ChoiceValue>& values) {
  std::vector<std::string_view> codes;
  codes.reserve(values.size());
  for (const ChoiceValue& v : values) codes.emplace_back(v.code);
  return codes;
}

} // namespace

CodeIndex::CodeIndex(const std::vector<ChoiceValue>& values) : m_long(codes_of(values)) {
  std::vector<size_t> slotted; // the codes short enough for a pattern, each code once
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string& code = values[i].code;
    m_codes.emplace_back(code + '"');
    if (!code.empty() && m_codes.back().size() != 0 && m_long.find(code) == static_cast<int>(i)) {
      slotted.push_back(i);
    }
  }
  // A choice is random from line to line, so a second probe is a mispredicted branch: the
  // multiplier is picked, from a fixed sequence, to give every code a slot of its own where it
  // can (nearly always, at four slots a code); else the last one tried probes linearly.
  size_t capacity = 16;
  while (capacity < slotted.size() * 4) capacity *= 2;
  std::uint64_t multiplier = 0x9E3779B97F4A7C15u;
  for (int attempt = 0; attempt < 64; ++attempt, multiplier += 0x632BE59BD9B4E01Au) {
    m_multiplier = multiplier | 1;
    m_slots.assign(capacity, -1);
    bool collided = false;
    for (const size_t i : slotted) {
      const std::string& code = values[i].code;
      size_t at = slot_of(code.data(), code.size());
      collided = collided || m_slots[at] >= 0;
      while (m_slots[at] >= 0) at = (at + 1) & (capacity - 1);
      m_slots[at] = static_cast<int>(i);
    }
    if (!collided) break;
  }
}

// The code's first (up to) eight bytes and its length: the bytes after a short code are not
// part of it, so they are left out (copied here, masked off in slot_in_line).
size_t CodeIndex::slot_of(const char* p, size_t size) const {
  std::array<unsigned char, 8> head{};
  std::memcpy(head.data(), p, std::min<size_t>(size, 8));
  std::uint64_t word = 0;
  std::memcpy(&word, head.data(), 8);
  return slot_of_head(word, size);
}

// slot_of() on a line, which is padded: one word read, its bytes past the code masked off
// (a variable-length copy would be a call per choice).
size_t CodeIndex::slot_in_line(const char* p, size_t size) const {
  std::uint64_t word = load_word(p);
  if (size < 8) {
    const std::uint64_t low = (std::uint64_t{1} << (8 * size)) - 1;
    word &= std::endian::native == std::endian::little ? low : ~(~std::uint64_t{0} >> (8 * size));
  }
  return slot_of_head(word, size);
}

size_t CodeIndex::slot_of_head(std::uint64_t head, size_t size) const {
  const std::uint64_t key = head ^ (size * 0xC2B2AE3D27D4EB4Fu);
  return static_cast<size_t>((key * m_multiplier) >> 40) & (m_slots.size() - 1);
}

int CodeIndex::find(const char* p, size_t size) const {
  if (size == 0) return -1;
  if (size >= ShortPattern::k_max) return m_long.find(std::string_view(p, size));
  const size_t mask = m_slots.size() - 1;
  for (size_t at = slot_in_line(p, size);; at = (at + 1) & mask) {
    const int i = m_slots[at];
    if (i < 0) return -1;
    if (m_codes[static_cast<size_t>(i)].at(p)) return i;
  }
}

const char* find_string_stop_in_words(const char* p) {
  constexpr std::uint64_t ones = 0x0101010101010101u;
  constexpr std::uint64_t highs = 0x8080808080808080u;
  for (;; p += 8) {
    std::uint64_t word = load_word(p);
    if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
    const std::uint64_t quote = word ^ (ones * '"');
    const std::uint64_t backslash = word ^ (ones * '\\');
    const std::uint64_t flagged = (((quote - ones) & ~quote) | ((backslash - ones) & ~backslash) |
                                   ((word - ones * 0x20) & ~word)) &
                                  highs;
    // The lowest flagged byte is exact; higher ones may be borrows from it.
    if (flagged != 0) return p + static_cast<unsigned>(std::countr_zero(flagged)) / 8;
  }
}

#if defined(__SSE2__)
// Sixteen bytes a step: most codes, every date and most case_ids end within the first, so the
// loop's exit, which would depend on the random length of each string, is taken at once.
const char* find_string_stop(const char* p) {
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i highest_control = _mm_set1_epi8(0x1F);
  for (;; p += 16) {
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Unsigned: a byte is a control byte when the smaller of it and 0x1F is itself.
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(bytes, highest_control), bytes);
    const __m128i stops =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)),
                     control);
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(stops));
    if (mask != 0) return p + std::countr_zero(mask);
  }
}
#else
const char* find_string_stop(const char* p) { return find_string_stop_in_words(p); }
#endif

// A cursor over a copy of one line that ends in a NUL byte: no JSON token contains one, so
// every step stops there by itself and none needs to compare with the end (the copy is padded
// for the word reads past it). A NUL within the line is as wrong as the end: strings refuse
// control bytes.
struct PlainLineReader::Cursor {
  const char* p;
  const char* end; // the NUL

  // Lines seldom have spaces: one compare says there is none (JSON's are all below '!').
  void skip_space() {
    while (static_cast<unsigned char>(*p) <= ' ' && is_json_space(*p)) ++p;
  }
  bool take(char c) {
    if (*p != c) {
      skip_space();
      if (*p != c) return false;
    }
    ++p;
    return true;
  }
  // `true`, `null` or `alse` (after the f of false) at `p` + `offset`: four bytes at once.
  bool is_word4(const char (&word)[5], size_t offset = 0) const {
    std::uint32_t have = 0;
    std::uint32_t want = 0;
    std::memcpy(&want, word, 4);
    std::memcpy(&have, p + offset, 4);
    return have == want;
  }
  bool word4(const char (&word)[5]) {
    if (!is_word4(word)) return false;
    p += 4;
    return true;
  }
  // A string without escapes or control characters, after its opening quote was taken: it is
  // its own unescaped text.
  bool string_body(std::string_view& out) {
    const char* begin = p;
    p = find_string_stop(p);
    if (*p != '"') return false;
    out = std::string_view(begin, static_cast<size_t>(p - begin));
    ++p;
    return true;
  }
  bool quoted(std::string_view& out) { return take('"') && string_body(out); }
  // The bytes a JSON number may be made of, after any space; their grammar is the caller's.
  std::string_view number_token() {
    skip_space();
    const char* begin = p;
    while ((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' || *p == '.' || *p == 'e' ||
           *p == 'E') {
      ++p;
    }
    return {begin, static_cast<size_t>(p - begin)};
  }
  // A number as JSON writes it (no leading zero) that read_exact_decimal() reads exactly;
  // exponents and longer numbers are the general reader's.
  bool decimal(bool integer_only, double& value) {
    const std::string_view token = number_token();
    const size_t first = token.substr(0, 1) == "-" ? 1 : 0;
    if (token.size() > first + 1 && token[first] == '0' && token[first + 1] != '.') return false;
    return read_exact_decimal(token, integer_only, value);
  }
  // A number token as JSON writes it.
  bool number(std::string_view& out) {
    const std::optional<std::string_view> token = json_number_text(number_token());
    if (!token) return false;
    out = *token;
    return true;
  }
};

PlainLineReader::PlainLineReader(const Policy& policy)
    : m_ids(question_ids(policy)), m_next(policy.questions.size() + 2, -1),
      m_seen_in(policy.questions.size(), 0), m_case_id_key(policy.questions.size()),
      m_start(policy.questions.size() + 1), m_category("category\""), m_date("date\"") {
  constexpr double k_infinity = std::numeric_limits<double>::infinity();
  for (const Question& q : policy.questions) {
    m_shapes.push_back({q.type, q.type == QuestionType::integer, q.min.value_or(-k_infinity),
                        q.max.value_or(k_infinity)});
    m_keys.emplace_back(q.id + '"');
    m_framed_keys.emplace_back('"' + q.id + "\":");
    m_codes.emplace_back(q.type == QuestionType::convictions ? q.categories : q.values);
  }
  m_keys.emplace_back("case_id\"");
  m_framed_keys.emplace_back("\"case_id\":");
}

bool PlainLineReader::read(std::string_view line, Answers& answers, std::string& case_id_json) {
  // A line that ends in a NUL already (batch's) is read where it is; another from a copy that
  // does. Either stays readable for the longest word read past any byte (the padding).
  static_assert(1 + k_copy_padding <= simdjson::SIMDJSON_PADDING);
  const char* text = line.data();
  if (line.data()[line.size()] != '\0') {
    m_copy.resize(line.size() + 1 + k_copy_padding);
    std::memcpy(m_copy.data(), line.data(), line.size());
    std::memset(m_copy.data() + line.size(), 0, 1 + k_copy_padding);
    text = m_copy.data();
  }
  Cursor in{text, text + line.size()};
  if (++m_line == 0) {
    std::fill(m_seen_in.begin(), m_seen_in.end(), 0);
    m_line = 1;
  }
  if (!in.take('{')) return false;
  if (!in.take('}')) {
    // The tables in locals: the compiler cannot keep a member's data pointer in a register
    // across the stores into the answers, which might alias it.
    int* const next = m_next.data();
    const ShortPattern* const framed_keys = m_framed_keys.data();
    const ShortPattern* const keys = m_keys.data();
    std::uint32_t* const seen_in = m_seen_in.data();
    Slot* const slots = answers.slots.data();
    AnswerSource* const sources = answers.sources.data();
    const std::uint32_t line_count = m_line;
    bool seen_case_id = false;
    size_t previous = m_start;
    do {
      // Keys usually come in one order: the key that followed this one on the line before is
      // tried first, by its bytes with its quotes and colon (written without spaces); then
      // by its bytes after any space; a lookup by name is the fallback. (Trying the key after
      // the predicted one before the lookup, for a left-out answer, ran 8% slower.)
      const int predicted = next[previous];
      auto key = static_cast<size_t>(predicted);
      if (predicted >= 0 && framed_keys[key].at(in.p)) {
        in.p += framed_keys[key].size();
      } else {
        if (!in.take('"')) return false;
        if (predicted >= 0 && keys[key].at(in.p)) {
          in.p += keys[key].size();
        } else {
          const int found = look_up_key(in, previous);
          if (found < 0) return false;
          key = static_cast<size_t>(found);
        }
        if (!in.take(':')) return false;
      }
      previous = key;
      if (key == m_case_id_key) {
        if (seen_case_id || !read_case_id(in, answers, case_id_json)) return false;
        seen_case_id = true;
        continue;
      }
      // A repeated key is the general reader's to refuse.
      if (seen_in[key] == line_count || !read_value(key, in, slots[key])) return false;
      seen_in[key] = line_count;
      sources[key] = AnswerSource::file;
    } while (in.take(','));
    if (!in.take('}')) return false;
  }
  in.skip_space();
  return in.p == in.end;
}

// The key after its opening quote, through its closing quote, by name; remembered as the one
// that follows `previous`.
[[gnu::noinline]] int PlainLineReader::look_up_key(Cursor& in, size_t previous) {
  std::string_view name;
  if (!in.string_body(name)) return -1;
  const int key = name == "case_id" ? static_cast<int>(m_case_id_key) : m_ids.find(name);
  if (key >= 0) m_next[previous] = key;
  return key;
}

// A string case_id (its JSON text is the bytes in quotes: there is nothing to escape), a plain
// integer, or null; anything else is the general reader's.
[[gnu::noinline]] bool PlainLineReader::read_case_id(Cursor& in, Answers& answers,
                                                     std::string& case_id_json) {
  in.skip_space();
  if (*in.p == 'n') return in.word4("null");
  if (*in.p == '"') {
    ++in.p;
    std::string_view id;
    if (!in.string_body(id) || !is_utf8(id)) return false;
    case_id_json.assign(1, '"');
    case_id_json.append(id);
    case_id_json += '"';
    answers.case_id.emplace(id);
    return true;
  }
  std::string_view number;
  if (!in.number(number)) return false;
  // Plain integers only; "-0", fractions and exponents are the general reader's.
  const size_t digits = number.size() - (number[0] == '-' ? 1 : 0);
  if (digits > 18 || number.find_first_of(".eE") != std::string_view::npos ||
      number.substr(0, 2) == "-0") {
    return false;
  }
  case_id_json.assign(number);
  answers.case_id = case_id_json;
  return true;
}

// Free text is kept, so its bytes must be UTF-8; ASCII, the usual case, needs no decoder.
bool PlainLineReader::is_utf8(std::string_view text) {
  constexpr std::uint64_t highs = 0x8080808080808080u;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    if ((load_word(text.data() + i) & highs) != 0) {
      return simdjson::validate_utf8(text.data(), text.size());
    }
  }
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0x80) != 0) {
      return simdjson::validate_utf8(text.data(), text.size());
    }
  }
  return true;
}

// One answer of the question's own type, checked as assign_answer() checks it: null and ""
// leave it unanswered.
[[gnu::always_inline]] inline bool PlainLineReader::read_value(size_t q, Cursor& in,
                                                               Slot& slot) const {
  const Shape& shape = m_shapes[q];
  in.skip_space();
  if (*in.p == 'n') return in.word4("null");
  switch (shape.type) {
  case QuestionType::boolean: {
    // Without a branch on which: answers are true or false about equally often.
    const bool yes = in.is_word4("true");
    const bool no = *in.p == 'f' && in.is_word4("alse", 1);
    if (!(yes || no)) return false;
    in.p += yes ? 4 : 5;
    slot.x = yes ? 1 : 0;
    break;
  }
  case QuestionType::choice: {
    std::string_view code;
    if (!in.quoted(code)) return false;
    if (code.empty()) return true;
    const int i = m_codes[q].find(code.data(), code.size());
    if (i < 0) return false;
    slot.x = i;
    break;
  }
  case QuestionType::number:
  case QuestionType::integer: {
    double x = 0;
    if (!in.decimal(shape.integer, x) || x < shape.min || x > shape.max || std::abs(x) > 1e15) {
      return false;
    }
    slot.x = x;
    break;
  }
  case QuestionType::date: {
    std::string_view text;
    if (!in.quoted(text)) return false;
    if (text.empty()) return true;
    const std::optional<Days> day = parse_date(text);
    if (!day) return false;
    slot.x = *day;
    break;
  }
  case QuestionType::text: {
    std::string_view text;
    if (!in.quoted(text)) return false;
    if (text.empty()) return true;
    // A longer text may still be within the limit in characters: the general reader counts.
    if (text.size() > k_text_limit || !is_utf8(text)) return false;
    slot.text.assign(text);
    break;
  }
  case QuestionType::convictions: return read_convictions(q, in, slot);
  }
  slot.present = true;
  return true;
}

// A list of {"category": CODE, "date": "YYYY-MM-DD"} objects, the two keys in either order.
[[gnu::noinline]] bool PlainLineReader::read_convictions(size_t q, Cursor& in, Slot& slot) const {
  if (!in.take('[')) return false;
  if (!in.take(']')) {
    do {
      if (!in.take('{')) return false;
      ConvictionItem item;
      bool have_category = false;
      bool have_date = false;
      while (!(have_category && have_date)) {
        if ((have_category || have_date) && !in.take(',')) return false;
        if (!in.take('"')) return false;
        std::string_view text;
        if (!have_category && m_category.at(in.p)) {
          in.p += m_category.size();
          if (!in.take(':') || !in.quoted(text)) return false;
          item.category = m_codes[q].find(text.data(), text.size());
          if (item.category < 0) return false;
          have_category = true;
        } else if (!have_date && m_date.at(in.p)) {
          in.p += m_date.size();
          if (!in.take(':') || !in.quoted(text)) return false;
          const std::optional<Days> day = parse_date(text);
          if (!day) return false;
          item.date = *day;
          have_date = true;
        } else {
          return false;
        }
      }
      if (!in.take('}')) return false;
      slot.items.push_back(item);
    } while (in.take(','));
    if (!in.take(']')) return false;
  }
  slot.present = true;
  return true;
}

} // namespace divert
