# Shared by the tests/e2e/records_*.sh scripts (sourced, POSIX sh). Each script is run as
#   sh tests/e2e/records_X.sh /path/to/divert /path/to/source
# and exits 0 (pass), 1 (fail) or 77 (skipped: the machine refuses something it needs).

set -eu
DIVERT=${1:?usage: $0 DIVERT_BINARY SOURCE_DIR}
SRC=${2:?usage: $0 DIVERT_BINARY SOURCE_DIR}
case $DIVERT in /*) ;; *) DIVERT=$(pwd)/$DIVERT ;; esac
case $SRC in /*) ;; *) SRC=$(pwd)/$SRC ;; esac

WORK=$(mktemp -d "${TMPDIR:-/tmp}/divert-e2e.XXXXXX")
cleanup() {
  # Unmount anything a test mounted under WORK before removing it.
  if [ -n "${MOUNTS:-}" ]; then
    for m in $MOUNTS; do umount "$m" 2>/dev/null || true; done
  fi
  chmod -R u+w "$WORK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
MOUNTS=

export HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/config" XDG_STATE_HOME="$WORK/home/state" \
       XDG_DATA_HOME="$WORK/home/data" NO_COLOR=1
unset DIVERT_FIXED_TIME DIVERT_TEST_INTERRUPT DIVERT_POLICY_PATH
mkdir -p "$HOME"

POLICY="$SRC/tests/data/records/policies/wa-king-county-2011.yaml"
POLICIES="$SRC/tests/data/records/policies"
ANSWERS="$SRC/tests/data/records/answers"
KEYS="$SRC/tests/data/keys"

FAILED=0
fail() {
  echo "FAIL: $*" >&2
  FAILED=1
}
pass() { echo "ok: $*"; }
skip() { echo "SKIP: $*"; }

# expect RC CMD...: runs CMD (stdin /dev/null), output to $WORK/out and $WORK/err.
expect() {
  want=$1
  shift
  got=0
  "$@" > "$WORK/out" 2> "$WORK/err" < /dev/null || got=$?
  if [ "$got" -ne "$want" ]; then
    fail "exit $got, expected $want: $*"
    sed 's/^/    stdout: /' "$WORK/out" >&2
    sed 's/^/    stderr: /' "$WORK/err" >&2
    return 1
  fi
  return 0
}

# The record path out of `screen --json` output in $WORK/out.
record_path() { sed -n 's/.*"record":{"id":"[^"]*","path":"\([^"]*\)".*/\1/p' "$WORK/out"; }

# Lists a directory's entries, one a line (hidden files too).
entries() { ls -A "$1" 2>/dev/null | sort; }

# The configuration for the fixed TEST-ONLY key (a 0600 copy), records in $1, state in $XDG_STATE_HOME.
use_test_key() {
  mkdir -p "$XDG_CONFIG_HOME/divert" "$WORK/key"
  cp "$KEYS/T-0001@TEST000.key.pem" "$WORK/key/test.key.pem"
  chmod 600 "$WORK/key/test.key.pem"
  cat > "$XDG_CONFIG_HOME/divert/config.yaml" <<CONFIG
officer: T-0001
agency: TEST000
device: DEV-E2E0001
key: $WORK/key/test.key.pem
records: $1
policy: $POLICY
CONFIG
}

finish() {
  if [ "$FAILED" -ne 0 ]; then
    echo "some checks failed" >&2
    exit 1
  fi
  echo "all checks passed"
  exit 0
}
