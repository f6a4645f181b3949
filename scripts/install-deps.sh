#!/bin/sh
# Installs what divert needs to build and test, from Debian 12 packages only.
# Safe to run again: apt skips what is already there.
set -eu
packages="cmake ninja-build g++ pkg-config libcli11-dev libyaml-cpp-dev libfmt-dev doctest-dev
nlohmann-json3-dev libssl-dev libsimdjson-dev openssh-client openssl tmux python3 zsh graphviz
python3-yaml python3-jsonschema cmark-gfm clang libclang-rt-14-dev clang-format clang-tidy dpkg-dev lintian
man-db mandoc"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "install-deps: installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
echo "install-deps: all build and test dependencies are installed"
