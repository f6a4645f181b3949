#!/bin/sh
# Independent-oracle check of `divert batch` against a separate reading of the spec.
#
# usage: tests/oracle/check.sh DIVERT_BINARY REPO_SOURCE_DIR
# environment: ORACLE_N (cases per policy, default 3000), ORACLE_SEED (default 1),
#              ORACLE_MAX_PRINT (default 20), ORACLE_CHECK_UNUSED=1 (also compare `unused`),
#              ORACLE_EMPTY=P (write a share P of omitted answers as "" instead; default 0)
# exit: 0 all cases agree, 1 any mismatch, 2 setup problem, 77 skipped (no python3)
set -u

divert=${1:?usage: check.sh DIVERT_BINARY REPO_SOURCE_DIR}
src=${2:?usage: check.sh DIVERT_BINARY REPO_SOURCE_DIR}
n=${ORACLE_N:-3000}
seed=${ORACLE_SEED:-1}
max_print=${ORACLE_MAX_PRINT:-20}
if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: python3 is not installed"
    exit 77
fi
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
if [ ! -x "$divert" ]; then
    echo "oracle: $divert is not an executable" >&2
    exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/divert-oracle.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'rm -rf "$tmp"; exit 130' INT TERM

policies="wa-king-county-2011 wa-whatcom nm-santa-fe co-pueblo ca-lead-pilot wa-burien"
set --
for p in $policies; do
    python3 "$here/gen_cases.py" --seed "$seed" --n "$n" --policy "$p" \
        --empty-strings "${ORACLE_EMPTY:-0}" >"$tmp/$p.jsonl" || exit 2
    "$divert" batch --policy "$src/policies/$p.yaml" "$tmp/$p.jsonl" \
        >"$tmp/$p.out" 2>"$tmp/$p.err"
    rc=$?
    if [ "$rc" -ne 0 ]; then
        # 65 = some line could not be evaluated; the comparison reports those lines
        echo "oracle: note: divert batch exited $rc for $p: $(tail -n 1 "$tmp/$p.err")"
    fi
    set -- "$@" "$p" "$tmp/$p.jsonl" "$tmp/$p.out"
done

unused_flag=
[ "${ORACLE_CHECK_UNUSED:-0}" = 1 ] && unused_flag=--check-unused
# shellcheck disable=SC2086
python3 "$here/oracle.py" compare --max-print "$max_print" $unused_flag "$@"
