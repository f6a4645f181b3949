#!/bin/sh
# An installed divert works wherever it is installed (issue 12, item 10): `cmake --install`
# into a temporary prefix, then the installed binary decides the example case with an empty
# environment (env -i: no DIVERT_POLICY_PATH, no HOME, no PATH) from a directory that holds no
# policies, so it can only have found the policies under its own prefix. The same with
# DESTDIR and prefix /usr, where zsh's completion goes to Debian's vendor-completions.
# Usage: install_prefix.sh CMAKE BUILD_DIR SOURCE_DIR
. "$(dirname "$0")/../check_lib.sh"
cmake=${1:?usage: $0 CMAKE BUILD_DIR SOURCE_DIR}
build=${2:?usage: $0 CMAKE BUILD_DIR SOURCE_DIR}
src=${3:?usage: $0 CMAKE BUILD_DIR SOURCE_DIR}
case $src in /*) ;; *) src=$(pwd)/$src ;; esac
mkdir "$tmp/empty"
answers=$src/examples/wa-whatcom-possession.yaml

# decide_from BIN: exit status 0 (eligible) from an empty directory with an empty environment.
decide_from() {
  (cd "$tmp/empty" && env -i "$1" decide --policy wa-whatcom --answers "$answers" \
    > "$tmp/out" 2> "$tmp/err")
  status=$?
  if [ "$status" -eq 0 ] && grep -q eligible "$tmp/out"; then
    pass
  else
    fail "$1 decide --policy wa-whatcom: exit $status: $(cat "$tmp/out" "$tmp/err")"
  fi
}

# expect_files ROOT PATH...: each PATH exists under ROOT.
expect_files() {
  root=$1
  shift
  for f in "$@"; do
    if [ -f "$root/$f" ]; then pass; else fail "not installed: $root/$f"; fi
  done
}

# A prefix of one's own (as `cmake --install build --prefix P` by a user).
prefix=$tmp/prefix
if "$cmake" --install "$build" --prefix "$prefix" > "$tmp/install.log" 2>&1; then
  pass
else
  fail "cmake --install --prefix $prefix: $(cat "$tmp/install.log")"
fi
decide_from "$prefix/bin/divert"
expect_files "$prefix" share/divert/policies/wa-whatcom.yaml share/divert/policies/wa-state.yaml \
  share/divert/schema/divert-policy.schema.json share/bash-completion/completions/divert \
  share/zsh/site-functions/_divert share/man/man1/divert.1.gz share/man/man5/divert-policy.5.gz \
  share/man/man5/divert-record.5.gz share/doc/divert/copyright
[ ! -e "$prefix/share/zsh/vendor-completions" ] && pass \
  || fail "zsh completion in vendor-completions under $prefix (Debian's zsh reads it for /usr only)"
# The installed policies are listed, and only those (not the source tree's or ./policies).
ids=$(cd "$tmp/empty" && env -i "$prefix/bin/divert" policy list --ids | tr '\n' ' ')
[ "$ids" = "$(cd "$src/policies" && ls *.yaml | sed 's/\.yaml$//' | tr '\n' ' ')" ] && pass \
  || fail "policy list --ids of the installed divert: '$ids'"
# The compressed man page is one man(1) reads.
if command -v man > /dev/null 2>&1; then
  MANWIDTH=80 man -l "$prefix/share/man/man1/divert.1.gz" 2> /dev/null | grep -q "POLICY LOOKUP" \
    && pass || fail "man -l $prefix/share/man/man1/divert.1.gz does not render"
fi

# A package-style install: prefix /usr under DESTDIR.
if DESTDIR=$tmp/root "$cmake" --install "$build" --prefix /usr > "$tmp/install.log" 2>&1; then
  pass
else
  fail "DESTDIR=... cmake --install --prefix /usr: $(cat "$tmp/install.log")"
fi
decide_from "$tmp/root/usr/bin/divert"
expect_files "$tmp/root/usr" share/zsh/vendor-completions/_divert share/man/man1/divert.1.gz
[ ! -e "$tmp/root/usr/share/zsh/site-functions" ] && pass \
  || fail "zsh completion in site-functions under /usr (Debian's zsh reads vendor-completions)"

finish install
