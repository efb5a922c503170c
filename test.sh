#!/usr/bin/env bash
# Runs every test of OrderOps. Needs only the .NET 10 SDK: NuGet packages are restored here.
# Benchmarks and load drivers are built (so they cannot rot) but not run; see README "Measuring".
set -euo pipefail
cd "$(dirname "$0")"

configuration="${CONFIGURATION:-Release}"
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

# A test project missing from the solution would silently not run.
for project in tests/*/*.csproj; do
  grep -q "$(basename "$project")" OrderOps.sln || { echo "$project is not in OrderOps.sln" >&2; exit 1; }
done

dotnet restore OrderOps.sln
dotnet build OrderOps.sln -c "$configuration" --no-restore
set +e
dotnet test OrderOps.sln -c "$configuration" --no-build --logger "console;verbosity=minimal" 2>&1 | tee "$results/test.log"
status=${PIPESTATUS[0]}
set -e

# One closing line over all test assemblies, in the plain form CI reads.
awk '/(Passed|Failed)!  - /{
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") failed += $(i+1); if ($i == "Passed:") passed += $(i+1); if ($i == "Skipped:") skipped += $(i+1)
       }
     }
     END { printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped }' "$results/test.log"
exit "$status"
