#!/bin/sh
# Regenerates the signed record fixtures in this directory with the TEST-ONLY key of
# ../keys (see its README). The records are deterministic: the clock is fixed per record
# (DIVERT_FIXED_TIME), the record ids are derived from it, and Ed25519 signatures are
# deterministic, so running this twice gives the same bytes (tests/e2e/golden_records.sh
# checks that). Usage: tests/data/records/make-fixtures.sh build/tests/divert-with-test-hooks
# (the installed divert has no fixed clock: see divert(1), ENVIRONMENT)
#
# policies/ and answers/ are frozen copies, so the fixtures do not change when the shipped
# policies do.
set -eu
DIVERT=${1:?usage: make-fixtures.sh DIVERT_BINARY [OUT_DIR]}
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${2:-$HERE}
KEYS=$HERE/../keys
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM
export HOME="$WORK" XDG_CONFIG_HOME="$WORK/config"
unset DIVERT_POLICY_PATH DIVERT_TEST_INTERRUPT
mkdir -p "$WORK/config/divert"
cp "$KEYS/T-0001@TEST000.key.pem" "$WORK/key.pem"
chmod 600 "$WORK/key.pem"
cat > "$WORK/config/divert/config.yaml" <<CONFIG
officer: T-0001
agency: TEST000
agency_name: Test Agency (TEST ONLY)
device: DEV-TEST0001
key: $WORK/key.pem
records: $WORK/unused
CONFIG

# screen STATE RECORDS TIME ANSWERS [FLAGS...]: one non-interactive screening.
screen() {
  state=$1 records=$2 time=$3 answers=$4
  shift 4
  rc=0
  XDG_STATE_HOME="$WORK/$state" DIVERT_FIXED_TIME="$time" "$DIVERT" screen --no-input --json \
    --policy "$HERE/policies/wa-king-county-2011.yaml" --answers "$HERE/answers/$answers" \
    --records "$records" "$@" > "$WORK/last.json" 2> "$WORK/last.err" < /dev/null || rc=$?
  if [ "$rc" -gt 5 ] || [ "$rc" -eq 3 ]; then # 4: declined, 5: exception requested
    cat "$WORK/last.err" >&2
    exit 1
  fi
  sed 's/.*"record":{"id":"\([0-9A-Z]*\)".*/\1/' "$WORK/last.json"
}

rm -rf "$OUT/good" "$OUT/fork" "$OUT/clock-backwards" "$OUT/tampered-byte" "$OUT/changed-answer" \
       "$OUT/swapped-signature" "$OUT/wrong-namespace" "$OUT/gap" "$OUT/orphan-signature" \
       "$OUT/noncanonical" "$OUT/planted" "$OUT/escapes"

# good: one device, four records: eligible (refer), ineligible, needs approval, and a
# correction of the first (declined, superseding it).
first=$(screen s-good "$OUT/good" 2026-11-26T12:00:00Z king-eligible.yaml)
second=$(screen s-good "$OUT/good" 2026-11-26T12:05:00Z king-ineligible.yaml)
third=$(screen s-good "$OUT/good" 2026-11-26T12:10:00Z king-social.yaml)
fourth=$(screen s-good "$OUT/good" 2026-11-26T12:15:00Z king-eligible.yaml \
  --decline "the person declined to meet a case manager" --supersedes "$first")

# fork: the device state was restored from a backup after seq 1, so seq 2 is used twice.
screen s-fork "$OUT/fork" 2026-11-26T12:00:00Z king-eligible.yaml > /dev/null
cp "$WORK/s-fork/divert/devices/DEV-TEST0001.json" "$WORK/after-seq-1.json"
screen s-fork "$OUT/fork" 2026-11-26T12:05:00Z king-ineligible.yaml > /dev/null
cp "$WORK/after-seq-1.json" "$WORK/s-fork/divert/devices/DEV-TEST0001.json"
screen s-fork "$OUT/fork" 2026-11-26T12:20:00Z king-social.yaml > /dev/null

# clock-backwards: the laptop clock was set back between two records (a warning only).
screen s-clock "$OUT/clock-backwards" 2026-11-26T12:10:00Z king-eligible.yaml > /dev/null
screen s-clock "$OUT/clock-backwards" 2026-11-26T11:50:00Z king-social.yaml > /dev/null

