#!/bin/sh
# ctest: divert source | e2e
# `policy test --update` rewrites a test file the way divert publishes anything: a temporary
# file, fsync, rename. So the rewritten file keeps its mode, and a full disk (a small tmpfs)
# leaves the old file whole, no temporary behind, and exit 74.
. "$(dirname "$0")/records_lib.sh"
cd "$WORK"

# Mounting needs root, or a user namespace; re-run inside one when we are not root.
if [ "$(id -u)" -ne 0 ] && [ -z "${DIVERT_E2E_IN_USERNS:-}" ]; then
  if unshare -rm true 2> /dev/null; then
    DIVERT_E2E_IN_USERNS=1 exec unshare -rm sh "$0" "$DIVERT" "$SRC"
  fi
fi

POLICY_ID=wa-king-county-2011
FAILING="$SRC/tests/data/policy-tests/failing/$POLICY_ID/wrong-expectations.yaml"
update() { # TESTS_DIR: policy test --update on the shipped policy
  "$DIVERT" policy test "$SRC/policies/$POLICY_ID.yaml" --tests "$1" --update
}

# 1. An update on ordinary disk: the expectations are rewritten, the mode is kept, nothing else
#    is left in the directory, and the rewritten cases now pass.
mkdir -p ok/$POLICY_ID
cp "$FAILING" ok/$POLICY_ID/cases.yaml
chmod 0640 ok/$POLICY_ID/cases.yaml
expect 0 update ok && pass "update: exit 0"
grep -q 'rewrote' "$WORK/err" || fail "update did not say what it rewrote: $(cat "$WORK/err")"
cmp -s "$FAILING" ok/$POLICY_ID/cases.yaml && fail "update: the file was not rewritten"
[ "$(stat -c %a ok/$POLICY_ID/cases.yaml)" = 640 ] && pass "update: the mode 0640 is kept" \
  || fail "update changed the mode to $(stat -c %a ok/$POLICY_ID/cases.yaml)"
[ "$(entries ok/$POLICY_ID)" = cases.yaml ] && pass "update: nothing else left" \
  || fail "update left: $(entries ok/$POLICY_ID)"
expect 0 "$DIVERT" policy test "$SRC/policies/$POLICY_ID.yaml" --tests ok \
  && grep -q ' 0 failed' "$WORK/out" && pass "update: the rewritten cases pass"

# 2. A full disk: exit 74, the old file byte for byte, no temporary file.
mkdir full
if mount -t tmpfs -o size=64k,mode=0700 tmpfs full 2> /dev/null; then
  MOUNTS="$WORK/full $MOUNTS"
  mkdir -p full/$POLICY_ID
  cp "$FAILING" full/$POLICY_ID/cases.yaml
  dd if=/dev/zero of=full/filler bs=4096 2> /dev/null || true
  expect 74 update full && pass "full disk: exit 74"
  grep -q 'No space left on device' "$WORK/err" || fail "full disk message: $(cat "$WORK/err")"
  cmp -s "$FAILING" full/$POLICY_ID/cases.yaml && pass "full disk: the test file is unchanged" \
    || fail "full disk: the test file changed"
  [ "$(entries full/$POLICY_ID)" = cases.yaml ] && pass "full disk: no temporary file left" \
    || fail "full disk left: $(entries full/$POLICY_ID)"
else
  skip "full disk: cannot mount a tmpfs here (not root and no user namespaces)"
fi

finish
