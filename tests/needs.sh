# Runs a test that needs PROGRAM, or exits 77 (ctest: skipped) when PROGRAM is not installed.
#   sh tests/needs.sh PROGRAM COMMAND [ARGUMENTS...]
program=${1:?usage: needs.sh PROGRAM COMMAND [ARGUMENTS...]}
shift
if ! command -v "$program" > /dev/null 2>&1; then
  echo "SKIP: $program is not installed"
  exit 77
fi
exec "$@"
