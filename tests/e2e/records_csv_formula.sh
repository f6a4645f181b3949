#!/bin/sh
# ctest: hooks source | e2e
# The records CSV is for hand-over, opened in a spreadsheet, which runs a cell starting with
# = + - or @ as a formula (CWE-1236). Officer-typed text (a decline reason, a case number) that
# starts so gets a leading apostrophe in --csv (list and export); the JSON keeps it as typed.
#   sh tests/e2e/records_csv_formula.sh DIVERT_WITH_TEST_HOOKS SOURCE_DIR
set -eu
divert=$1
src=$2
command -v python3 >/dev/null 2>&1 || { echo "records_csv_formula: SKIP: python3 not found"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state"
export DIVERT_POLICY_PATH="$src/policies" DIVERT_NO_CACHE=1 NO_COLOR=1

reason='=HYPERLINK("http://x.invalid/","click")'
"$divert" screen --demo -p wa-whatcom --no-input -a "$src/examples/wa-whatcom-possession.yaml" \
  --set case_number=+1-555-0100 --decline "$reason" > "$work/screen.out" 2>&1 || true
dir=$(find "$work" -type d -name records | head -1)
[ -n "$dir" ] || { echo "records_csv_formula: FAIL: no record written"; cat "$work/screen.out"; exit 1; }
status=0
for command in list export; do
  "$divert" records "$command" --csv "$dir" > "$work/$command.csv" 2>/dev/null
  python3 - "$work/$command.csv" "$reason" "$command" <<'PY' || status=1
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
row = rows[-1]
ok = row["action_reason"] == "'" + sys.argv[2] and row["case_number"] == "'+1-555-0100"
print("records_csv_formula:", sys.argv[3], "--csv:", "ok" if ok else "FAIL", row["case_number"], row["action_reason"])
sys.exit(0 if ok else 1)
PY
done
"$divert" records list --json "$dir" > "$work/list.json" 2>/dev/null
python3 - "$work/list.json" "$reason" <<'PY' || status=1
import json, sys
doc = json.load(open(sys.argv[1]))
records = doc["records"] if isinstance(doc, dict) else doc
row = records[-1]
ok = row["action_reason"] == sys.argv[2] and row["case_number"] == "+1-555-0100"
print("records_csv_formula: list --json:", "ok" if ok else "FAIL", row["case_number"], row["action_reason"])
sys.exit(0 if ok else 1)
PY
exit $status
