// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string_view>

namespace divert::cli {

// Test hooks: a fixed clock with keys, device ids and record ids derived from fixed labels
// (DIVERT_FIXED_TIME), and a simulated interruption or crash at a named point of publishing
// (DIVERT_TEST_INTERRUPT, DIVERT_TEST_KILL). They exist only in the binary the tests run
// (divert-with-test-hooks, built with the tests from src/cli/hooks/test_hooks.cpp with
// DIVERT_TEST_HOOKS=1). The divert that is installed is linked with the same file built
// without them: it never reads the clock or entropy from the environment, and it refuses to
// run when one of the variables is set, rather than ignore it, so that a script that believes
// it pins the clock or a key learns at once that it does not.

// Whether this binary honours the test hooks.
bool test_hooks_built();

// Checks the variables once, before a command runs. UsageError (64) when one is set in a build
// without test hooks, or when DIVERT_FIXED_TIME is not a UTC time YYYY-MM-DDTHH:MM:SSZ.
void check_test_hooks();

// The fixed clock, in seconds since the epoch; nullopt for the real clock (always, in a build
// without test hooks). Parsed once; a malformed value is nullopt here and refused by
// check_test_hooks().
std::optional<long long> fixed_clock();

// DIVERT_TEST_INTERRUPT=<point> raises SIGINT and DIVERT_TEST_KILL=<point> SIGKILL when
// publishing reaches `point`; nothing in a build without test hooks.
void test_checkpoint(std::string_view point);

} // namespace divert::cli
