#!/bin/sh
# divert beside its peers, on ONE corpus, in ONE run, on one pinned core:
#   sh bench/run.sh --peers [CASES]      (default 300000 cases of wa-whatcom's vocabulary)
# Rows: divert batch; the parse-only reading limit (bench/parse_limit.cpp: simdjson visiting
# every field of the same file, already in memory); the input-output floor (bench/io_floor.cpp:
# reading the same file as batch does and copying divert's own decision bytes, no deciding);
# json-rules-engine, json-logic-js, Cedar
# (cedar-wasm) and hand-written JavaScript, each encoding wa-whatcom (bench/peers/engines/; what
# each cannot express is said at the top of bench/peers/whatcom.js). Every engine's decisions
# are checked against divert's on the whole corpus before its speed is reported.
# Then divert's start-up: `decide` (one case, warm tree cache) beside the process floor
# `divert --version`, alternated in one run (bench/startup.py), and `screen` from start to the
# first question on a pseudo-terminal (bench/first_question.py).
# Output: Markdown on stdout and in bench/out/peers.md, exactly what README.md's Performance
# section shows between its peers.md markers; to put a new run there:
#   sed -i -e '/^<!-- peers.md -->$/,/^<!-- end peers.md -->$/{//!d}' \
#          -e '/^<!-- peers.md -->$/r bench/out/peers.md' README.md
# Knobs: PEER_LIMIT=N runs the slow engines (json-rules-engine, Cedar) on the first N cases only
# (the table says so).
set -eu
cd "$(dirname "$0")/../.."
cases=${1:-300000}
out=bench/out
mkdir -p "$out"

sh scripts/install-deps.sh >/dev/null
need=""
command -v node >/dev/null 2>&1 || need="$need nodejs"
command -v npm >/dev/null 2>&1 || need="$need npm"
command -v taskset >/dev/null 2>&1 || need="$need util-linux"
if [ -n "$need" ]; then
  echo "peers: installing$need (Debian packages)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
fi
# Pinned versions from package-lock.json; node_modules stays out of git.
[ -d bench/peers/node_modules ] || (cd bench/peers && npm ci --no-audit --no-fund --loglevel=error >&2)

echo "peers: building the optimized divert (scripts/build-release.sh) and the benchmark programs" >&2
sh scripts/build-release.sh build-bench -DBUILD_TESTING=OFF -DDIVERT_BENCH=ON >/dev/null
divert=build-bench/divert
corpus="$out/corpus-$cases.jsonl"
[ -s "$corpus" ] || build-bench/bench/gen_corpus "$cases" > "$corpus"
pin="taskset -c 0"
load=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

seconds_of() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b - a}'; }
now() { date +%s.%N; }

# divert: best of 3, then --jobs 2, both writing to /dev/null as the reading limit writes
# nothing (timing one to a file put the page cache's copy of 400 MB into --jobs 1 alone and
# made --jobs 2 look more than twice as fast); then one untimed run to a file, kept for the
# agreement check.
best=""
for _ in 1 2 3; do
  start=$(now)
  $pin "$divert" batch --policy wa-whatcom "$corpus" > /dev/null 2>&1 || true
  t=$(seconds_of "$start" "$(now)")
  if [ -z "$best" ] || [ "$(awk -v t="$t" -v b="$best" 'BEGIN {print (t < b)}')" = 1 ]; then best=$t; fi
done
divert_rate=$(awk -v n="$cases" -v s="$best" 'BEGIN {printf "%.0f", n / s}')
echo "peers: divert batch: $best s, $divert_rate cases/s" >&2

jobs_rate=""
if "$divert" batch --help 2>/dev/null | grep -q -- '--jobs'; then
  best2=""
  for _ in 1 2 3; do
    start=$(now)
    "$divert" batch --jobs 2 --policy wa-whatcom "$corpus" > /dev/null 2>&1 || true
    t=$(seconds_of "$start" "$(now)")
    if [ -z "$best2" ] || [ "$(awk -v t="$t" -v b="$best2" 'BEGIN {print (t < b)}')" = 1 ]; then best2=$t; fi
  done
  jobs_rate=$(awk -v n="$cases" -v s="$best2" 'BEGIN {printf "%.0f", n / s}')
  echo "peers: divert batch --jobs 2: $best2 s, $jobs_rate cases/s" >&2
fi
"$divert" batch --policy wa-whatcom "$corpus" > "$work/divert.jsonl" 2>/dev/null || true

limit_line=$($pin build-bench/bench/parse_limit "$corpus" 3)
limit_rate=$(echo "$limit_line" | awk '{print $4}')
limit_note=$(echo "$limit_line" | sed 's/.*(checksum [0-9]*, //; s/)$//')
echo "peers: $limit_line" >&2
floor_line=$($pin build-bench/bench/io_floor "$corpus" "$work/divert.jsonl" 3)
floor_rate=$(echo "$floor_line" | awk '{print $4}')
echo "peers: $floor_line" >&2

