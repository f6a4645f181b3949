#!/bin/sh
# ctest: divert source | e2e
# `batch --jobs N` writes exactly what one thread writes, in input order, for any N: decisions,
# error lines (bad JSON, unknown ids, bad values) and blank lines mixed through a corpus of
# several blocks, compared byte for byte, summaries too; then input shapes that cut blocks
# differently, from a file and from a FIFO.
#   sh tests/e2e/batch_jobs.sh DIVERT SOURCE_DIR
set -eu
divert=$1
src=$2
command -v python3 >/dev/null 2>&1 || { echo "batch_jobs: SKIP: python3 not found"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DIVERT_POLICY_PATH="$src/policies" DIVERT_NO_CACHE=1

python3 "$src/tests/oracle/gen_cases.py" --seed 7 --n 12000 --policy wa-whatcom > "$work/cases.jsonl"
# Sprinkle input errors and blank lines through it, so that they land in different blocks.
awk 'NR % 997 == 0 {print "{\"case_id\": \"bad-" NR "\", \"amenible\": true}"}
     NR % 1499 == 0 {print "not json"}
     NR % 2003 == 0 {print ""}
     {print}' "$work/cases.jsonl" > "$work/mixed.jsonl"

status=0
"$divert" batch --policy wa-whatcom --jobs 1 "$work/mixed.jsonl" > "$work/one.out" 2> "$work/one.err" || true
lines=$(wc -l < "$work/one.out")
[ "$lines" -gt 12000 ] || { echo "batch_jobs: FAIL: only $lines output lines"; exit 1; }
grep -q '"error"' "$work/one.out" || { echo "batch_jobs: FAIL: the corpus has no error line"; exit 1; }
for n in 2 3 8; do
  set +e
  "$divert" batch --policy wa-whatcom --jobs "$n" "$work/mixed.jsonl" > "$work/n.out" 2> "$work/n.err"
  rc=$?
  set -e
  if [ "$rc" -ne 65 ]; then echo "batch_jobs: FAIL: --jobs $n exited $rc, not 65"; status=1; fi
  if ! cmp -s "$work/one.out" "$work/n.out"; then
    echo "batch_jobs: FAIL: --jobs $n output differs from --jobs 1"; status=1
  fi
  if ! cmp -s "$work/one.err" "$work/n.err"; then
    echo "batch_jobs: FAIL: --jobs $n summary differs:"; cat "$work/one.err" "$work/n.err"; status=1
  fi
done
# Standard input and an empty input take the same paths.
"$divert" batch --policy wa-whatcom --jobs 2 < "$work/mixed.jsonl" > "$work/stdin.out" 2>/dev/null || true
cmp -s "$work/one.out" "$work/stdin.out" || { echo "batch_jobs: FAIL: --jobs 2 from stdin differs"; status=1; }
: > "$work/empty.jsonl"
"$divert" batch --policy wa-whatcom --jobs 2 "$work/empty.jsonl" > "$work/empty.out" 2>&1
grep -q '0 cases' "$work/empty.out" || { echo "batch_jobs: FAIL: empty input"; cat "$work/empty.out"; status=1; }
# Input shapes that cut blocks differently: CRLF lines, 5,000 tiny lines (more than a block
# takes), a line longer than a block, one longer than the 1 MiB a case may take, blank lines
# and no final newline; from a file, and from a FIFO (read() only, no size known).
python3 - "$work/cases.jsonl" "$work/shapes.jsonl" <<'PY'
import sys
cases = open(sys.argv[1], encoding="utf-8").read().splitlines()
with open(sys.argv[2], "w", encoding="utf-8", newline="") as out:
    out.write("\r\n".join(cases[:3000]) + "\r\n")
    out.write("x\n" * 5000)
    out.write('{"case_id": "wide", "note": "' + "w" * 400000 + '"}\n')
    out.write(cases[3000] + "\n" + "y" * (1 << 21) + "\n \t\r\n")
    out.write("\n".join(cases[3001:6000]))
PY
"$divert" batch --policy wa-whatcom --jobs 1 "$work/shapes.jsonl" > "$work/one.out" 2> "$work/one.err" || true
if ! grep -q '"line":8001,"case_id":"wide"' "$work/one.out" ||
   ! grep -q '"line":8003,"case_id":null,"error":{"code":"line-too-long"' "$work/one.out"; then
  echo "batch_jobs: FAIL: shapes corpus"; status=1
fi
mkfifo "$work/fifo"
for n in 2 3; do
  "$divert" batch --policy wa-whatcom --jobs "$n" "$work/shapes.jsonl" > "$work/n.out" 2> "$work/n.err" || true
  cmp -s "$work/one.out" "$work/n.out" && cmp -s "$work/one.err" "$work/n.err" ||
    { echo "batch_jobs: FAIL: --jobs $n differs on the shapes corpus"; status=1; }
  cat "$work/shapes.jsonl" > "$work/fifo" &
  "$divert" batch --policy wa-whatcom --jobs "$n" "$work/fifo" > "$work/n.out" 2> "$work/n.err" || true
  wait
  cmp -s "$work/one.out" "$work/n.out" && cmp -s "$work/one.err" "$work/n.err" ||
    { echo "batch_jobs: FAIL: --jobs $n differs on the shapes corpus from a FIFO"; status=1; }
done
# A bad job count is a usage error.
set +e
"$divert" batch --policy wa-whatcom --jobs 0 "$work/empty.jsonl" > /dev/null 2>&1
rc=$?
set -e
[ "$rc" -eq 64 ] || { echo "batch_jobs: FAIL: --jobs 0 exited $rc, not 64"; status=1; }
# A closed standard input is a read error (74) named as such, not a hang or a crash.
set +e
"$divert" batch --policy wa-whatcom <&- > /dev/null 2> "$work/closed.err"
rc=$?
set -e
[ "$rc" -eq 74 ] && grep -q 'standard input: read error' "$work/closed.err" ||
  { echo "batch_jobs: FAIL: closed stdin exited $rc:"; cat "$work/closed.err"; status=1; }
# A full standard output (/dev/full) is a write error (74), even though the corpus has bad lines
# (65): lost decisions outrank bad input. No summary claims the cases were decided.
for n in 1 2; do
  set +e
  "$divert" batch --policy wa-whatcom --jobs "$n" "$work/mixed.jsonl" > /dev/full 2> "$work/full.err"
  rc=$?
  set -e
  [ "$rc" -eq 74 ] && [ "$(grep -c 'cannot write to standard output' "$work/full.err")" -eq 1 ] &&
    ! grep -q 'cases:' "$work/full.err" ||
    { echo "batch_jobs: FAIL: --jobs $n to /dev/full exited $rc:"; cat "$work/full.err"; status=1; }
done
[ "$status" -eq 0 ] && echo "batch_jobs: --jobs 1, 2, 3 and 8 agree byte for byte on $lines lines"
exit "$status"
