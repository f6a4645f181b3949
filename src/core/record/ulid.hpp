// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace divert {

// The random part of a ULID: 80 bits, supplied by the caller (core draws no randomness).
using UlidRandom = std::array<unsigned char, 10>;

// A ULID (https://github.com/ulid/spec): 48-bit milliseconds since the epoch then 80 random
// bits, as 26 Crockford base32 characters. Sorts by time as text.
std::string make_ulid(long long unix_millis, const UlidRandom& random);

// Whether `text` is 26 upper-case Crockford base32 characters with a first character <= '7'.
bool is_ulid(std::string_view text);

// Upper-case Crockford base32 of `bytes` (5 bits per character, the last one zero-padded).
std::string crockford_base32(std::string_view bytes);

} // namespace divert
