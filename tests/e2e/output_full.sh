#!/bin/sh
# ctest: divert source | e2e
# A full standard output (/dev/full) is exit 74 with one message, whatever the command would have
# answered: an outcome (decide's 1 for ineligible), a changed case (policy diff's 1), a finding,
# records listed. A script reading the exit status must never take lost output for a result.
#   sh tests/e2e/output_full.sh DIVERT SOURCE_DIR
set -eu
divert=$1
src=$2
cd "$src"
export DIVERT_NO_CACHE=1
status=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -n 200 examples/cases.jsonl > "$work/cases.jsonl" 2> /dev/null || true
[ -s "$work/cases.jsonl" ] || { echo "output_full: FAIL: no examples/cases.jsonl"; exit 1; }
check() { # WHAT, then the command line
  what=$1
  shift
  set +e
  "$divert" "$@" > /dev/full 2> "$work/err"
  rc=$?
  set -e
  if [ "$rc" -ne 74 ] || [ "$(grep -c 'cannot write to standard output' "$work/err")" -ne 1 ]; then
    echo "output_full: FAIL: $what: exit $rc (expected 74 and one message):"
    cat "$work/err"
    status=1
  fi
}
# Each of these exits 1, 0 or 2 on a working standard output (checked first, so the case means
# something): then 74 on a full one.
"$divert" decide --policy policies/wa-king-county-2011.yaml --answers tests/data/records/answers/king-eligible.yaml --set drug_grams=4 > /dev/null 2>&1 && rc=0 || rc=$?
[ "$rc" -eq 1 ] || { echo "output_full: FAIL: the ineligible case exits $rc, not 1"; status=1; }
check "decide, ineligible" decide --policy policies/wa-king-county-2011.yaml --answers tests/data/records/answers/king-eligible.yaml --set drug_grams=4
check "decide --json, ineligible" decide --json --policy policies/wa-king-county-2011.yaml --answers tests/data/records/answers/king-eligible.yaml --set drug_grams=4
"$divert" policy diff policies/wa-king-county-2011.yaml policies/wa-whatcom.yaml --cases "$work/cases.jsonl" > /dev/null 2>&1 && rc=0 || rc=$?
[ "$rc" -eq 1 ] || { echo "output_full: FAIL: policy diff exits $rc, not 1"; status=1; }
check "policy diff, cases changed" policy diff policies/wa-king-county-2011.yaml policies/wa-whatcom.yaml --cases "$work/cases.jsonl"
check "policy lint" policy lint policies/wa-whatcom.yaml
check "policy show" policy show policies/wa-whatcom.yaml
check "records list" records list tests/data/records/good
check "verify" verify tests/data/records/good --trust tests/data/keys/allowed_signers
check "batch" batch --policy policies/wa-whatcom.yaml "$work/cases.jsonl"
[ "$status" -eq 0 ] && echo "output_full: every command exits 74 on a full standard output"
exit "$status"
