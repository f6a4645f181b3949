#!/bin/sh
# Checks that the C++ sources follow .clang-format: prints each file that clang-format would
# change and exits 1 if there is one, without changing anything. `--fix` formats them instead.
# Usage: scripts/format-check.sh [--fix]
set -eu
cd "$(dirname "$0")/.."
format=${CLANG_FORMAT:-clang-format}
if ! command -v "$format" >/dev/null 2>&1; then
  echo "format-check: $format not found" >&2
  exit 77
fi
files=$(git ls-files 'src/*.cpp' 'src/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 'bench/*.hpp')
if [ "${1:-}" = "--fix" ]; then
  # shellcheck disable=SC2086
  "$format" -i --style=file $files
  exit 0
fi
status=0
for f in $files; do
  if ! "$format" --style=file --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "format-check: $f is not formatted (scripts/format-check.sh --fix)"
    status=1
  fi
done
exit $status
