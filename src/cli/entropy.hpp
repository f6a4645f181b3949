// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

namespace divert::cli {

// Whether the clock is fixed (DIVERT_FIXED_TIME, honoured only by a build with test hooks, see
// test_hooks.hpp): then every "random" value below is derived from its label instead, so that
// golden files can hold keys, device ids and record ids.
bool deterministic_mode();

// `n` bytes from the kernel's CSPRNG (getrandom). In deterministic mode: SHA-256 in counter
// mode over "divert-test-only|<label>", the same for the same label on every run.
std::string random_bytes(size_t n, std::string_view label);

} // namespace divert::cli
