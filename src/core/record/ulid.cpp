// SPDX-License-Identifier: Apache-2.0
#include "core/record/ulid.hpp"

namespace divert {

namespace {
constexpr char k_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
}

std::string make_ulid(long long unix_millis, const UlidRandom& random) {
  std::string out(26, '0');
  auto ms = static_cast<unsigned long long>(unix_millis < 0 ? 0 : unix_millis);
  for (int i = 9; i >= 0; --i) { // 10 characters, 50 bits; the top 2 are zero for 48-bit times
    out[static_cast<size_t>(i)] = k_alphabet[ms & 31U];
    ms >>= 5;
  }
  // 80 random bits = 16 characters, most significant first.
  unsigned bits = 0;
  int nbits = 0;
  size_t pos = 10;
  for (unsigned char byte : random) {
    bits = ((bits << 8) | byte) & 0xFFFFU;
    nbits += 8;
    while (nbits >= 5) {
      nbits -= 5;
      out[pos++] = k_alphabet[(bits >> static_cast<unsigned>(nbits)) & 31U];
    }
  }
  return out;
}

bool is_ulid(std::string_view text) {
  if (text.size() != 26 || text[0] > '7') {
    return false;
  }
  for (char c : text) {
    bool found = false;
    for (const char* a = k_alphabet; *a != '\0'; ++a) {
      found = found || *a == c;
    }
    if (!found) {
      return false;
    }
  }
  return true;
}

std::string crockford_base32(std::string_view bytes) {
  std::string out;
  unsigned bits = 0;
  int nbits = 0;
  for (char ch : bytes) {
    bits = ((bits << 8) | static_cast<unsigned char>(ch)) & 0xFFFFU;
    nbits += 8;
    while (nbits >= 5) {
      nbits -= 5;
      out += k_alphabet[(bits >> static_cast<unsigned>(nbits)) & 31U];
    }
  }
  if (nbits > 0) {
    out += k_alphabet[(bits << static_cast<unsigned>(5 - nbits)) & 31U];
  }
  return out;
}

} // namespace divert
