// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace divert {

// Deeper nesting is refused by both functions below: no record, answers or case file comes near it,
// and the limit keeps hostile input from exhausting the stack.
inline constexpr std::size_t k_max_json_depth = 512;

// The RFC 8785 (JCS) bytes of `value`: object keys sorted by UTF-16 code units, ECMAScript number
// formatting, the RFC's minimal string escaping, no whitespace, no trailing newline.
// Integers are numbers as JCS sees them (IEEE 754 doubles): an integer that a double holds
// exactly prints as ECMAScript prints that double; one it does not (9007199254740993, which JCS
// would silently turn into ...992) is an InputError rather than a changed value.
// Throws InputError for NaN, infinities, invalid UTF-8, binary values or nesting deeper than
// k_max_json_depth.
std::string canonicalize(const nlohmann::json& value);

// The RFC 8785 form of an integer, or nullopt when no double holds it exactly.
std::optional<std::string> format_jcs_integer(std::int64_t value);
std::optional<std::string> format_jcs_integer(std::uint64_t value);

// ECMAScript Number.prototype.toString(value) as RFC 8785 requires: shortest round-trip digits,
// "1e+21", "1e-7", "0.000001", and -0 as "0". Throws InputError for NaN and infinities.
std::string format_ecmascript_number(double value);

// Parses one JSON text (RFC 8259) and, unlike nlohmann's own parser, rejects duplicate object keys.
// Also rejects invalid UTF-8, lone surrogate escapes, numbers that overflow a double and nesting
// deeper than k_max_json_depth, and any NUL byte (nlohmann would take one as the end of the
// text: "1\0\0" would parse as 1). A UTF-8 byte order mark at the start is skipped.
// Throws InputError located at `display_name`:line:column (1-based, columns count bytes).
nlohmann::json parse_json_strict(std::string_view text, const std::string& display_name);

} // namespace divert
