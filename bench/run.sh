#!/bin/sh
# divert benchmarks: batch throughput, peak memory, decide start-to-exit time beside the process
# floor (divert --version), screen's first question.
#   sh bench/run.sh [CASES]        (default 1000000 cases; results in bench/out/results.md)
#   sh bench/run.sh --peers [CASES] divert beside json-rules-engine, json-logic-js, Cedar and the
#                                   parse-only reading limit, on one corpus (bench/peers/run.sh)
# Repeatable: the corpus is generated deterministically (bench/gen_corpus.cpp, fixed seed),
# the binary is this checkout's optimized build (scripts/build-release.sh), and each timing is
# the median of several runs.
set -eu
cd "$(dirname "$0")/.."
if [ "${1:-}" = --peers ]; then
  shift
  exec sh bench/peers/run.sh "$@"
fi
cases=${1:-1000000}
out=bench/out
mkdir -p "$out"

need=""
[ -x /usr/bin/time ] || need="$need time"
if [ -n "$need" ]; then
  echo "bench: installing$need (Debian packages)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi

sh scripts/install-deps.sh >/dev/null
sh scripts/build-release.sh build-bench -DBUILD_TESTING=OFF -DDIVERT_BENCH=ON >/dev/null
divert=build-bench/divert

corpus="$out/corpus-$cases.jsonl"
[ -s "$corpus" ] || build-bench/bench/gen_corpus "$cases" > "$corpus"
bytes=$(wc -c < "$corpus")

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# One core: taskset pins the process so the figure is per core.
pin=""
command -v taskset >/dev/null 2>&1 && pin="taskset -c 0"

{
  echo "# divert benchmark results"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo)"
  echo "- corpus: $cases cases, $bytes bytes ($((bytes / cases)) bytes per case), seed fixed"
  echo
  echo "## batch (one core, output to /dev/null, median of 3 runs)"
  echo
  echo "| policy | seconds | cases/s | MB/s in | peak RSS (KiB) |"
  echo "|---|---|---|---|---|"
} > "$out/results.md"

for policy in wa-whatcom wa-king-county-2011 nm-santa-fe co-pueblo ca-lead-pilot wa-burien; do
  times=""
  rss=0
  for run in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$out/time.txt" $pin "$divert" batch --policy "policies/$policy.yaml" "$corpus" > /dev/null 2>"$out/stderr.txt" || true
    read -r seconds kib < "$out/time.txt"
    times="$times $seconds"
    rss=$kib
  done
  seconds=$(echo $times | tr ' ' '\n' | median)
  rate=$(awk -v n="$cases" -v s="$seconds" 'BEGIN {printf "%.0f", n / s}')
  mbs=$(awk -v b="$bytes" -v s="$seconds" 'BEGIN {printf "%.0f", b / s / 1e6}')
  echo "| $policy | $seconds | $rate | $mbs | $rss |" >> "$out/results.md"
  echo "bench: batch $policy: $seconds s, $rate cases/s, $mbs MB/s, peak $rss KiB"
done

# Memory must stay flat in the corpus size: compare a tenth of the corpus.
small="$out/corpus-small.jsonl"
head -n $((cases / 10)) "$corpus" > "$small"
/usr/bin/time -f "%M" -o "$out/time.txt" "$divert" batch --policy wa-whatcom "$small" > /dev/null 2>&1 || true
small_rss=$(cat "$out/time.txt")
{
  echo
  echo "Peak RSS on $((cases / 10)) cases: $small_rss KiB (memory is flat when this matches the full corpus)."
  echo
  echo "## decide: start to exit, one case, beside the process floor (bench/startup.py)"
  echo
} >> "$out/results.md"

# Alternated with `divert --version` in one run on one core, so that load slows both alike.
set -- $($pin python3 bench/startup.py "$divert" 300)
{
  echo "median of 300 alternated runs: divert --version $1 ms, divert decide $2 ms (wa-whatcom,"
  echo "examples/wa-whatcom-possession.yaml, policy read before): decide ÷ --version $3;"
  echo "CPU time (user + system) $4 ms and $5 ms: $6"
} >> "$out/results.md"
echo "bench: decide $2 ms, --version $1 ms: x$3 (CPU x$6)"
echo "bench: results in $out/results.md"

# The walk-through: from start to the first question on a terminal.
fq=$(python3 bench/first_question.py "$divert" 30)
set -- $fq
{
  echo
  echo "## screen: start to the first question on a terminal (pty, 3 warm-ups, 30 runs)"
  echo
  echo "median $1 ms (min $2, max $3)"
} >> "$out/results.md"
echo "bench: screen first question median $1 ms"
echo "bench: records signed/verified per second: sh bench/records/run.sh"
