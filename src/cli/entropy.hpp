// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

namespace divert::cli {

// Whether DIVERT_FIXED_TIME is set: the test mode in which the clock is fixed and every
// "random" value below is derived from its label instead, so that golden files can hold keys,
// device ids and record ids. Never set it on a real laptop.
bool deterministic_mode();

// `n` bytes from the kernel's CSPRNG (getrandom). In deterministic mode: SHA-256 in counter
// mode over "divert-test-only|<label>", the same for the same label on every run.
std::string random_bytes(size_t n, std::string_view label);

} // namespace divert::cli
