# For test scripts that count their checks: pass, fail MESSAGE, a temporary directory $tmp
# removed on exit, and finish WHAT, which prints "WHAT: N passed, M failed" and exits 1 on any
# failure.   . "$(dirname "$0")/../check_lib.sh"
set -u
passed=0
failed=0
pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
finish() {
  echo "$1: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && exit 0
  exit 1
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/divert-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
