#!/bin/sh
# One command for a fresh Debian 12 machine (as root): install dependencies, build the optimized
# divert into build/ (scripts/build-release.sh: a Release guided by a profile of its batch
# path), decide the example case on the shipped default policy (wa-whatcom), then
# run the officer's walk-through in demonstration mode (a demo key and records, kept apart from
# real ones). Without a terminal the demo screens a built-in example case and exits by outcome.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
sh scripts/build-release.sh build
echo
echo "== divert decide --policy wa-whatcom --answers examples/wa-whatcom-possession.yaml"
set +e
./build/divert decide --policy wa-whatcom --answers examples/wa-whatcom-possession.yaml
echo "(exit status $?: 0 eligible, 1 ineligible, 2 needs approval, 3 incomplete)"
set -e
echo
echo "== divert screen --demo   (the officer's walk-through; type ? at any question for help)"
exec ./build/divert screen --demo
