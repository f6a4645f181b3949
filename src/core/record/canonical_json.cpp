// SPDX-License-Identifier: Apache-2.0
#include "core/record/canonical_json.hpp"

#include "core/base/error.hpp"
#include "core/base/source_text.hpp"
#include "core/decision/decision_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

namespace divert {

namespace {

using Json = nlohmann::json;

// Decodes the code point starting at s[i] and advances i; nullopt for anything RFC 3629 forbids
// (overlong forms, surrogates, values above U+10FFFF, truncated sequences).
std::optional<char32_t> next_code_point(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  std::size_t len = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return std::nullopt;
  }
  if (s.size() - i < len) {
    return std::nullopt;
  }
  for (std::size_t k = 1; k < len; ++k) {
    const unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) {
      return std::nullopt;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    return std::nullopt;
  }
  i += len;
  return cp;
}

[[noreturn]] void throw_bad_utf8(std::string_view s) {
  // Name the byte rather than echo it: the message must itself stay valid UTF-8.
  std::size_t good = 0;
  for (std::size_t next = 0; next < s.size() && next_code_point(s, next);) {
    good = next;
  }
  throw InputError("string is not valid UTF-8 (byte " + std::to_string(good + 1) + " of " +
                   std::to_string(s.size()) + ")");
}

// JCS orders keys by UTF-16 code units, which differs from UTF-8 byte (= code point) order once
// supplementary characters (surrogate pairs) meet U+E000..U+FFFF.
std::u16string to_utf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto cp = next_code_point(s, i);
    if (!cp) {
      throw_bad_utf8(s);
    }
    if (*cp >= 0x10000) {
      const char32_t v = *cp - 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (v >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (v & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(*cp));
    }
  }
  return out;
}

// RFC 8785's string escaping is JSON's minimal one; a signed record must also be valid UTF-8.
void append_string(std::string& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (!next_code_point(s, i)) {
      throw_bad_utf8(s);
    }
  }
  append_json_string(out, s);
}

template <typename Int> std::string jcs_integer(Int value) {
  if (auto text = format_jcs_integer(value)) {
    return std::move(*text);
  }
  throw InputError(fmt::format("the integer {} is not exactly an IEEE 754 double: RFC 8785 would "
                               "write it as {}",
                               value, format_ecmascript_number(static_cast<double>(value))));
}

void append_value(std::string& out, const Json& value, std::size_t depth) {
  switch (value.type()) {
  case Json::value_t::null: out += "null"; return;
  case Json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; return;
  case Json::value_t::number_integer: out += jcs_integer(value.get<std::int64_t>()); return;
  case Json::value_t::number_unsigned: out += jcs_integer(value.get<std::uint64_t>()); return;
  case Json::value_t::number_float: out += format_ecmascript_number(value.get<double>()); return;
  case Json::value_t::string: append_string(out, value.get_ref<const Json::string_t&>()); return;
  case Json::value_t::array:
  case Json::value_t::object: break;
  case Json::value_t::binary: throw InputError("binary values have no JSON form");
  case Json::value_t::discarded: throw InputError("a discarded value has no JSON form");
  }
  if (depth >= k_max_json_depth) {
    throw InputError("JSON nesting is deeper than " + std::to_string(k_max_json_depth) + " levels");
  }
  if (value.is_array()) {
    out.push_back('[');
    bool first = true;
    for (const auto& element : value) {
      if (!first) {
        out.push_back(',');
      }
      first = false;
      append_value(out, element, depth + 1);
    }
    out.push_back(']');
    return;
  }
  std::vector<std::pair<std::u16string, Json::const_iterator>> members;
  members.reserve(value.size());
  for (auto it = value.cbegin(); it != value.cend(); ++it) {
    members.emplace_back(to_utf16(it.key()), it);
  }
  std::sort(members.begin(), members.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  out.push_back('{');
  bool first = true;
  for (const auto& [sort_key, it] : members) {
    if (!first) {
      out.push_back(',');
    }
    first = false;
    append_string(out, it.key());
    out.push_back(':');
    append_value(out, it.value(), depth + 1);
  }
  out.push_back('}');
}

// --- strict parsing ---

// What the SAX handler counts, so that a failure can be placed in the text afterwards: nlohmann
// reports positions for its own syntax errors only.
enum class EventKind { key, container };

// The byte offset of the `ordinal`-th (0-based) key or container opening in `text`. Only called for
// a prefix nlohmann has already accepted, so strings are well-formed up to that point.
std::size_t locate_event(std::string_view text, std::size_t ordinal) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '{' || c == '[') {
      if (seen++ == ordinal) {
        return i;
      }
    } else if (c == '"') {
      const std::size_t start = i;
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') {
          ++i;
        }
      }
      std::size_t j = i + 1;
      while (j < text.size() &&
             (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r')) {
        ++j;
      }
      if (j < text.size() && text[j] == ':' && seen++ == ordinal) {
        return start;
      }
    }
  }
  return text.size();
}

