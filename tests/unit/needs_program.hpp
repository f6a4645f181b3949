// SPDX-License-Identifier: Apache-2.0
// Test cases that need a program from outside the project (ssh-keygen, openssl, dot, bash, zsh).
// Decorate them with DIVERT_NEEDS("program"): they go into the doctest suite "needs-program" and
// are reported as skipped (never as passed) when the program is not on PATH. tests/CMakeLists.txt
// runs each such suite as its own ctest test, which ctest shows as "Skipped" on such a machine.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include <unistd.h>

namespace divert::testing {

inline bool on_path(std::string_view program) {
  const char* path = std::getenv("PATH");
  std::string_view rest = path != nullptr ? path : "";
  while (!rest.empty()) {
    const size_t colon = rest.find(':');
    const std::string_view dir = rest.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    const std::filesystem::path candidate =
        std::filesystem::path(dir.empty() ? "." : std::string(dir)) / std::string(program);
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) {
      return true;
    }
  }
  return false;
}

} // namespace divert::testing

#define DIVERT_NEEDS(program)                                                                      \
  doctest::test_suite("needs-" program) * doctest::skip(!divert::testing::on_path(program))
