#!/bin/sh
# ctest: hooks source | e2e
# No sequence of crashes, kills and full disks forks a device chain or leaves a gap in it
# (issue 10 item 2). One device screens over many rounds while screenings are killed (SIGKILL)
# at every named point of publishing and at random moments, and while its state and its
# records filesystems are full (small tmpfs mounts, as in records_publish_failures.sh). At the
# end every screening that exited 0 has both its files, and `divert verify` finds every
# published record ok: no two records with one seq, no missing seq, no broken prev_sha256.
. "$(dirname "$0")/records_lib.sh"
cd "$WORK"

# Mounting needs root, or a user namespace; re-run inside one when we are not root.
if [ "$(id -u)" -ne 0 ] && [ -z "${DIVERT_E2E_IN_USERNS:-}" ]; then
  if unshare -rm true 2> /dev/null; then
    DIVERT_E2E_IN_USERNS=1 exec unshare -rm sh "$0" "$DIVERT" "$SRC"
  fi
fi

ROUNDS=${DIVERT_E2E_ROUNDS:-40}
mkdir -p records "$XDG_STATE_HOME"
FULL_DISKS=no
if mount -t tmpfs -o size=1m,mode=0700 tmpfs records 2> /dev/null; then
  MOUNTS="$WORK/records $MOUNTS"
  if mount -t tmpfs -o size=64k,mode=0700 tmpfs "$XDG_STATE_HOME"; then
    MOUNTS="$XDG_STATE_HOME $MOUNTS"
    FULL_DISKS=yes
  fi
fi
[ "$FULL_DISKS" = yes ] || skip "full disks: cannot mount a tmpfs here (not root and no user namespaces)"
use_test_key "$WORK/records"

SUCCEEDED=$WORK/succeeded # the record paths of screenings that exited 0
: > "$SUCCEEDED"
screen_ok() { # what
  if expect 0 "$DIVERT" screen --json --answers "$ANSWERS/king-eligible.yaml"; then
    record_path >> "$SUCCEEDED"
  else
    fail "$1: the next screening failed"
  fi
}
random() { # N: a random number in 0..N-1
  od -An -N2 -tu2 /dev/urandom | awk -v n="$1" '{ print $1 % n }'
}
fill() { dd if=/dev/zero of="$1/filler" bs=4096 2> /dev/null || true; }

screen_ok "start"
# How long one screening takes, so that random kills land anywhere in it.
t0=$(date +%s%N)
screen_ok "timing"
SPAN_MS=$(( ($(date +%s%N) - t0) / 1000000 + 5 ))

killed_at() { # point
  got=0
  env DIVERT_TEST_KILL="$1" "$DIVERT" screen --json --answers "$ANSWERS/king-eligible.yaml" \
    > out 2> err < /dev/null || got=$?
  [ "$got" = 137 ] || fail "DIVERT_TEST_KILL=$1: exit $got, expected 137 (killed): $(cat out err)"
}

killed_randomly() {
  "$DIVERT" screen --json --answers "$ANSWERS/king-eligible.yaml" > out 2> err < /dev/null &
  pid=$!
  sleep "$(awk -v ms="$(random "$SPAN_MS")" 'BEGIN { printf "%.3f", ms / 1000 }')"
  kill -9 "$pid" 2> /dev/null || true
  got=0
  { wait "$pid" || got=$?; } 2> /dev/null
  # Killed (137), or finished first: then it is an ordinary screening.
  if [ "$got" = 0 ]; then
    record_path >> "$SUCCEEDED"
  elif [ "$got" != 137 ]; then
    fail "a screening killed at random: exit $got: $(cat out err)"
  fi
}

full_state() {
  fill "$XDG_STATE_HOME"
  before=$(ls records | grep -c '\.json$' || true)
  expect 74 "$DIVERT" screen --json --answers "$ANSWERS/king-eligible.yaml" \
    || fail "a full state disk: $(cat "$WORK/err")"
  [ "$(ls records | grep -c '\.json$' || true)" = "$before" ] \
    || fail "a full state disk: a record was published anyway"
  rm -f "$XDG_STATE_HOME/filler"
}

full_records() {
  # The screening first removes what this device's last crash left, which may free enough room
  # to publish: then it is an ordinary screening, and the disk is filled again.
  for try in 1 2 3; do
    fill records
    got=0
    "$DIVERT" screen --json --answers "$ANSWERS/king-eligible.yaml" > out 2> err < /dev/null || got=$?
    rm -f records/filler
    [ "$got" = 0 ] || break
    record_path >> "$SUCCEEDED"
  done
  [ "$got" = 74 ] || fail "a full records disk: exit $got, expected 74: $(cat out err)"
}

# Every named point of publishing, each followed by an ordinary screening.
for point in reserved publish renamed published; do
  killed_at "$point"
  screen_ok "killed at $point"
  killed_at "$point"
  killed_at "$point"
done
pass "killed at every point of publishing (reserved, publish, renamed, published)"

# Then at random: kills at random moments and points, full disks, ordinary screenings.
events="kill kill kill point ok"
[ "$FULL_DISKS" = yes ] && events="$events state records"
n_events=$(echo "$events" | wc -w)
i=0
while [ "$i" -lt "$ROUNDS" ]; do
  i=$((i + 1))
  event=$(echo "$events" | cut -d' ' -f"$(( $(random "$n_events") + 1 ))")
  case $event in
    kill) killed_randomly ;;
    point) killed_at "$(echo "reserved publish renamed published" | cut -d' ' -f"$(( $(random 4) + 1 ))")" ;;
    ok) screen_ok "round $i" ;;
    state) full_state ;;
    records) full_records ;;
  esac
done
pass "$ROUNDS random rounds ($events)"
screen_ok "the end"

missing=0
while read -r r; do
  [ -s "$r" ] && [ -s "$r.sshsig" ] || { missing=$((missing + 1)); fail "exited 0 but is not whole: $r"; }
done < "$SUCCEEDED"
[ "$missing" = 0 ] && pass "every screening that exited 0 ($(wc -l < "$SUCCEEDED")) has both files"

expect 0 "$DIVERT" verify records --trust "$KEYS/allowed_signers" \
  && pass "verify: every published record ok, the chain has no fork and no gap"
records=$(ls records | grep -c '^REF-.*\.json$')
[ "$(grep -c '^ok' "$WORK/out")" = "$records" ] && pass "verify checked all $records records" \
  || fail "verify: $(tail -3 "$WORK/out")"
seqs=$(sed -n 's/.*"device":{[^}]*"seq":\([0-9]*\)}.*/\1/p' records/REF-*.json | sort -n | tr '\n' ' ')
[ "$seqs" = "$(seq 1 "$records" | tr '\n' ' ')" ] && pass "seqs 1..$records, each once" \
  || fail "seqs: $seqs"
left=$(entries records | grep -v '^REF-[0-9A-Z]*\.json\(\.sshsig\)\{0,1\}$' || true)
[ -z "$left" ] && pass "nothing left over in the records folder" || fail "left over: $left"

finish
