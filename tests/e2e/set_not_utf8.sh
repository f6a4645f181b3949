#!/bin/sh
# ctest: divert source | e2e
# A --set value is the terminal's bytes, not a checked file: from a Latin-1 terminal 'café' is
# 63 61 66 E9, not UTF-8. decide and screen refuse it (exit 65, naming the answer) before
# deciding, and screen writes no record (it used to decide and then fail to sign). A golden
# case cannot carry the byte: its args file is read as UTF-8.
#   sh tests/e2e/set_not_utf8.sh DIVERT SOURCE_DIR
set -eu
divert=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DIVERT_POLICY_PATH="$src/policies" DIVERT_NO_CACHE=1
export XDG_STATE_HOME="$work/state" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache"
status=0
fail() { echo "set_not_utf8: FAIL: $*" >&2; status=1; }
latin1=$(printf 'caf\351')
want="divert: error: --set narrative: answer 'narrative' is not UTF-8 text (is the terminal or the file in another encoding?)"

rc=0
"$divert" decide --policy nm-santa-fe --set "narrative=$latin1" < /dev/null > "$work/out" 2> "$work/err" || rc=$?
[ "$rc" -eq 65 ] || fail "decide: exit $rc, not 65"
grep -qxF "$want" "$work/err" || { fail "decide: not the message:"; cat "$work/err" >&2; }

rc=0
"$divert" screen --demo --no-input --policy nm-santa-fe --set pathway=arrest_diversion \
  --set incident_date=2024-03-02 --set offense=dui --set "narrative=$latin1" \
  < /dev/null > "$work/out" 2> "$work/err" || rc=$?
[ "$rc" -eq 65 ] || fail "screen: exit $rc, not 65"
grep -qxF "$want" "$work/err" || { fail "screen: not the message:"; cat "$work/err" >&2; }
if [ -d "$work/state/divert/demo/records" ] && [ -n "$(ls -A "$work/state/divert/demo/records")" ]; then
  fail "screen wrote into the records folder"
fi
# The same text in UTF-8 is signed.
"$divert" screen --demo --no-input --policy nm-santa-fe --set pathway=arrest_diversion \
  --set incident_date=2024-03-02 --set offense=dui --set "narrative=$(printf 'caf\303\251')" \
  < /dev/null > "$work/out" 2> "$work/err" || rc=$?
ls "$work/state/divert/demo/records/"REF-*.json > /dev/null 2>&1 || fail "screen did not sign the UTF-8 text"

[ "$status" -eq 0 ] && echo "set_not_utf8: a Latin-1 --set value is refused by decide and screen; UTF-8 is signed"
exit "$status"
