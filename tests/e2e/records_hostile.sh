#!/bin/sh
# ctest: hooks source | e2e
# A hostile records folder cannot hang or exhaust `verify` or `records list`: a FIFO, a symbolic
# link to /dev/zero, a directory and an oversized file under record names (and a FIFO as a
# signature) are each reported, and the genuine records are still checked. Every run has a
# timeout: a hang is a failure, not a stuck test.
. "$(dirname "$0")/records_lib.sh"

if ! command -v timeout > /dev/null || ! command -v mkfifo > /dev/null; then
  echo "SKIP: needs timeout and mkfifo"
  exit 77
fi
TRUST="$KEYS/allowed_signers"
DIR="$WORK/folder"
mkdir -p "$DIR"
cp "$SRC"/tests/data/records/good/REF-* "$DIR/"
mkfifo "$DIR/REF-01FIF0000000000000000000000.json"
ln -s /dev/zero "$DIR/REF-01ZER0000000000000000000000.json"
mkdir "$DIR/REF-01D1R0000000000000000000000.json"
# Larger than 1 MiB: not read at all.
head -c 1100000 /dev/zero | tr '\0' ' ' > "$DIR/REF-01B1G0000000000000000000000.json"
# An unsigned planted record whose signature is a FIFO.
cp "$SRC/tests/data/records/planted/REF-01M8BVX9F0000000QPWTAR96KB.json" "$DIR/"
mkfifo "$DIR/REF-01M8BVX9F0000000QPWTAR96KB.json.sshsig"

# run SECONDS RC CMD...: expect exit RC within SECONDS (timeout's 124 is a hang).
run() {
  limit=$1 rc=$2
  shift 2
  expect "$rc" timeout -s KILL "$limit" "$@" || true
}

run 20 1 "$DIVERT" verify "$DIR" --trust "$TRUST"
for n in 01M8BVM4G00000008TBN3YPANH 01M8BVX9F0000000QPWTAR96KA 01M8BW6EE0000000RJYHYXRRAB \
  01M8BWFKD00000017V7CPKQMWJ; do
  grep -q "^ok      $DIR/REF-$n.json" "$WORK/out" || fail "verify: genuine record $n not ok"
done
grep -q "^9 records: 4 ok, 5 failed$" "$WORK/out" && pass "verify goes on past the odd entries" \
  || fail "verify summary: $(tail -1 "$WORK/out")"
grep -A1 "REF-01FIF0" "$WORK/out" | grep -q "file: a FIFO, not a regular file" \
  && pass "verify reports the FIFO" || fail "verify: FIFO not reported"
grep -A1 "REF-01ZER0" "$WORK/out" | grep -q "file: a symbolic link (not followed)" \
  && pass "verify does not follow a symbolic link in the folder" || fail "verify: symlink not reported"
grep -A1 "REF-01D1R0" "$WORK/out" | grep -q "file: a directory, not a regular file" \
  && pass "verify reports the directory" || fail "verify: directory not reported"
grep -A1 "REF-01B1G0" "$WORK/out" | grep -q "file: larger than 1048576 bytes" \
  && pass "verify caps a record's size" || fail "verify: oversized file not reported"
grep -A1 "REF-01M8BVX9F0000000QPWTAR96KB" "$WORK/out" | grep -q "signature_file: .*a FIFO" \
  && pass "verify reports a FIFO signature" || fail "verify: FIFO signature not reported"

# Named on the command line, a link is followed, but a device is still not read.
run 20 1 "$DIVERT" verify "$DIR/REF-01ZER0000000000000000000000.json" --trust "$TRUST"
grep -q "file: a device, not a regular file" "$WORK/out" \
  && pass "verify does not read /dev/zero named on the command line" || fail "verify: /dev/zero"
run 20 1 "$DIVERT" verify "$DIR/REF-01FIF0000000000000000000000.json" --trust "$TRUST"

run 20 65 "$DIVERT" records list "$DIR"
[ "$(wc -l < "$WORK/out")" -eq 6 ] && pass "records list lists the readable records (under a header)" \
  || fail "records list: $(cat "$WORK/out")"
[ "$(grep -c "divert: warning: skipped" "$WORK/err")" -eq 4 ] \
  && pass "records list reports each odd entry" || fail "records list: $(cat "$WORK/err")"
run 20 65 "$DIVERT" records export --csv "$DIR"
finish
