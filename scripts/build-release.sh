#!/bin/sh
# Builds the optimized divert that is installed, packaged and benchmarked, guided by a profile of
# its own batch path (GCC's profile-guided optimization):
#   1. an instrumented build of divert (-DDIVERT_PGO=generate);
#   2. a training run: `divert batch` over 20,000 generated cases (bench/gen_corpus.cpp, seed 7,
#      not the benchmark's seed) on each shipped policy that decides cases, and one `decide`;
#   3. the build itself (-DDIVERT_PGO=use), which lays out and inlines the code by those counts.
# Code the training did not run is optimized as in a plain Release (-fprofile-partial-training).
# Last, the optimized divert must decide the training cases byte for byte as the instrumented one
# did, or the script fails.
# About 10% fewer instructions a batch case, on every shipped policy (README, Performance). Both
# builds happen in BUILD_DIR, where the profile (.gcda files) stays: a later rebuild after an edit
# optimizes the edited functions without it (GCC warns, coverage-mismatch).
#   sh scripts/build-release.sh BUILD_DIR [CMAKE_ARGS...]
# With a compiler other than GCC, or DIVERT_PGO=off in the environment, it is a plain Release.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ]; then
  echo "usage: sh scripts/build-release.sh BUILD_DIR [CMAKE_ARGS...]" >&2
  exit 64
fi
dir=$1
shift
configure() {
  cmake -S "$src" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" > /dev/null
}

configure -DDIVERT_PGO= "$@"
cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:[^=]*=//p' "$dir/CMakeCache.txt")
if [ "${DIVERT_PGO:-}" = off ] ||
  ! "$cxx" --version 2> /dev/null | grep -q 'Free Software Foundation'; then
  echo "build-release: a plain Release (no GCC profile-guided optimization)"
  cmake --build "$dir"
  exit 0
fi

# Until the optimized build is done and has passed its check, a stop (an error, a failed check,
# Ctrl-C) removes the folder's divert (instrumented, or optimized and failed) and sets the
# folder back to a plain Release, so that neither is used and a later `cmake --build` there
# makes a plain divert.
finished=no
train=$dir/pgo-training
leave() {
  rm -rf "$train"
  if [ "$finished" = no ]; then
    rm -f "$dir/divert"
    configure -DDIVERT_PGO= "$@" || true
  fi
}
trap 'leave "$@"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "build-release: 1/3 an instrumented divert"
configure -DDIVERT_PGO=generate "$@"
cmake --build "$dir" --target divert
find "$dir" -name '*.gcda' -delete

echo "build-release: 2/3 training it on generated cases"
# In the build folder, not /tmp: the generator is compiled and run there, and /tmp may be
# mounted noexec.
rm -rf "$train"
mkdir -p "$train"
"$cxx" -O2 -std=c++20 -o "$train/gen_corpus" "$src/bench/gen_corpus.cpp"
"$train/gen_corpus" 20000 7 > "$train/cases.jsonl"
# Away from the builder's own configuration, keys and caches (a configured laptop may trust
# only signed policies).
mkdir "$train/home"
# run OUT ARGS...: the build's divert with ARGS, standard output to OUT, its exit in $status.
run() {
  out=$1
  shift
  status=0
  env -u XDG_CONFIG_HOME -u XDG_CACHE_HOME -u XDG_DATA_HOME -u XDG_STATE_HOME \
    -u DIVERT_POLICY_PATH HOME="$train/home" "$dir/divert" "$@" > "$out" 2> "$train/stderr" ||
    status=$?
}
# The shipped policies that decide cases (the vocabulary and wa-state are layers).
policies="wa-whatcom wa-king-county-2011 nm-santa-fe co-pueblo ca-lead-pilot wa-burien"
# decide_all SUFFIX: the training cases on each policy, into $train/POLICY.SUFFIX.
decide_all() {
  for policy in $policies; do
    run "$train/$policy.$1" batch --jobs 1 --policy "$src/policies/$policy.yaml" \
      "$train/cases.jsonl"
    # 65: some lines were refused, which trains as well; anything else is a broken build.
    if [ "$status" -ne 0 ] && [ "$status" -ne 65 ]; then
      cat "$train/stderr" >&2
      echo "build-release: the $1 divert failed on $policy (exit $status)" >&2
      exit 1
    fi
  done
}
decide_all instrumented
run /dev/null decide --policy "$src/policies/wa-whatcom.yaml" \
  --answers "$src/examples/wa-whatcom-possession.yaml"
if [ "$status" -gt 3 ]; then
  cat "$train/stderr" >&2
  echo "build-release: the instrumented divert failed to decide the example (exit $status)" >&2
  exit 1
fi

echo "build-release: 3/3 divert, optimized by that profile"
configure -DDIVERT_PGO=use "$@"
cmake --build "$dir"

# The optimizer must not change a decision: the optimized divert decides the training cases
# byte for byte as the instrumented one did.
decide_all optimized
for policy in $policies; do
  if ! cmp -s "$train/$policy.instrumented" "$train/$policy.optimized"; then
    echo "build-release: the optimized divert decides differently on $policy than the" \
      "instrumented one; it is removed (DIVERT_PGO=off builds a plain Release)" >&2
    exit 1
  fi
done
echo "build-release: the optimized divert decides the $(wc -l < "$train/cases.jsonl") training" \
  "cases as the instrumented one did, on each policy"
finished=yes
