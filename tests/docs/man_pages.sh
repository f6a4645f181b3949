#!/bin/sh
# Man pages that read well (issue 12, item 9), for every page under man/:
#   sh tests/docs/man_pages.sh width SOURCE_DIR   rendered by man(1) at MANWIDTH=80 in a UTF-8
#       locale, no line is wider than 80 characters, and groff says nothing on stderr;
#   sh tests/docs/man_pages.sh lint SOURCE_DIR    `mandoc -T lint` reports no warning or error
#       (its STYLE notes, such as source lines over 80 bytes, do not count).
# Prints each failure, then "man pages (MODE): N passed, M failed"; exits 1 on any failure.
if [ $# -ne 2 ]; then
  echo "usage: sh man_pages.sh width|lint SOURCE_DIR" >&2
  exit 64
fi
mode=$1
src=$2
. "$(dirname "$0")/../check_lib.sh"

pages=$(ls "$src"/man/*.[1-9] 2> /dev/null)
[ -n "$pages" ] || { fail "no man pages under $src/man"; pages=""; }
for page in $pages; do
  name=${page#"$src"/}
  case $mode in
  width)
    # What a reader sees on an 80-column terminal: MANWIDTH=80, UTF-8, no overstriking.
    LC_ALL=C.UTF-8 MANWIDTH=80 MAN_KEEP_FORMATTING= man -l "$page" > "$tmp/out" 2> "$tmp/err"
    sed 's/.\x08//g' "$tmp/out" > "$tmp/text"
    if [ ! -s "$tmp/text" ]; then
      fail "$name: man -l rendered nothing: $(cat "$tmp/err")"
      continue
    fi
    # Characters, not bytes: each UTF-8 character (a bullet, a hyphen) counts one column.
    LC_ALL=C.UTF-8 sed 's/./x/g' "$tmp/text" |
      awk -v f="$name" 'length($0) > 80 { print NR }' > "$tmp/wide"
    if [ -s "$tmp/wide" ]; then
      while read -r n; do
        fail "$name: rendered line $n is wider than 80 columns: $(sed -n "${n}p" "$tmp/text")"
      done < "$tmp/wide"
    else
      pass
    fi
    if [ -s "$tmp/err" ]; then
      fail "$name: man -l at MANWIDTH=80 warns: $(cat "$tmp/err")"
    else
      pass
    fi
    ;;
  lint)
    mandoc -T lint -W warning "$page" > "$tmp/lint" 2>&1
    if [ -s "$tmp/lint" ]; then
      fail "$name: mandoc -T lint: $(cat "$tmp/lint")"
    else
      pass
    fi
    ;;
  *)
    echo "usage: sh man_pages.sh width|lint SOURCE_DIR" >&2
    exit 64
    ;;
  esac
done
finish "man pages ($mode)"
