#!/bin/sh
# Builds the libFuzzer harnesses of tests/fuzz with clang (ASan + UBSan) and runs each one for
# SECONDS (default 60), one after the other:
#   sh scripts/fuzz.sh [SECONDS] [HARNESS...]
# Each corpus grows in build-fuzz/corpus/HARNESS, starting from the seeds that
# tests/fuzz/seeds.list names. A crash is kept as build-fuzz/crashes/HARNESS/crash-* (or leak-,
# timeout-, oom-) and the script exits 1 at the end; copy it into tests/fuzz/HARNESS/, where
# every normal test run replays it, and fix the bug.
set -eu
cd "$(dirname "$0")/.."
seconds=${1:-60}
[ $# -gt 0 ] && shift
harnesses=${*:-batch_jsonl answers_yaml policy_yaml record allowed_signers sshsig draft}
build=build-fuzz
jobs=$(nproc 2>/dev/null || echo 2)

if ! command -v clang++ > /dev/null 2>&1; then
  echo "fuzz: clang++ is not installed (sh scripts/install-deps.sh installs it)" >&2
  exit 1
fi
echo "== build: libFuzzer harnesses (clang, ASan + UBSan) in $build"
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DDIVERT_FUZZ=ON "-DDIVERT_SANITIZERS=address;undefined" \
  -DDIVERT_WERROR=ON > /dev/null
cmake --build "$build" -j "$jobs" --target divert_fuzzers

# seed HARNESS CORPUS: copies the seeds into the corpus under fixed names (a second run
# overwrites them). JSON Lines files give one seed per line: libFuzzer mutates small inputs best.
seed() {
  while read -r name patterns; do
    [ "$name" = "$1" ] || continue
    for pattern in $patterns; do
      for path in $pattern; do
        [ -e "$path" ] || { echo "fuzz: tests/fuzz/seeds.list: nothing at $path" >&2; exit 1; }
        find "$path" -type f ! -name README.md ! -name LICENSE | while read -r file; do
          flat=$(echo "$file" | tr '/' '_')
          case $1 in
            batch_jsonl) awk -v out="$2/seed-$flat-" 'NF { f = out NR; print > f; close(f) }' "$file" ;;
            *) cp "$file" "$2/seed-$flat" ;;
          esac
        done
      done
    done
  done < tests/fuzz/seeds.list
}

status=0
for h in $harnesses; do
  corpus=$build/corpus/$h
  crashes=$build/crashes/$h
  mkdir -p "$corpus" "$crashes"
  seed "$h" "$corpus"
  dict=
  case $h in batch_jsonl | answers_yaml | draft) dict=-dict=tests/fuzz/vocabulary.dict ;; esac
  echo "== fuzz: $h for ${seconds}s ($(ls "$corpus" | wc -l) inputs in $corpus)"
  log=$build/fuzz-$h.log
  # shellcheck disable=SC2086
  if "$build/fuzz/fuzz_$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$crashes/" $dict "$corpus" > "$log" 2>&1; then
    echo "fuzz: $h: $(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}') executions, no crash"
  else
    status=1
    tail -n 40 "$log"
    echo "fuzz: $h FOUND A CRASH: $(ls "$crashes" | tr '\n' ' ')(log: $log)"
  fi
done
exit $status
