#!/bin/sh
# Man-page parity: what the binary offers must be documented.
#   sh tests/docs/man_parity.sh DIVERT SOURCE_DIR
# - every subcommand listed by `divert --help` has a .SS heading in man/divert.1 (the heading
#   itself, or one that starts with it, such as "policy lint" for "policy");
# - every subcommand listed by `divert policy --help` has a .SS "policy NAME" heading;
# - every check id of `divert policy lint --list-checks` is an entry of LINT CHECKS in
#   man/divert-policy.5 (a .B/.BR tag line), with the same severity.
# Prints each failure, then "man parity: N passed, M failed"; exits 1 on any failure.
set -u

if [ $# -ne 2 ]; then
  echo "usage: sh man_parity.sh DIVERT SOURCE_DIR" >&2
  exit 64
fi
divert=$1
src=$2
page1=$src/man/divert.1
page5=$src/man/divert-policy.5
passed=0
failed=0

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

finish() {
  echo "man parity: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] || exit 1
  exit 0
}

for f in "$page1" "$page5"; do
  [ -r "$f" ] || { fail "cannot read $f"; finish; }
done

# The names under "Commands:" in our help: two spaces, then the name; descriptions that
# wrap are indented much further.
subcommands() {
  awk '/^Commands:/ { on = 1; next }
       on && /^  [a-z][a-z0-9-]*( |$)/ { print $1 }' "$1"
}

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if ! "$divert" --help > "$tmp/top" 2>&1; then
  fail "'$divert --help' failed"
fi
if ! "$divert" policy --help > "$tmp/policy" 2>&1; then
  fail "'$divert policy --help' failed"
fi
if ! "$divert" policy lint --list-checks > "$tmp/checks" 2>&1; then
  fail "'$divert policy lint --list-checks' failed"
fi

# .SS headings of divert.1, without the macro and the quotes.
sed -n 's/^\.SS[ 	]*//p' "$page1" | sed 's/"//g; s/[ 	]*$//' > "$tmp/headings"

subcommands "$tmp/top" > "$tmp/top-names"
subcommands "$tmp/policy" > "$tmp/policy-names"
[ -s "$tmp/top-names" ] || fail "no subcommands found in 'divert --help'"
[ -s "$tmp/policy-names" ] || fail "no subcommands found in 'divert policy --help'"

while read -r name; do
  if grep -qx -e "$name" -e "$name .*" "$tmp/headings"; then
    pass
  else
    fail "'divert $name' has no .SS heading in man/divert.1"
  fi
done < "$tmp/top-names"

while read -r name; do
  if grep -qxF "policy $name" "$tmp/headings"; then
    pass
  else
    fail "'divert policy $name' has no .SS \"policy $name\" heading in man/divert.1"
  fi
done < "$tmp/policy-names"

# LINT CHECKS of divert-policy.5: tag lines such as '.BR rule-no-basis " (warning)"'.
awk '/^\.SH/ { on = ($0 ~ /^\.SH "?LINT CHECKS"?$/); next } on' "$page5" |
  sed -n 's/^\.BR\{0,1\}[ 	]\{1,\}//p' > "$tmp/entries"
awk 'NF >= 2 { print $1, $2 }' "$tmp/checks" > "$tmp/check-list"
[ -s "$tmp/check-list" ] || fail "no checks listed by 'divert policy lint --list-checks'"

while read -r id severity; do
  entry=$(grep -E "^$id( |\$)" "$tmp/entries" | head -n 1)
  if [ -z "$entry" ]; then
    fail "lint check '$id' is not an entry of LINT CHECKS in man/divert-policy.5"
  else
    case $entry in
      *"($severity)"*) pass ;;
      *) fail "lint check '$id' is a $severity, but man/divert-policy.5 says: $entry" ;;
    esac
  fi
done < "$tmp/check-list"

finish
