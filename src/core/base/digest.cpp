// SPDX-License-Identifier: Apache-2.0
#include "core/base/digest.hpp"

// SHA256_Init and friends are deprecated in OpenSSL 3 in favour of EVP, whose first use loads
// the default provider and openssl.cnf; they still use the same (SHA-NI, AVX2) code.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>

namespace divert {

namespace {

class Sha256 {
public:
  Sha256() { SHA256_Init(&m_ctx); }
  ~Sha256() { OPENSSL_cleanse(&m_ctx, sizeof m_ctx); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, size_t size) { SHA256_Update(&m_ctx, data, size); }
  Sha256Digest finish() {
    Sha256Digest out{};
    SHA256_Final(out.data(), &m_ctx);
    return out;
  }

private:
  SHA256_CTX m_ctx{};
};

} // namespace

Sha256Digest sha256(std::string_view data) {
  Sha256 h;
  h.update(data.data(), data.size());
  return h.finish();
}

Sha256Digest hmac_sha256(std::string_view key, std::string_view data) {
  constexpr size_t block = 64;
  unsigned char padded[block] = {};
  if (key.size() > block) {
    const Sha256Digest short_key = sha256(key);
    std::copy(short_key.begin(), short_key.end(), padded);
  } else {
    std::copy(key.begin(), key.end(), padded);
  }
  unsigned char pad[block];
  for (size_t i = 0; i < block; ++i) pad[i] = padded[i] ^ 0x36;
  Sha256 inner;
  inner.update(pad, block);
  inner.update(data.data(), data.size());
  const Sha256Digest inner_digest = inner.finish();
  for (size_t i = 0; i < block; ++i) pad[i] = padded[i] ^ 0x5c;
  Sha256 outer;
  outer.update(pad, block);
  outer.update(inner_digest.data(), inner_digest.size());
  OPENSSL_cleanse(padded, block);
  OPENSSL_cleanse(pad, block);
  return outer.finish();
}

std::string hex(const Sha256Digest& bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = k_digits[bytes[i] >> 4];
    out[2 * i + 1] = k_digits[bytes[i] & 0xf];
  }
  return out;
}

} // namespace divert
