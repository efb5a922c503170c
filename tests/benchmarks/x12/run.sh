#!/usr/bin/env bash
# X12 throughput, side by side in one run: generates a deterministic file of 850s (default 55 MB, one group),
# parses it with node-x12 (pinned in package.json) and with OrderOps (read / validate / process), and prints
# MB/s, CPU seconds, allocations, peak memory and the ratios. Not part of the unit test run.
#   tests/benchmarks/x12/run.sh [megabytes]        X12_BENCH_FILE=/path/file.edi to choose where the file goes
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
megabytes=${1:-55}
file=${X12_BENCH_FILE:-${TMPDIR:-/tmp}/orderops-x12-850s-${megabytes}mb.edi}
project="$root/tests/OrderOps.Benchmarks.EdiX12"

dotnet build -c Release "$project" --nologo -v quiet >/dev/null
bench() { dotnet "$project/bin/Release/net10.0/OrderOps.Benchmarks.EdiX12.dll" "$@"; }
if [[ ! -f "$file" ]]; then
  bench generate "$file" "$megabytes"
fi

(cd "$here" && npm ci --no-audit --no-fund --silent)

# node-x12 keeps the whole document as objects (~60x the file size resident): give V8 the heap it needs.
node_json=$(node --max-old-space-size=16000 "$here/parse-node-x12.js" "$file")
echo "$node_json"
results=("$node_json")
for mode in read validate process; do
  json=$(bench "$mode" "$file")
  echo "$json"
  results+=("$json")
done

node -e '
const [node, ...ours] = process.argv.slice(1).map(JSON.parse)
const mb = b => (b / 1048576).toFixed(0) + " MB"
console.log(`\nfile ${mb(node.bytes)}; node-x12: ${node.mbPerSecond} MB/s wall, ${node.mbPerCpuSecond} MB/CPU-s, peak RSS ${mb(node.peakResidentBytes)}`)
for (const r of ours) {
  console.log(`${r.parser.padEnd(17)} ${String(r.mbPerSecond).padStart(7)} MB/s = ${(r.mbPerSecond / node.mbPerSecond).toFixed(1).padStart(5)}x node-x12 (CPU: ${(r.mbPerCpuSecond / node.mbPerCpuSecond).toFixed(1)}x), ` +
    `allocated ${mb(r.allocatedBytes)}, peak working set ${mb(r.peakWorkingSetBytes)} (node-x12 ${mb(node.peakResidentBytes)})`)
}
' "${results[@]}"
