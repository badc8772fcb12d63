#!/usr/bin/env bash
# What the log and the snapshot cost: build time against the build before
# them (the commit before the log, built in a worktree, on the same data in
# the same run), and what a monthly update rewrites.
# Usage: tests/benches/log_cost.sh [COUNT] [K]
#   COUNT certificates (default 1000000); K new revocations for the update (default 100).
#   BASE_REV names the baseline commit (default c3652d8, the last one without the log).
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-1000000}
k=${2:-100}
base_rev=${BASE_REV:-c3652d8}
cargo build --release --quiet
bin=$PWD/target/release/certsite
work=$(mktemp -d)
cleanup() { git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
git worktree add --detach "$work/base" "$base_rev" >/dev/null 2>&1
(cd "$work/base" && CARGO_TARGET_DIR="$work/base-target" cargo build --release --quiet)
base=$work/base-target/release/certsite
# One PBKDF2 iteration: hashing is the signer's cost, not the build's.
$bin demo --out "$work/data" --count "$count" --iterations 1 --insecure-low-iterations >/dev/null
# The baseline knows no publisher statement, log key or log.
cp -r "$work/data" "$work/data-base"
rm -rf "$work/data-base/publisher" "$work/data-base/log"
sed -i '/^\[log\]/,$d' "$work/data-base/certsite.toml"
# A first build starts the log: no state yet.
rm -rf "$work/data/log"
measure() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
# Like for like: each first build (no site yet, and for certsite no log
# state) twice, alternating, the faster kept; then each rebuild over its own
# previous site (the swap removes the old one), the log state complete.
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b ? a : b) }'; }
read -r t0 m0 < <(measure "$base" build --data "$work/data-base" --out "$work/site-base")
read -r t1 m1 < <(measure "$bin" build --data "$work/data" --out "$work/site")
rm -rf "$work/site-base" "$work/site" "$work/data/log"
# The second round in the other order, so neither build always follows the other.
read -r u1 _ < <(measure "$bin" build --data "$work/data" --out "$work/site")
read -r u0 _ < <(measure "$base" build --data "$work/data-base" --out "$work/site-base")
t0=$(best "$t0" "$u0")
t1=$(best "$t1" "$u1")
read -r r0 n0 < <(measure "$base" build --data "$work/data-base" --out "$work/site-base")
read -r t2 m2 < <(measure "$bin" build --data "$work/data" --out "$work/site")
hashes() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum); }
hashes "$work/site" >"$work/before"
# The monthly update: K revocations signed by the root.
{
  echo "证书编号,撤销日期,撤销原因"
  cat "$work"/data/certificates/*.jsonl | grep -o '"code":"[^"]*"' | cut -d'"' -f4 | awk -v k="$k" 'NR % 997 == 0 && n < k { print $0 ",2026-11-15,基准测试：撤销"; n++ }'
} >"$work/revocations.csv"
$bin sign --key "$work/data/demo-keys/root.key" --input "$work/revocations.csv" --out "$work/data/revocations/bench.jsonl" >/dev/null
read -r t3 m3 < <(measure "$bin" build --data "$work/data" --out "$work/site")
hashes "$work/site" >"$work/after"
changed() { diff <(grep " ./$1" "$work/before") <(grep " ./$1" "$work/after") | grep -c '^>' || true; }
files=$(wc -l <"$work/after")
echo "| $count certificates | seconds | peak memory |"
echo "| --- | --- | --- |"
echo "| first build without the log ($base_rev, baseline) | $t0 | $((m0 / 1024)) MB |"
echo "| first build with the log (the whole log written) | $t1 | $((m1 / 1024)) MB |"
echo "| rebuild without the log (baseline) | $r0 | $((n0 / 1024)) MB |"
echo "| rebuild with the log, nothing new | $t2 | $((m2 / 1024)) MB |"
echo "| rebuild with the log, $k new revocations | $t3 | $((m3 / 1024)) MB |"
awk -v a="$t1" -v z="$t0" -v b="$t2" -v y="$r0" 'BEGIN { printf "| first build ÷ baseline | %.2f | |\n| rebuild ÷ baseline rebuild | %.2f | |\n", a / z, b / y }'
echo
echo "Files rewritten or added by the update of $k revocations (of $files):"
echo "| folder | files |"
echo "| --- | --- |"
for d in c/ i/ snap/c/ snap/i/ log/ snapshot.jsonl manifest.json; do echo "| $d | $(changed "$d") |"; done
other=$(diff <(grep -v -E ' \./(c/|i/|snap/|log/|snapshot.jsonl|manifest.json)' "$work/before") <(grep -v -E ' \./(c/|i/|snap/|log/|snapshot.jsonl|manifest.json)' "$work/after") | grep -c '^>' || true)
echo "| pages and the rest | $other |"
