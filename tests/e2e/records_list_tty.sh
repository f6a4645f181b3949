#!/bin/sh
# ctest: divert source | e2e
# `records list` on a real terminal (tmux) is never wrapped by it: on a terminal narrower than
# the table (a patrol laptop's 80 columns, a split 60, the narrowest 40) each record is a block
# that fits; on a wide one, and on a pipe (the golden cases), it is the table.
. "$(dirname "$0")/records_lib.sh"
command -v tmux > /dev/null 2>&1 || { echo "records_list_tty: SKIP: tmux not found"; exit 77; }
cd "$WORK"
MOUNTS=
# A server (and socket) for each width: a server killed and started again on one socket may
# still be exiting when the next one starts.
trap 'for s in "$WORK"/tmux-*.sock; do tmux -S "$s" kill-server 2> /dev/null || true; done; cleanup' EXIT
RECORDS="$SRC/tests/data/records/good"
IDS=$(ls "$RECORDS" | sed -n 's/^REF-\(.*\)\.json$/\1/p')

# list_at COLUMNS: the list as a terminal that wide shows it, wrapped lines joined (-J).
list_at() {
  socket="$WORK/tmux-$1.sock"
  tmux -S "$socket" new-session -d -s list -x "$1" -y 60 \
    "'$DIVERT' records list '$RECORDS' 2> /dev/null; touch '$WORK/done-$1'; sleep 30"
  tries=0
  while [ ! -e "$WORK/done-$1" ] && [ "$tries" -lt 100 ]; do sleep 0.1; tries=$((tries + 1)); done
  tmux -S "$socket" capture-pane -p -J -t list | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' > "$WORK/screen"
  tmux -S "$socket" kill-server 2> /dev/null || true
}

for columns in 40 60 80 200; do
  list_at "$columns"
  widest=$(awk '{ if (length($0) > n) n = length($0) } END { print n + 0 }' "$WORK/screen")
  [ "$widest" -le "$columns" ] && pass "$columns columns: no line wider than the terminal ($widest)" \
    || { fail "$columns columns: a line of $widest columns"; cat "$WORK/screen" >&2; }
  for id in $IDS; do
    grep -q "$id" "$WORK/screen" || fail "$columns columns: record $id not shown"
  done
  if [ "$columns" -lt 200 ]; then
    grep -q 'recent-disqualifying-conviction' "$WORK/screen" \
      && ! grep -q '^CREATED' "$WORK/screen" && pass "$columns columns: blocks, reasons shown" \
      || { fail "$columns columns: not the block layout"; cat "$WORK/screen" >&2; }
  else
    grep -q '^CREATED  *RECORD ID' "$WORK/screen" && pass "200 columns: the table" \
      || { fail "200 columns: not the table"; cat "$WORK/screen" >&2; }
  fi
done

finish