SourceLocation location_of(std::string_view text, std::size_t offset,
                           const std::string& display_name) {
  const TextPosition at = SourceText(text).locate(offset);
  return SourceLocation{display_name, at.line, at.column};
}

// Messages may quote input; bytes that are not valid UTF-8 are shown as \xNN so that a message
// never carries broken text to the terminal.
std::string printable(std::string_view s) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t start = i;
    if (next_code_point(s, i)) {
      out.append(s.substr(start, i - start));
    } else {
      const auto b = static_cast<unsigned char>(s[i++]);
      out += "\\x";
      out.push_back(k_hex[b >> 4]);
      out.push_back(k_hex[b & 0xF]);
    }
  }
  return out;
}

// nlohmann's messages start with "[json.exception.parse_error.101] parse error at line 1, column 2: ";
// we locate errors ourselves, so only the part after that prefix is kept.
std::string strip_nlohmann_prefix(const std::string& what) {
  std::string_view rest = what;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find("] ");
    if (close != std::string_view::npos) {
      rest.remove_prefix(close + 2);
    }
  }
  if (rest.starts_with("parse error")) {
    const auto colon = rest.find(": ");
    if (colon != std::string_view::npos) {
      rest.remove_prefix(colon + 2);
    }
  }
  return printable(rest);
}

class StrictDomBuilder : public nlohmann::json_sax<Json> {
public:
  struct Failure {
    std::size_t offset = 0; // valid when ordinal is empty
    std::optional<std::size_t> ordinal;
    std::optional<std::size_t> first_ordinal; // the earlier definition of a duplicate key
    std::string message;
  };

  Json take_root() { return std::move(m_root); }
  const std::optional<Failure>& failure() const { return m_failure; }

  bool null() override { return put(nullptr); }
  bool boolean(bool val) override { return put(val); }
  bool number_integer(number_integer_t val) override { return put(val); }
  bool number_unsigned(number_unsigned_t val) override { return put(val); }
  bool number_float(number_float_t val, const string_t& /*text*/) override { return put(val); }
  bool string(string_t& val) override { return put(std::move(val)); }
  bool binary(binary_t& val) override { return put(Json::binary(std::move(val))); }

  bool start_object(std::size_t /*elements*/) override { return open(Json::value_t::object); }
  bool start_array(std::size_t /*elements*/) override { return open(Json::value_t::array); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& val) override {
    const std::size_t ordinal = m_events++;
    auto& object = m_stack.back()->get_ref<Json::object_t&>();
    auto [it, inserted] = object.try_emplace(val, nullptr);
    auto& seen = m_key_ordinals.back();
    if (!inserted) {
      m_failure =
          Failure{0, ordinal, seen.at(it->first), "duplicate key " + canonicalize(Json(val))};
      return false;
    }
    // The key lives in a std::map node, which never moves, so a view of it stays valid.
    seen.emplace(it->first, ordinal);
    m_member = &it->second;
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) override {
    // `position` counts the characters read, the offending one included.
    m_failure = Failure{position > 0 ? position - 1 : 0, std::nullopt, std::nullopt,
                        strip_nlohmann_prefix(ex.what())};
    return false;
  }

private:
  // Where the next value goes: the root, the end of the open array, or the member just keyed.
  Json* slot() {
    if (m_stack.empty()) {
      return &m_root;
    }
    Json* top = m_stack.back();
    if (top->is_array()) {
      auto& array = top->get_ref<Json::array_t&>();
      array.emplace_back();
      return &array.back();
    }
    return m_member;
  }

  template <typename Value> bool put(Value&& v) {
    *slot() = Json(std::forward<Value>(v));
    return true;
  }

