#!/bin/sh
# ctest: hooks source | e2e
# Publishing never leaves anything partial under a final name, never overwrites, and the exit
# code says why: a full disk (74, a small tmpfs), a read-only records directory (73, a
# read-only bind mount, or an unprivileged user via setpriv), an interruption (130), an existing
# record (73). After each failure the device state is unchanged, so the chain has no gap.
. "$(dirname "$0")/records_lib.sh"
cd "$WORK"

# Mounting needs root, or a user namespace; re-run inside one when we are not root.
if [ "$(id -u)" -ne 0 ] && [ -z "${DIVERT_E2E_IN_USERNS:-}" ]; then
  if unshare -rm true 2> /dev/null; then
    DIVERT_E2E_IN_USERNS=1 exec unshare -rm sh "$0" "$DIVERT" "$SRC"
  fi
fi

STATE_FILE="$XDG_STATE_HOME/divert/devices/DEV-E2E0001.json"
seq_now() { sed -n 's/.*"seq":\([0-9]*\).*/\1/p' "$STATE_FILE" 2> /dev/null || echo 0; }
no_leftovers() { # dir what
  left=$(entries "$1" | grep -v '^filler$' || true)
  [ -z "$left" ] && pass "$2: nothing left in the records directory" || fail "$2: left behind: $left"
}

# A first record on ordinary disk, so that the chain is under way.
use_test_key "$WORK/records"
expect 0 "$DIVERT" screen --answers "$ANSWERS/king-eligible.yaml"
[ "$(seq_now)" = 1 ] || fail "seq after the first screening: $(seq_now)"

# 1. Full disk: a 64 KiB tmpfs filled up.
mkdir full
if mount -t tmpfs -o size=64k,mode=0700 tmpfs full 2> /dev/null; then
  MOUNTS="$WORK/full $MOUNTS"
  use_test_key "$WORK/full"
  dd if=/dev/zero of=full/filler bs=4096 2> /dev/null || true
  expect 74 "$DIVERT" screen --answers "$ANSWERS/king-eligible.yaml" && pass "full disk: exit 74"
  grep -q 'No space left on device' "$WORK/err" || fail "full disk message: $(cat "$WORK/err")"
  no_leftovers full "full disk"
  [ "$(seq_now)" = 1 ] && pass "full disk: device state unchanged" || fail "full disk advanced the state"
  rm full/filler
  expect 0 "$DIVERT" screen --answers "$ANSWERS/king-eligible.yaml" && [ "$(seq_now)" = 2 ] \
    && pass "full disk: the next screening continues the chain (seq 2)"
  cp full/REF-* records/ # keep this device's chain in one directory for the checks below
else
  skip "full disk: cannot mount a tmpfs here (not root and no user namespaces)"
fi

# 2. Read-only records directory: a read-only bind mount (EROFS).
mkdir ro
use_test_key "$WORK/ro"
before=$(seq_now)
if mount --bind ro ro 2> /dev/null && MOUNTS="$WORK/ro $MOUNTS" && mount -o remount,bind,ro ro 2> /dev/null; then
  expect 73 "$DIVERT" screen --answers "$ANSWERS/king-eligible.yaml" && pass "read-only mount: exit 73"
  no_leftovers ro "read-only mount"
  [ "$(seq_now)" = "$before" ] && pass "read-only mount: device state unchanged" || fail "read-only mount advanced the state"
else
  skip "read-only mount: the machine refuses bind mounts"
fi

# 3. A directory the user may not write (root ignores modes: run as nobody via setpriv).
mkdir -p locked
chmod 555 locked
if [ "$(id -u)" -ne 0 ]; then
  use_test_key "$WORK/locked"
  expect 73 "$DIVERT" screen --answers "$ANSWERS/king-eligible.yaml" && pass "unwritable directory: exit 73"
  no_leftovers locked "unwritable directory"
elif [ -z "${DIVERT_E2E_IN_USERNS:-}" ] && command -v setpriv > /dev/null && id nobody > /dev/null 2>&1; then
  # nobody owns its own copy of the configuration, key and state; only the records dir is locked.
  NB=$WORK/nobody
  mkdir -p "$NB/config/divert" "$NB/state"
  cp "$KEYS/T-0001@TEST000.key.pem" "$NB/key.pem"
  chmod 600 "$NB/key.pem"
  printf 'officer: T-0001\nagency: TEST000\ndevice: DEV-NOBODY\nkey: %s\nrecords: %s\npolicy: %s\n' \
    "$NB/key.pem" "$WORK/locked" "$POLICY" > "$NB/config/divert/config.yaml"
  chown -R nobody "$NB"
  chmod 755 "$WORK"
  got=0
  HOME=$NB XDG_CONFIG_HOME=$NB/config XDG_STATE_HOME=$NB/state \
    setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
    "$DIVERT" screen --answers "$ANSWERS/king-eligible.yaml" > out 2> err < /dev/null || got=$?
  if [ "$got" = 73 ]; then
    pass "unwritable directory (as nobody): exit 73"
  elif grep -q 'Permission denied' err && [ "$got" != 0 ]; then
    skip "unwritable directory: nobody cannot reach the test files here ($(cat err))"
  else
    fail "unwritable directory (as nobody): exit $got: $(cat err)"
  fi
  no_leftovers locked "unwritable directory"
