#!/bin/sh
# Every test: a Debug build with warnings as errors, the format and clang-tidy checks, the same
# tests under AddressSanitizer and UndefinedBehaviorSanitizer (less the Debian package's, a
# build of its own without sanitizers), then each libFuzzer harness for 20 seconds (clang).
# Installs dependencies first.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

# Tests only: Ajv (npm, pinned by tests/ajv/package-lock.json) checks the policy schema in strict
# mode (tests/e2e/schema_ajv.sh); without node and npm that test is skipped.
echo "== tests only: Ajv for the schema check (npm ci in tests/ajv)"
if ! command -v npm > /dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm \
    > /dev/null || true
fi
if command -v npm > /dev/null 2>&1; then
  (cd tests/ajv && npm ci --no-audit --no-fund --loglevel=error) ||
    echo "test: Ajv could not be installed: e2e/schema_ajv will be skipped"
fi

echo "== build: Debug, -Werror"
cmake -S . -B build-test -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDIVERT_WERROR=ON >/dev/null
cmake --build build-test -j "$jobs"
echo "== tests: Debug"
ctest --test-dir build-test --output-on-failure -j "$jobs"

echo "== static checks: clang-format (.clang-format), clang-tidy (.clang-tidy) on src/"
sh scripts/format-check.sh
cmake -S . -B build-tidy -G Ninja -DCMAKE_BUILD_TYPE=Debug -DBUILD_TESTING=OFF \
  -DDIVERT_CLANG_TIDY=ON >/dev/null
cmake --build build-tidy -j "$jobs" --target divert

echo "== build: ASan + UBSan, -Werror"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDIVERT_WERROR=ON \
  "-DDIVERT_SANITIZERS=address;undefined" >/dev/null
cmake --build build-asan -j "$jobs"
echo "== tests: ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"

if command -v clang++ > /dev/null 2>&1; then
  echo "== fuzz: every harness for 20 s (tests/fuzz/README.md)"
  sh scripts/fuzz.sh 20
else
  echo "== fuzz: skipped: clang++ is not installed"
fi
