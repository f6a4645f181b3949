#!/bin/sh
# ctest: hooks source | e2e
# The committed fixture records (tests/data/records/*/) are reproduced byte for byte: the
# record format, canonical JSON, record ids, device chain and signatures are deterministic
# under DIVERT_FIXED_TIME with the TEST-ONLY key. When a change to the record format is
# intended, regenerate with tests/data/records/make-fixtures.sh and review the diff.
. "$(dirname "$0")/records_lib.sh"

if ! command -v ssh-keygen > /dev/null || ! command -v python3 > /dev/null; then
  echo "SKIP: the fixture script needs ssh-keygen and python3"
  exit 77
fi
sh "$SRC/tests/data/records/make-fixtures.sh" "$DIVERT" "$WORK/fresh" > /dev/null
for dir in "$SRC"/tests/data/records/*/; do
  name=$(basename "$dir")
  case $name in policies | answers) continue ;; esac
  if diff -r "$dir" "$WORK/fresh/$name" > "$WORK/diff" 2>&1; then
    pass "fixtures $name reproduced"
  else
    fail "fixtures $name differ (regenerate with make-fixtures.sh if intended):"
    head -20 "$WORK/diff" >&2
  fi
done
finish
