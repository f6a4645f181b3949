#!/bin/sh
# ctest: divert source | e2e
# `batch`'s progress line on a terminal is redrawn at most four times a second, not once per
# block: 500,000 empty cases make about 250 blocks, and the line was drawn after each.
# The run ends with the line erased and the summary. Off a terminal there is no progress at all.
# With no cases file and a terminal as standard input, batch says it reads cases from there and
# how to end them, instead of waiting in silence; from a pipe it says nothing of it.
#   sh tests/e2e/batch_progress_tty.sh DIVERT SOURCE_DIR
set -eu
divert=$1
src=$2
command -v script >/dev/null 2>&1 || { echo "batch_progress_tty: SKIP: script not found"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export DIVERT_POLICY_PATH="$src/policies" DIVERT_NO_CACHE=1

# Each `{}` is a case with nothing answered: incomplete, and cheap, so the blocks fly by.
awk 'BEGIN { for (i = 0; i < 500000; i++) print "{}" }' > "$work/cases.jsonl"
cat > "$work/run.sh" <<RUN
#!/bin/sh
start=\$(date +%s)
"$divert" batch --policy wa-whatcom "$work/cases.jsonl" > "$work/out.jsonl"
echo "rc=\$? seconds=\$((\$(date +%s) - start + 1))" > "$work/status"
RUN
# script(1) gives the command a terminal for standard error; its output, the terminal's, is kept.
script -q -e -c "sh $work/run.sh" "$work/tty.log" > /dev/null 2>&1 < /dev/null || true
status=0
read -r rc seconds < "$work/status"
[ "$rc" = rc=0 ] || [ "$rc" = rc=3 ] || { echo "batch_progress_tty: FAIL: batch ended with $rc"; status=1; }
seconds=${seconds#seconds=}
draws=$(grep -o 'lines\.\.\.' "$work/tty.log" | wc -l)
# Four a second, the first after a quarter of a second, and a whole second of slack.
most=$((4 * seconds + 4))
echo "batch_progress_tty: $draws progress lines in about $seconds s (at most $most)"
[ "$draws" -le "$most" ] || { echo "batch_progress_tty: FAIL: progress drawn $draws times"; status=1; }
grep -q 'divert batch: 500000 cases: 0 eligible, 0 ineligible, 0 needs_approval, 500000 incomplete' "$work/tty.log" ||
  { echo "batch_progress_tty: FAIL: no summary on the terminal"; status=1; }
[ "$(wc -l < "$work/out.jsonl")" -eq 500000 ] || { echo "batch_progress_tty: FAIL: not every decision written"; status=1; }
# Off a terminal: the summary only.
"$divert" batch --policy wa-whatcom "$work/cases.jsonl" > /dev/null 2> "$work/pipe.err" || true
if grep -q 'lines\.\.\.' "$work/pipe.err"; then
  echo "batch_progress_tty: FAIL: progress written to a pipe"
  status=1
fi

# Standard input a terminal: the hint, then a typed case and Ctrl-D decide as from a file.
cat > "$work/typed.sh" <<RUN
#!/bin/sh
"$divert" batch --policy wa-whatcom > "$work/typed.jsonl"
echo "rc=\$?" > "$work/typed.status"
RUN
{ sleep 1; printf '{"case_id":"typed-1"}\n'; sleep 0.5; printf '\004'; sleep 1; } |
  script -q -e -c "sh $work/typed.sh" "$work/typed.log" > /dev/null 2>&1 || true
grep -q 'divert batch: reading cases from the terminal, one JSON object a line' "$work/typed.log" ||
  { echo "batch_progress_tty: FAIL: no hint with the terminal as input"; status=1; }
grep -q '"case_id":"typed-1"' "$work/typed.jsonl" && grep -qx 'rc=0' "$work/typed.status" ||
  { echo "batch_progress_tty: FAIL: the typed case was not decided"; status=1; }
printf '{}\n' | "$divert" batch --policy wa-whatcom > /dev/null 2> "$work/piped.err" || true
if grep -q 'reading cases from the terminal' "$work/piped.err"; then
  echo "batch_progress_tty: FAIL: the terminal hint written with a pipe as input"
  status=1
fi
exit $status
