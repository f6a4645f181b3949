// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>

namespace divert {

// Whether `text` is exactly the RFC 8785 (JCS) form of the JSON value it holds, i.e. whether
// canonicalize(parse(text)) == text, decided in one pass over the bytes without building a
// document: no whitespace, object keys in strictly increasing UTF-16 order (so no duplicates),
// minimal string escapes, valid UTF-8, numbers as canonicalize() prints them, nesting within
// k_max_json_depth, nothing after the value. Never throws. `divert verify` uses it as the fast
// path; anything it refuses goes through parse_json_strict for a located message.
bool is_canonical_json(std::string_view text);

} // namespace divert