rows=""
for engine in plain jsonlogic jre cedar; do
  lim=""
  case $engine in jre|cedar) [ -n "${PEER_LIMIT:-}" ] && lim="--limit $PEER_LIMIT" ;; esac
  # shellcheck disable=SC2086
  line=$($pin node bench/peers/run.js "$engine" "$corpus" --dump "$work/$engine.tsv" $lim)
  agree=$(node bench/peers/check.js "$work/divert.jsonl" "$work/$engine.tsv" | head -1)
  echo "peers: $line; $agree" >&2
  rows="$rows$engine $(echo "$line" | awk '{print $2, $4}') $(echo "$agree" | awk '{print $2 "/" $4}')
"
done

name_of() {
  case $1 in
    plain) echo "hand-written JavaScript (node $(node --version))" ;;
    jsonlogic) echo "json-logic-js 2.0.5" ;;
    jre) echo "json-rules-engine 7.3.1" ;;
    cedar) echo "Cedar 4.13.0 (cedar-wasm, policy set parsed once)" ;;
  esac
}
# Start-up, on the same pinned core: medians of alternated runs.
# shellcheck disable=SC2046 # the numbers it prints become $1, $2...
set -- $($pin python3 bench/startup.py "$divert" 300)
version_ms=$1 decide_ms=$2 decide_ratio=$3 version_cpu=$4 decide_cpu=$5 decide_cpu_ratio=$6
echo "peers: --version $version_ms ms, decide $decide_ms ms (x$decide_ratio; CPU x$decide_cpu_ratio)" >&2
# shellcheck disable=SC2046
set -- $($pin python3 bench/first_question.py "$divert" 30)
screen_ms=$1 screen_min=$2 screen_max=$3
echo "peers: screen first question $screen_ms ms" >&2

{
  echo "### divert batch beside its peers (wa-whatcom)"
  echo
  echo "- date: $(date -u +%Y-%m-%d); machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo); load average at the start $load"
  echo "- corpus: $cases cases from bench/gen_corpus.cpp (fixed seed), $(($(wc -c < "$corpus") / cases)) bytes a case; one core (taskset -c 0)"
  echo "- reading limit: $limit_note"
  echo "- at the limit's pace a case has $(awk -v r="$limit_rate" 'BEGIN {printf "%.0f", 1e9 / r}') ns; reading the cases file and copying the decision bytes alone (the input-output floor) take $(awk -v r="$floor_rate" 'BEGIN {printf "%.0f", 1e9 / r}') ns of them"
  echo
  echo "| what | cases | cases/s | divert ÷ this | decisions equal to divert's |"
  echo "|---|---|---|---|---|"
  echo "| divert batch | $cases | $divert_rate | 1.00 | — |"
  if [ -n "$jobs_rate" ]; then
    echo "| divert batch --jobs 2 (both cores) | $cases | $jobs_rate | $(awk -v a="$divert_rate" -v b="$jobs_rate" 'BEGIN {printf "%.2f", a / b}') (--jobs 2 ÷ --jobs 1: $(awk -v a="$divert_rate" -v b="$jobs_rate" 'BEGIN {printf "%.2f", b / a}')) | — |"
  fi
  echo "| parse-only reading limit (simdjson, in memory) | $cases | $limit_rate | $(awk -v a="$divert_rate" -v b="$limit_rate" 'BEGIN {printf "%.2f", a / b}') | — |"
  echo "| input-output floor (read the file, copy divert's decision bytes; no deciding) | $cases | $floor_rate | $(awk -v a="$divert_rate" -v b="$floor_rate" 'BEGIN {printf "%.2f", a / b}') | — |"
  echo "$rows" | while read -r engine n rate agree; do
    [ -n "$engine" ] || continue
    echo "| $(name_of "$engine") | $n | $rate | $(awk -v a="$divert_rate" -v b="$rate" 'BEGIN {printf "%.1f", a / b}') | $agree |"
  done
  echo
  echo "### divert start-up (one core, medians of 300 alternated runs; screen: 30 runs)"
  echo
  echo "| what | ms, start to exit | ÷ divert --version | CPU ms (user + system) | CPU ÷ --version |"
  echo "|---|---|---|---|---|"
  echo "| divert --version (the process floor) | $version_ms | 1.00 | $version_cpu | 1.00 |"
  echo "| divert decide, one case (wa-whatcom, examples/wa-whatcom-possession.yaml, policy read before) | $decide_ms | $decide_ratio | $decide_cpu | $decide_cpu_ratio |"
  echo "| divert screen --demo, start to the first question (pseudo-terminal) | $screen_ms (min $screen_min, max $screen_max) | — | — | — |"
} > "$out/peers.md"
cat "$out/peers.md"
