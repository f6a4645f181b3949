#!/bin/sh
# ctest: divert | cli
# Every command's --help fits an 80-column terminal (a patrol laptop's): the commands are found
# from the help itself, so a new one is checked without being named here.
#   sh tests/e2e/help_width.sh DIVERT
set -eu
divert=$1
case $divert in /*) ;; *) divert=$(pwd)/$divert ;; esac
status=0
commands_of() { # the command names listed under "Commands:" in `divert $* --help`
  "$divert" "$@" --help | sed -n '/^Commands:/,$p' | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p'
}
check() {
  "$divert" "$@" --help > help.out 2>&1 || { echo "help_width: FAIL: divert $* --help exited $?"; status=1; }
  widest=$(awk '{ if (length($0) > n) n = length($0) } END { print n + 0 }' help.out)
  if [ "$widest" -gt 80 ]; then
    echo "help_width: FAIL: divert $* --help has a line of $widest columns:"
    awk 'length($0) > 80' help.out
    status=1
  fi
  checked=$((checked + 1))
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
checked=0
check
for command in $(commands_of); do
  check "$command"
  for sub in $(commands_of "$command"); do check "$command" "$sub"; done
done
[ "$checked" -ge 15 ] || { echo "help_width: FAIL: only $checked help texts found"; status=1; }
[ "$status" -eq 0 ] && echo "help_width: $checked help texts, none wider than 80 columns"
exit "$status"