else
  skip "unwritable directory: root without setpriv (or inside a user namespace)"
fi

# 4. Interrupted between writing the temporary files and publishing them.
use_test_key "$WORK/records"
before=$(seq_now)
before_files=$(entries records)
expect 130 env DIVERT_TEST_INTERRUPT=publish "$DIVERT" screen --answers "$ANSWERS/king-eligible.yaml" \
  && pass "interrupted: exit 130"
[ "$(entries records)" = "$before_files" ] && pass "interrupted: nothing new in the records directory" \
  || fail "interrupted: left $(entries records)"
[ "$(seq_now)" = "$before" ] && pass "interrupted: device state unchanged" || fail "interrupted advanced the state"

# 5. Never overwrite: the same clock and a restored device state give the same record id.
cp "$STATE_FILE" state.bak
expect 0 env DIVERT_FIXED_TIME=2026-11-26T12:00:00Z "$DIVERT" screen --answers "$ANSWERS/king-eligible.yaml" --json
R=$(record_path)
cp "$R" first.json
cp "$STATE_FILE" state.after
cp state.bak "$STATE_FILE"
expect 73 env DIVERT_FIXED_TIME=2026-11-26T12:00:00Z "$DIVERT" screen --answers "$ANSWERS/king-social.yaml" \
  && pass "an existing record is never replaced (73)"
cmp -s "$R" first.json && pass "the existing record is unchanged" || fail "the record was changed"
entries records | grep -q '\.tmp-' && fail "temporary files left" || pass "no temporary files left"
cp state.after "$STATE_FILE"

# 6. An orphan signature (a crash between the two renames) is removed by the next publish of
#    the device that left it, and only by that one: the folder may be shared with other devices,
#    whose signature may be published a moment before its record.
: > "records/REF-01M8BVM4G0000000000000000Z.json.sshsig"
: > "records/.REF-01M8BVM4G0000000000000000Z.json.tmp-AbCdEf"
: > "records/.REF-01M8BVM4G0000000000000001Z.json.tmp-DEV-OTHER-AbCdEf"
expect 0 "$DIVERT" verify records --trust "$KEYS/allowed_signers" && grep -q 'a signature without its record' "$WORK/out" \
  && pass "verify warns about an orphan signature"
got=0
env DIVERT_TEST_KILL=renamed "$DIVERT" screen --answers "$ANSWERS/king-eligible.yaml" --json > out 2> err < /dev/null || got=$?
[ "$got" = 137 ] || fail "DIVERT_TEST_KILL=renamed: exit $got"
own=$(entries records | grep '\.sshsig$' | while read -r f; do [ -e "records/${f%.sshsig}" ] || echo "$f"; done \
  | grep -v 0000000000000000Z || true)
[ -n "$own" ] && pass "killed between the renames: an orphan signature of this device ($own)" \
  || fail "the kill left no orphan signature"
expect 0 "$DIVERT" screen --answers "$ANSWERS/king-eligible.yaml"
[ -n "$own" ] && [ ! -e "records/$own" ] && pass "the next publish removed this device's orphan" \
  || fail "this device's orphan was not removed"
[ "$(entries records | grep -c '000000000000000[01]Z')" = 3 ] \
  && pass "another device's orphan signature and temporary files were left alone" \
  || fail "another device's files were removed: $(entries records)"
expect 0 "$DIVERT" verify records --trust "$KEYS/allowed_signers" && pass "the chain is still whole"

# 7. A full standard output after the record was published: 74, and the message names the
#    record that stands (once), so that nobody screens the case again and records it twice.
for format in "" --json; do
  before=$(entries records | grep -c '\.json$')
  got=0
  "$DIVERT" screen --answers "$ANSWERS/king-eligible.yaml" $format > /dev/full 2> err < /dev/null || got=$?
  made=$(entries records | grep -c '\.json$')
  id=$(sed -n 's/.*divert records show \([0-9A-Z]*\)).*/\1/p' err)
  [ "$got" = 74 ] && [ "$made" = $((before + 1)) ] && [ -n "$id" ] && [ -e "records/REF-$id.json" ] \
    && [ "$(grep -c 'cannot write to standard output' err)" = 1 ] \
    && pass "full stdout${format:+ with $format}: 74, and the message names the record published" \
    || { fail "full stdout${format:+ with $format}: exit $got, records $before -> $made:"; cat err >&2; }
done
expect 0 "$DIVERT" verify records --trust "$KEYS/allowed_signers" && pass "the chain is still whole after them"

finish
