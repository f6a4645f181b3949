#!/bin/sh
# One command for a fresh Debian 12 machine (as root): install dependencies, build a Release
# divert into build/, and decide the example case on the shipped default policy.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build
echo
echo "== divert decide --policy wa-whatcom --answers examples/wa-whatcom-possession.yaml"
set +e
./build/divert decide --policy wa-whatcom --answers examples/wa-whatcom-possession.yaml
status=$?
set -e
echo "(exit status $status: 0 eligible, 1 ineligible, 2 needs approval, 3 incomplete)"
