#!/bin/sh
# Records signed and verified per second, next to `openssl speed ed25519` measured in the same
# run (see README.md).   sh bench/records/run.sh [N]     (default 20000 records)
# Results: bench/out/records.md. Uses the TEST-ONLY key of tests/data/keys.
set -eu
cd "$(dirname "$0")/../.."
n=${1:-20000}
out=bench/out
mkdir -p "$out"
sh scripts/build-release.sh build-bench -DBUILD_TESTING=OFF -DDIVERT_BENCH=ON > /dev/null

pin=""
command -v taskset > /dev/null 2>&1 && pin="taskset -c 0"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
keys=tests/data/keys
fix=tests/data/records

# Raw Ed25519 on one core, in the same run.
speed=$($pin openssl speed -seconds 5 ed25519 2> /dev/null | awk '/Ed25519/ && $NF ~ /^[0-9.]+$/ {print $(NF-1), $NF}' | tail -1)
raw_sign=${speed% *}
raw_verify=${speed#* }

# In process: divert's sign and verify paths.
$pin build-bench/bench/bench_records "$n" "$dir" "$keys/T-0001@TEST000.key.pem" \
  "$fix/policies/wa-king-county-2011.yaml" "$fix/answers/king-eligible.yaml" "$keys/allowed_signers" > "$dir/inproc"
signed=$(awk '/^signed_per_s/ {print $2}' "$dir/inproc")
verified=$(awk '/^verified_per_s/ {print $2}' "$dir/inproc")
size=$(awk '/^bytes_per_record/ {print $2}' "$dir/inproc")

# End to end: `divert verify DIR` in one process (reads every file, prints a line per record).
best=""
for run in 1 2 3; do
  start=$(date +%s.%N)
  $pin build-bench/divert verify "$dir" --trust "$keys/allowed_signers" > /dev/null
  end=$(date +%s.%N)
  t=$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')
  if [ -z "$best" ] || [ "$(awk -v t="$t" -v b="$best" 'BEGIN {print (t < b)}')" = 1 ]; then best=$t; fi
done
cli=$(awk -v n="$n" -v t="$best" 'BEGIN {printf "%d", n / t}')

# End to end signing: one `divert screen` process per record (unencrypted key, fsyncs included).
export HOME="$dir/home" XDG_CONFIG_HOME="$dir/home/config" XDG_STATE_HOME="$dir/home/state"
mkdir -p "$XDG_CONFIG_HOME/divert"
cp "$keys/T-0001@TEST000.key.pem" "$dir/key.pem"
chmod 600 "$dir/key.pem"
printf 'officer: T-0001\nagency: TEST000\ndevice: DEV-BENCH2\nkey: %s\nrecords: %s\npolicy: %s\n' \
  "$dir/key.pem" "$dir/screened" "$PWD/$fix/policies/wa-king-county-2011.yaml" > "$XDG_CONFIG_HOME/divert/config.yaml"
m=200
start=$(date +%s.%N)
i=0
while [ $i -lt $m ]; do
  build-bench/divert screen --no-input --answers "$fix/answers/king-eligible.yaml" > /dev/null 2>&1 < /dev/null
  i=$((i + 1))
done
end=$(date +%s.%N)
screens=$(awk -v m="$m" -v a="$start" -v b="$end" 'BEGIN {printf "%d", m / (b - a)}')
{
  echo "# divert records benchmark"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo); one core (taskset)"
  echo "- $(openssl version)"
  echo "- $n records of $size bytes (wa-king-county-2011, eligible case), TEST-ONLY key"
  echo
  echo "| what | per second |"
  echo "|---|---|"
  echo "| openssl speed ed25519: sign | $raw_sign |"
  echo "| openssl speed ed25519: verify | $raw_verify |"
  echo "| divert, in process: records signed (build + JCS + SSHSIG) | $signed |"
  echo "| divert, in process: records verified (parse + JCS check + SSHSIG + trust + chain) | $verified |"
  echo "| \`divert verify DIR\`, end to end (best of 3) | $cli |"
  echo "| \`divert screen\`, one process per record, fsynced (unencrypted key) | $screens |"
  echo
  awk -v c="$cli" -v r="$raw_verify" 'BEGIN {printf "End-to-end verification reaches %.0f%% of the raw Ed25519 verify rate (target: at least 50%%).\n", 100 * c / r}'
} > "$out/records.md"
cat "$out/records.md"