copy_good() {
  mkdir -p "$OUT/$1"
  cp "$OUT/good/"REF-* "$OUT/$1/"
}

# tampered-byte: one byte of the second record changed ("over-quantity" -> "over-quantitY").
copy_good tampered-byte
sed 's/"rule":"over-quantity"/"rule":"over-quantitY"/' "$OUT/good/REF-$second.json" \
  | tr -d '\n' > "$OUT/tampered-byte/REF-$second.json"

# changed-answer: drug_grams 3.5 -> 2.5 in the second record, still canonical JSON.
copy_good changed-answer
sed 's/"drug_grams":{"source":"file","value":3.5}/"drug_grams":{"source":"file","value":2.5}/' \
  "$OUT/good/REF-$second.json" | tr -d '\n' > "$OUT/changed-answer/REF-$second.json"

# swapped-signature: the first record carries the second record's signature.
copy_good swapped-signature
cp "$OUT/good/REF-$second.json.sshsig" "$OUT/swapped-signature/REF-$first.json.sshsig"

# wrong-namespace: the first record signed (with the right key) for another agency.
copy_good wrong-namespace
cp "$KEYS/T-0001@TEST000.openssh" "$WORK/id"
chmod 600 "$WORK/id"
ssh-keygen -q -Y sign -f "$WORK/id" -n divert-referral-v1@OTHER < "$OUT/good/REF-$first.json" \
  > "$OUT/wrong-namespace/REF-$first.json.sshsig"

# gap: seq 2 deleted.
copy_good gap
rm "$OUT/gap/REF-$second.json" "$OUT/gap/REF-$second.json.sshsig"

# orphan-signature: the last publish stopped between its two renames: a signature without its
# record (a warning; the record does not exist).
copy_good orphan-signature
rm "$OUT/orphan-signature/REF-$fourth.json"

# noncanonical: the first record pretty-printed (e.g. opened and saved by an editor).
copy_good noncanonical
python3 -m json.tool "$OUT/good/REF-$first.json" > "$OUT/noncanonical/REF-$first.json"

# planted: the good records plus files that are not genuine, claiming a place in the chain: an
# unsigned copy of seq 2 under another record id (same device, seq and prev_sha256), a seq 3
# signed by the untrusted key, an unsigned seq 1 under another id. None may fail a genuine
# record.
copy_good planted
# plant SOURCE_ID NEW_ID: a copy of record SOURCE_ID with record_id NEW_ID, unsigned.
plant() {
  sed "s/\"record_id\":\"$1\"/\"record_id\":\"$2\"/" "$OUT/good/REF-$1.json" | tr -d '\n' \
    > "$OUT/planted/REF-$2.json"
}
plant "$second" "${second%?}B"
plant "$third" "${third%?}C"
cp "$KEYS/untrusted.openssh" "$WORK/untrusted"
chmod 600 "$WORK/untrusted"
ssh-keygen -q -Y sign -f "$WORK/untrusted" -n divert-referral-v1@TEST000 \
  < "$OUT/planted/REF-${third%?}C.json" > "$OUT/planted/REF-${third%?}C.json.sshsig"
plant "$first" "${first%?}J"

# escapes: files that try to drive the terminal: an unsigned record whose record_id and
# device id hold escape sequences (erase the line, move up, a fake ok line), and seq 1 signed
# in a namespace holding escape sequences. verify and records list must show them escaped.
mkdir -p "$OUT/escapes"
esc='\\u001b[1A\\u001b[2K\\rok      all good\\u0007'
sed -e "s/\"record_id\":\"$second\"/\"record_id\":\"$esc\"/" \
    -e "s/\"id\":\"DEV-TEST0001\"/\"id\":\"DEV-\\\\u001b]0;owned\\\\u0007\"/" \
    "$OUT/good/REF-$second.json" | tr -d '\n' > "$OUT/escapes/REF-01ESCAPE.json"
cp "$OUT/good/REF-$first.json" "$OUT/escapes/"
ssh-keygen -q -Y sign -f "$WORK/id" -n "$(printf 'divert-referral-v1@TEST000\033[2K\033[1A')" \
  < "$OUT/good/REF-$first.json" > "$OUT/escapes/REF-$first.json.sshsig"

chmod 644 "$OUT"/*/REF-*
echo "fixtures written under $OUT"
