// SPDX-License-Identifier: Apache-2.0
// Compiled twice (see src/CMakeLists.txt): with DIVERT_TEST_HOOKS=1 for the tests' binary, with
// DIVERT_TEST_HOOKS=0 for the divert that is installed.
#include "cli/test_hooks.hpp"

#include "core/base/error.hpp"
#include "core/record/record.hpp"

#include <fmt/format.h>

#include <csignal>
#include <cstdlib>
#include <string>

#ifndef DIVERT_TEST_HOOKS
#error "build this file with DIVERT_TEST_HOOKS=0 or 1"
#endif

namespace divert::cli {

namespace {

constexpr const char* k_variables[] = {"DIVERT_FIXED_TIME", "DIVERT_TEST_INTERRUPT",
                                       "DIVERT_TEST_KILL"};

const char* variable(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

} // namespace

bool test_hooks_built() { return DIVERT_TEST_HOOKS != 0; }

std::optional<long long> fixed_clock() {
  if (!test_hooks_built()) {
    return std::nullopt;
  }
  static const std::optional<long long> fixed = [] {
    const char* text = variable("DIVERT_FIXED_TIME");
    return text == nullptr ? std::nullopt : parse_rfc3339(text);
  }();
  return fixed;
}

void check_test_hooks() {
  for (const char* name : k_variables) {
    const char* value = variable(name);
    if (value == nullptr) {
      continue;
    }
    if (!test_hooks_built()) {
      throw UsageError(fmt::format(
          "{} is set, but it is a test hook and this divert was built without test hooks; "
          "unset it (a fixed clock would date records falsely, and a fixed seed would make "
          "keys that anyone can rebuild)",
          name));
    }
    if (std::string_view(name) == "DIVERT_FIXED_TIME" && !fixed_clock()) {
      throw UsageError(fmt::format("DIVERT_FIXED_TIME '{}' is not a UTC time "
                                   "YYYY-MM-DDTHH:MM:SSZ",
                                   value));
    }
  }
}

void test_checkpoint(std::string_view point) {
  if (!test_hooks_built()) {
    return;
  }
  if (const char* at = variable("DIVERT_TEST_INTERRUPT"); at != nullptr && point == at) {
    std::raise(SIGINT);
  }
  if (const char* at = variable("DIVERT_TEST_KILL"); at != nullptr && point == at) {
    std::raise(SIGKILL);
  }
}

} // namespace divert::cli