  bool open(Json::value_t type) {
    const std::size_t ordinal = m_events++;
    if (m_stack.size() >= k_max_json_depth) {
      m_failure =
          Failure{0, ordinal, std::nullopt,
                  "JSON nesting is deeper than " + std::to_string(k_max_json_depth) + " levels"};
      return false;
    }
    Json* target = slot();
    *target = Json(type);
    m_stack.push_back(target);
    m_key_ordinals.emplace_back();
    return true;
  }

  bool close() {
    m_stack.pop_back();
    m_key_ordinals.pop_back();
    return true;
  }

  Json m_root;
  std::vector<Json*> m_stack;
  // One map per open container (empty for arrays): key -> event ordinal, to name the first definition.
  std::vector<std::map<std::string_view, std::size_t>> m_key_ordinals;
  Json* m_member = nullptr;
  std::size_t m_events = 0;
  std::optional<Failure> m_failure;
};

} // namespace

std::optional<std::string> format_jcs_integer(std::int64_t value) {
  constexpr std::int64_t exact = std::int64_t{1} << 53;
  if (value >= -exact && value <= exact) {
    return std::to_string(value);
  }
  const auto d = static_cast<double>(value);
  // -2^63 is a double; 2^63 (what int64 max rounds to) is not an int64.
  if (d >= 9223372036854775808.0 || static_cast<std::int64_t>(d) != value) {
    return std::nullopt;
  }
  return format_ecmascript_number(d);
}

std::optional<std::string> format_jcs_integer(std::uint64_t value) {
  if (value <= std::uint64_t{1} << 53) {
    return std::to_string(value);
  }
  const auto d = static_cast<double>(value);
  if (d >= 18446744073709551616.0 || static_cast<std::uint64_t>(d) != value) {
    return std::nullopt;
  }
  return format_ecmascript_number(d);
}

std::string format_ecmascript_number(double value) {
  if (!std::isfinite(value)) {
    throw InputError("JSON has no representation for NaN or infinity");
  }
  if (value == 0) {
    return "0"; // also -0, which ECMAScript prints without its sign
  }
  std::string out;
  if (value < 0) {
    out.push_back('-');
    value = -value;
  }
  // Shortest round-trip digits in d.ddde±x form; ECMAScript's layout is then a matter of where
  // the decimal point falls (n = exponent + 1, k = number of digits).
  char buf[64];
  const auto result = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  if (result.ec != std::errc{}) {
    throw InputError("cannot format number");
  }
  const std::string_view sci(buf, static_cast<std::size_t>(result.ptr - buf));
  const auto e_pos = sci.find('e');
  std::string digits;
  for (const char c : sci.substr(0, e_pos)) {
    if (c != '.') {
      digits.push_back(c);
    }
  }
  std::string_view exp_text = sci.substr(e_pos + 1);
  const bool exp_negative = exp_text.front() == '-';
  if (exp_text.front() == '-' || exp_text.front() == '+') {
    exp_text.remove_prefix(1);
  }
  int exponent = 0;
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  if (exp_negative) {
    exponent = -exponent;
  }
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out.push_back('.');
    out.append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out.push_back(digits.front());
    if (k > 1) {
      out.push_back('.');
      out.append(digits, 1);
    }
    out.push_back('e');
    out.push_back(n - 1 >= 0 ? '+' : '-');
    out += std::to_string(std::abs(n - 1));
  }
  return out;
}

std::string canonicalize(const nlohmann::json& value) {
  std::string out;
  append_value(out, value, 0);
  return out;
}

nlohmann::json parse_json_strict(std::string_view text, const std::string& display_name) {
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    throw InputError(location_of(text, nul, display_name), "a NUL byte (JSON text has none)");
  }
  StrictDomBuilder builder;
  const bool ok = Json::sax_parse(text.data(), text.data() + text.size(), &builder);
  if (const auto& failure = builder.failure()) {
    const std::size_t offset =
        failure->ordinal ? locate_event(text, *failure->ordinal) : failure->offset;
    std::string message = failure->message;
    if (failure->first_ordinal) {
      const auto first =
          location_of(text, locate_event(text, *failure->first_ordinal), display_name);
      message += " (first defined at line " + std::to_string(first.line) + ":" +
                 std::to_string(first.column) + ")";
    }
    throw InputError(location_of(text, offset, display_name), message);
  }
  if (!ok) {
    throw InputError(SourceLocation{display_name, 0, 0}, "invalid JSON");
  }
  return builder.take_root();
}

} // namespace divert
