#!/usr/bin/env bash
# Build speed and memory at scale, against `certsite verify` (the signature
# checks every build must do) as the baseline in the same run.
# Usage: tests/benches/site_scale.sh [COUNT]   (default 100000 certificates)
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-100000}
cargo build --release --quiet
bin=target/release/certsite
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One PBKDF2 iteration: hashing is the signer's cost, not the build's.
$bin demo --out "$work/data" --count "$count" --iterations 1 --insecure-low-iterations >/dev/null
measure() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
read -r vs vk < <(measure $bin verify --root "$work/data/root.pub" "$work/data" --min-iterations 1)
read -r bs bk < <(measure $bin build --data "$work/data" --out "$work/public")
data_mb=$(du -sm "$work/data" | cut -f1)
site_mb=$(du -sm "$work/public" | cut -f1)
files=$(find "$work/public" -type f | wc -l)
echo "| $count certificates ($data_mb MB of data) | seconds | peak memory |"
echo "| --- | --- | --- |"
echo "| certsite verify (baseline) | $vs | $((vk / 1024)) MB |"
echo "| certsite build ($files files, $site_mb MB) | $bs | $((bk / 1024)) MB |"
awk -v b="$bs" -v v="$vs" -v bk="$bk" -v vk="$vk" 'BEGIN { printf "| build ÷ verify | %.2f | %.2f |\n", b / v, bk / vk }'
