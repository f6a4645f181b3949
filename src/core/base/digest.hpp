// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace divert {

using Sha256Digest = std::array<unsigned char, 32>;

// SHA-256 and HMAC-SHA256 (RFC 2104) through libcrypto's direct SHA-256 functions. Unlike
// its EVP interface, these load no provider and read no configuration file: on a short
// command (decide hashes each policy layer to find its cached tree) that start-up cost more
// than the hashing itself.
Sha256Digest sha256(std::string_view data);
Sha256Digest hmac_sha256(std::string_view key, std::string_view data);

// Lower-case hex of `bytes`.
std::string hex(const Sha256Digest& bytes);

} // namespace divert
