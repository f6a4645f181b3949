#!/bin/sh
# ctest: hooks source | e2e
# "Today" is the officer's calendar date, not Greenwich's: at 01:00 UTC on 27 November it is still
# the 26th at 5 p.m. in Washington State (TZ=PST8, eight hours west). An incident dated the 27th is
# then in the future (decide warns), and the walk-through's incident date defaults to the 26th.
# It was the UTC date: evening incidents in the Americas were dated the next day.
#   sh tests/e2e/today_local.sh DIVERT_WITH_TEST_HOOKS SOURCE_DIR
set -eu
divert=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DIVERT_POLICY_PATH="$src/policies" DIVERT_NO_CACHE=1 NO_COLOR=1
export DIVERT_FIXED_TIME=2026-11-27T01:00:00Z
status=0

sed 's/^incident_date:.*/incident_date: "2026-11-27"/' "$src/examples/wa-whatcom-possession.yaml" > "$work/answers.yaml"
grep -q '^incident_date: "2026-11-27"' "$work/answers.yaml" || { echo "today_local: FAIL: no incident_date in the example"; exit 1; }
TZ=PST8 "$divert" decide --json -p wa-whatcom -a "$work/answers.yaml" > "$work/west.json" 2>/dev/null || true
TZ=UTC "$divert" decide --json -p wa-whatcom -a "$work/answers.yaml" > "$work/utc.json" 2>/dev/null || true
grep -q 'incident_date 2026-11-27 is after today (2026-11-26)' "$work/west.json" ||
  { echo "today_local: FAIL: in TZ=PST8, the 27th is not after today"; status=1; }
if grep -q 'is after today' "$work/utc.json"; then
  echo "today_local: FAIL: in UTC, the 27th is today, not the future"
  status=1
fi

# The walk-through on a terminal: the incident date's default is the local day.
if command -v tmux >/dev/null 2>&1; then
  sock="divert-today-$$"
  tmux -L "$sock" new-session -d -x 80 -y 24 \
    "env HOME=$work/home TZ=PST8 $divert screen --demo -p wa-whatcom; sleep 30"
  # Each question is waited for, not slept on: under the sanitizers on a busy machine one may
  # take seconds, and keys typed before the prompt is up could be flushed.
  wait_for() {
    tries=0
    while :; do
      tmux -L "$sock" capture-pane -p -J -t 0 > "$work/screen.txt"
      grep -q "$1" "$work/screen.txt" && return 0
      tries=$((tries + 1))
      [ "$tries" -lt 60 ] || return 1
      sleep 0.5
    done
  }
  wait_for 'a number from the list' || true
  tmux -L "$sock" send-keys -t 0 1 Enter
  wait_for 'Enter for today' || true
  tmux -L "$sock" kill-server 2>/dev/null || true
  grep -q 'Enter for today, 2026-11-26' "$work/screen.txt" ||
    { echo "today_local: FAIL: the walk-through's today is not the local day"; cat "$work/screen.txt"; status=1; }
fi
exit $status
