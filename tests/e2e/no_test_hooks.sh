#!/bin/sh
# ctest: divert hooks source | e2e
# The divert that is installed has no test hooks (src/cli/test_hooks.hpp): with
# DIVERT_FIXED_TIME, DIVERT_TEST_INTERRUPT or DIVERT_TEST_KILL set it refuses to run (64) and
# writes nothing, so no key can be derived from a principal; without them its keys are random.
# The tests' binary, for contrast, derives the key and refuses a malformed DIVERT_FIXED_TIME.
# Usage: no_test_hooks.sh INSTALLED_DIVERT TEST_DIVERT SOURCE_DIR
TEST_DIVERT=${2:?usage: $0 INSTALLED_DIVERT TEST_DIVERT SOURCE_DIR}
case $TEST_DIVERT in /*) ;; *) TEST_DIVERT=$(pwd)/$TEST_DIVERT ;; esac
set -- "$1" "${3:?usage: $0 INSTALLED_DIVERT TEST_DIVERT SOURCE_DIR}"
. "$(dirname "$0")/records_lib.sh"
cd "$WORK"

FIXED=2026-11-26T12:00:00Z
keygen() { # binary out-dir [env...]: an unencrypted key for B-4417@WA0340000 in out-dir
  bin=$1 out=$2
  shift 2
  env XDG_CONFIG_HOME="$WORK/$out/config" "$@" "$bin" keygen --officer B-4417 --agency WA0340000 \
    --no-passphrase --out "$WORK/$out"
}

# Refused, loudly, before anything is written.
for var in DIVERT_FIXED_TIME=$FIXED DIVERT_TEST_INTERRUPT=publish DIVERT_TEST_KILL=reserved; do
  name=${var%%=*}
  expect 64 keygen "$DIVERT" refused "$var" && pass "installed divert refuses keygen with $name (64)"
  grep -q "$name is set, but it is a test hook" err || fail "$name refusal message: $(cat err)"
  [ ! -e refused ] && pass "$name: nothing written" || fail "$name: wrote $(ls -R refused)"
done
expect 64 env DIVERT_FIXED_TIME=$FIXED "$DIVERT" decide --policy "$POLICY" \
  --answers "$ANSWERS/king-eligible.yaml" && pass "installed divert refuses decide with a fixed clock"
use_test_key "$WORK/records"
expect 64 env DIVERT_FIXED_TIME=$FIXED "$DIVERT" screen --answers "$ANSWERS/king-eligible.yaml" \
  && pass "installed divert refuses screen with a fixed clock"
[ ! -e records ] && pass "screen: no record written" || fail "screen wrote $(ls records)"

# Without the variables, the installed divert's keys are random; the tests' binary derives one.
expect 0 keygen "$DIVERT" a && expect 0 keygen "$DIVERT" b
expect 0 keygen "$TEST_DIVERT" derived DIVERT_FIXED_TIME=$FIXED
for k in a b; do
  cmp -s "$k/B-4417@WA0340000.pub" derived/B-4417@WA0340000.pub \
    && fail "installed divert made the derivable test key ($k)" \
    || pass "installed divert's key $k is not the derivable test key"
done
cmp -s a/B-4417@WA0340000.pub b/B-4417@WA0340000.pub && fail "two keygens made the same key" \
  || pass "two keygens make two keys"
expect 0 keygen "$TEST_DIVERT" derived2 DIVERT_FIXED_TIME=$FIXED
cmp -s derived/B-4417@WA0340000.pub derived2/B-4417@WA0340000.pub \
  && pass "the tests' binary derives the same key twice (what the hook is for)" \
  || fail "the tests' binary did not derive its key"

# One clock: a malformed DIVERT_FIXED_TIME is refused, never half used.
for bad in 2026-11-26 2026-11-26T12:00:00 2026-13-01T00:00:00Z 2026-11-26T25:00:00Z yesterday; do
  expect 64 keygen "$TEST_DIVERT" bad DIVERT_FIXED_TIME=$bad \
    && grep -q "DIVERT_FIXED_TIME '$bad' is not a UTC time" err \
    && pass "malformed DIVERT_FIXED_TIME '$bad' refused (64)"
  [ ! -e bad ] || fail "malformed DIVERT_FIXED_TIME '$bad': wrote $(ls -R bad)"
done
expect 0 env DIVERT_FIXED_TIME=$FIXED "$TEST_DIVERT" decide --policy "$POLICY" \
  --answers "$ANSWERS/king-eligible.yaml" && pass "the tests' binary decides with a fixed clock"

finish
