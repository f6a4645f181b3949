// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "core/base/dates.hpp"

#include <iosfwd>
#include <optional>
#include <string>

namespace divert::cli {

// The streams and terminal facts a command may use; tests pass string streams.
struct Io {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
  bool stdin_is_tty = false;
  bool stdout_is_tty = false;
  bool stderr_is_tty = false;
  bool color = false;
};

// Today's date where the laptop is (TZ, /etc/localtime), from DIVERT_FIXED_TIME (RFC 3339, for
// tests) or the system clock.
Days today();
// The current time as seconds since the epoch, with the same override.
long long now_seconds();

} // namespace divert::cli
