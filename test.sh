#!/usr/bin/env bash
# Runs every test of OrderOps. Needs the .NET 10 SDK, and Node.js/npm for the Azure backend's emulators: NuGet
# packages are restored here, and the emulators (Azurite, cosmosdb-server, pinned in tests/package.json) are
# installed with `npm ci`, started before the tests and stopped after them, whatever happens.
# Benchmarks and load drivers are built (so they cannot rot) but not run; see README "Measuring".
set -euo pipefail
cd "$(dirname "$0")"

configuration="${CONFIGURATION:-Release}"
results="$(mktemp -d)"
emulators="$results/emulators"
cleanup() {
  if [[ -d "$emulators" ]]; then tests/emulators/stop.sh "$emulators"; fi
  rm -rf "$results"
}
trap cleanup EXIT

if command -v node >/dev/null && command -v npm >/dev/null; then
  # npm ci reinstalls from the lock file; skip it when node_modules was installed from this very lock file.
  if [[ ! -f tests/node_modules/.package-lock.json || tests/package-lock.json -nt tests/node_modules/.package-lock.json ]]; then
    npm ci --prefix tests --no-audit --no-fund --loglevel=error
  fi
  tests/emulators/start.sh "$emulators"
  # shellcheck disable=SC1091
  source "$emulators/env"
  # Every Azure contract test must run: a missing endpoint fails them instead of skipping them.
  export ORDEROPS_REQUIRE_AZURE_TESTS=1
else
  echo "test.sh: Node.js/npm not found, so the Azure emulators cannot be installed: the Azure backend's contract tests will be SKIPPED." >&2
fi

# The console's browser tests drive Debian's chromium through Playwright (its own browser download cannot work here).
if [[ ! -x "${ORDEROPS_CHROMIUM:-/usr/bin/chromium}" ]] && command -v apt-get >/dev/null; then
  as_root=""
  if [[ "$(id -u)" -ne 0 ]]; then as_root="sudo"; fi
  $as_root apt-get update -qq
  $as_root apt-get install -y -qq chromium
fi

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
