#!/usr/bin/env bash
# Build speed and memory at scale, against two baselines in the same run:
# `certsite verify` (every rule a build must check) and the signature floor
# (every signature of the data verified with verify_strict on all cores and
# nothing else: tests/benches/signature_floor.rs). Measured twice: the demo
# with its cities' reviews, and the same data without them (as before
# reviews), so the cost of the review signatures shows in the ratios.
# Usage: tests/benches/site_scale.sh [COUNT]   (default 100000 certificates)
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-100000}
cargo build --release --quiet
cargo bench --bench signature_floor --no-run --quiet 2>/dev/null
bin=target/release/certsite
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# One PBKDF2 iteration: hashing is the signer's cost, not the build's.
$bin demo --out "$work/data" --count "$count" --iterations 1 --insecure-low-iterations >/dev/null
# The same data as before reviews: no city statements, no reviews.
cp -r "$work/data" "$work/unreviewed"
rm -rf "$work/unreviewed/reviews" "$work/unreviewed/directory/cities.jsonl" "$work/unreviewed/log"
measure() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
floor() {
  cargo bench --quiet --bench signature_floor -- "$1" 1 | awk -F'|' '/the floor/ { gsub(/ /, "", $3); print $3 }'
}
table() {
  local data=$1 what=$2
  local fs vs vk bs bk
  fs=$(floor "$data")
  read -r vs vk < <(measure $bin verify --root "$data/root.pub" "$data" --min-iterations 1)
  read -r bs bk < <(measure $bin build --data "$data" --out "$work/public-$what")
  local files site_mb
  files=$(find "$work/public-$what" -type f | wc -l)
  site_mb=$(du -sm "$work/public-$what" | cut -f1)
  echo
  echo "| $count certificates, $what ($(du -sm "$data" | cut -f1) MB of data) | seconds | peak memory |"
  echo "| --- | --- | --- |"
  echo "| signature floor (verify_strict only, all cores) | $fs | |"
  echo "| certsite verify | $vs | $((vk / 1024)) MB |"
  echo "| certsite build ($files files, $site_mb MB) | $bs | $((bk / 1024)) MB |"
  awk -v b="$bs" -v v="$vs" -v bk="$bk" -v vk="$vk" 'BEGIN { printf "| build ÷ verify | %.2f | %.2f |\n", b / v, bk / vk }'
  awk -v b="$bs" -v f="$fs" 'BEGIN { printf "| build ÷ floor | %.2f | |\n", b / f }'
}
table "$work/data" "reviewed"
table "$work/unreviewed" "without reviews"
