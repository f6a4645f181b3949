#!/bin/sh
# ctest: divert source | e2e
# The policy schema as a client other than ours sees it: Ajv 8 (the validator behind most
# editors' and CI tools' JSON Schema support) in strict mode compiles `divert policy schema`
# (unknown keywords, ambiguous types and unreachable requirements are errors there) and
# validates every shipped policy as a YAML 1.1 loader (PyYAML) reads it; a policy the schema must
# refuse is refused. Ajv comes from tests/ajv (npm ci, pinned by its lockfile; scripts/test.sh
# installs it); without it, or without node or PyYAML, the test is skipped (77).
set -eu
DIVERT=$1
SRC=$2
AJV="$SRC/tests/ajv/node_modules/.bin/ajv"
skip() { echo "schema_ajv: SKIP: $*"; exit 77; }
command -v node > /dev/null 2>&1 || skip "node not found"
[ -x "$AJV" ] || skip "Ajv is not installed (npm ci --prefix tests/ajv)"
python3 -c 'import yaml' 2> /dev/null || skip "PyYAML not found"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
status=0
fail() { echo "schema_ajv: FAIL: $*" >&2; status=1; }

"$DIVERT" policy schema > "$WORK/schema.json"
cmp -s "$WORK/schema.json" "$SRC/schema/divert-policy.schema.json" ||
  fail "divert policy schema differs from schema/divert-policy.schema.json"
"$AJV" compile --spec=draft7 --strict=true -s "$WORK/schema.json" > "$WORK/out" 2>&1 ||
  { fail "Ajv strict mode refuses the schema:"; cat "$WORK/out" >&2; }

# Each shipped policy, as PyYAML reads it (dates become strings in JSON, as an editor sees them).
to_json() { # YAML_FILE JSON_FILE
  python3 -c 'import json, sys, yaml
json.dump(yaml.safe_load(open(sys.argv[1], encoding="utf-8")), open(sys.argv[2], "w"), default=str)' "$1" "$2"
}
count=0
for policy in "$SRC"/policies/*.yaml; do
  to_json "$policy" "$WORK/policy-$(basename "$policy" .yaml).json"
  count=$((count + 1))
done
# One Ajv run for all (node starts in half a second); it names each file valid or invalid.
"$AJV" validate --spec=draft7 --strict=true -s "$WORK/schema.json" -d "$WORK/policy-*.json" \
  > "$WORK/out" 2>&1 || { fail "Ajv finds a shipped policy invalid:"; cat "$WORK/out" >&2; }
[ "$(grep -c ' valid$' "$WORK/out")" -eq "$count" ] ||
  { fail "Ajv did not report $count valid policies:"; cat "$WORK/out" >&2; }
[ "$count" -gt 0 ] || fail "no shipped policies in $SRC/policies"

# A policy the schema refuses must be refused: a misspelt key, a rule without its condition,
# without its explanation, with a blank citation.
to_json "$SRC/policies/wa-whatcom.yaml" "$WORK/good.json"
python3 - "$WORK/good.json" "$WORK" << 'EOF'
import json, sys
good = json.load(open(sys.argv[1]))
misspelt = dict(good, titel=good["title"])
json.dump(misspelt, open(sys.argv[2] + "/misspelt.json", "w"))
no_condition = json.loads(json.dumps(good))
del no_condition["rules"][0]["condition"]
json.dump(no_condition, open(sys.argv[2] + "/no-condition.json", "w"))
no_explain = json.loads(json.dumps(good))
del no_explain["rules"][0]["explain"]
json.dump(no_explain, open(sys.argv[2] + "/no-explain.json", "w"))
blank_citation = json.loads(json.dumps(good))
blank_citation["rules"][0]["citation"] = " "
json.dump(blank_citation, open(sys.argv[2] + "/blank-citation.json", "w"))
EOF
for bad in misspelt no-condition no-explain blank-citation; do
  if "$AJV" validate --spec=draft7 --strict=true -s "$WORK/schema.json" -d "$WORK/$bad.json" \
    > "$WORK/out" 2>&1; then
    fail "$bad: Ajv accepts a policy the schema must refuse"
  fi
done

[ "$status" -eq 0 ] && echo "schema_ajv: the schema compiles in Ajv strict mode; $count shipped policies valid; 4 bad ones refused"
exit "$status"
