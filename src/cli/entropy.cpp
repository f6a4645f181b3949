// SPDX-License-Identifier: Apache-2.0
#include "cli/entropy.hpp"

#include "cli/test_hooks.hpp"

#include "core/base/error.hpp"
#include "core/base/text_util.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <sys/random.h>

namespace divert::cli {

bool deterministic_mode() { return fixed_clock().has_value(); }

static std::string from_hex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

std::string random_bytes(size_t n, std::string_view label) {
  std::string out;
  if (deterministic_mode()) {
    for (int block = 0; out.size() < n; ++block) {
      out += from_hex(sha256_hex(fmt::format("divert-test-only|{}|{}", label, block)));
    }
    out.resize(n);
    return out;
  }
  out.resize(n);
  size_t got = 0;
  while (got < n) {
    const ssize_t r = getrandom(out.data() + got, n - got, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw IoError(fmt::format("cannot get random bytes: {}", std::strerror(errno)));
    }
    got += static_cast<size_t>(r);
  }
  return out;
}

} // namespace divert::cli
