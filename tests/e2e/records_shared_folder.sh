#!/bin/sh
# ctest: hooks source | e2e
# Devices sharing one records folder never touch each other's files: three configurations
# (three devices) screen in parallel into one --records folder for many rounds. Every
# screening succeeds, each has both its files (.json and .json.sshsig), and `divert verify`
# finds every record ok with every device chain whole (issue 10 item 1: a device used to
# remove every orphan signature and temporary file in the folder, other devices' included).
. "$(dirname "$0")/records_lib.sh"
cd "$WORK"

DEVICES="A B C"
ROUNDS=${DIVERT_E2E_ROUNDS:-30}
mkdir records
cp "$KEYS/T-0001@TEST000.key.pem" key.pem
chmod 600 key.pem

screen_rounds() { # device
  d=$1
  mkdir -p "$d/config/divert" "$d/state"
  printf 'officer: T-0001\nagency: TEST000\ndevice: DEV-SHARED-%s\nkey: %s\nrecords: %s\npolicy: %s\n' \
    "$d" "$WORK/key.pem" "$WORK/records" "$POLICY" > "$d/config/divert/config.yaml"
  i=0
  while [ "$i" -lt "$ROUNDS" ]; do
    i=$((i + 1))
    rc=0
    XDG_CONFIG_HOME="$WORK/$d/config" XDG_STATE_HOME="$WORK/$d/state" "$DIVERT" screen --json \
      --answers "$ANSWERS/king-eligible.yaml" > "$d/out.$i" 2> "$d/err.$i" < /dev/null || rc=$?
    echo "$rc" > "$d/rc.$i"
  done
}

for d in $DEVICES; do screen_rounds "$d" & done
wait

total=0 ok=0
for d in $DEVICES; do
  i=0
  while [ "$i" -lt "$ROUNDS" ]; do
    i=$((i + 1))
    total=$((total + 1))
    rc=$(cat "$d/rc.$i")
    if [ "$rc" != 0 ]; then
      fail "device $d round $i: exit $rc: $(cat "$d/out.$i" "$d/err.$i")"
      continue
    fi
    r=$(sed -n 's/.*"record":{"id":"[^"]*","path":"\([^"]*\)".*/\1/p' "$d/out.$i")
    if [ -n "$r" ] && [ -s "$r" ] && [ -s "$r.sshsig" ]; then
      ok=$((ok + 1))
    else
      fail "device $d round $i exited 0, but its record and signature are not both there ($r)"
    fi
  done
done
[ "$ok" = "$total" ] && pass "$total parallel screenings from 3 devices: every one has both files"

expect 0 "$DIVERT" verify records --trust "$KEYS/allowed_signers" && pass "verify: every record ok"
n=$(grep -c '^ok' "$WORK/out" || true)
[ "$n" = "$total" ] && pass "verify checked $n records" || fail "verify reports $n ok records of $total: $(tail -3 "$WORK/out")"
left=$(entries records | grep -v '^REF-[0-9A-Z]*\.json\(\.sshsig\)\{0,1\}$' || true)
[ -z "$left" ] && pass "no temporary files left" || fail "left behind: $left"

finish
