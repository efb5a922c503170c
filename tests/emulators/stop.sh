#!/usr/bin/env bash
# Stops what start.sh STATE_DIR started (by the process ids it recorded) and removes STATE_DIR.
set -uo pipefail
state="${1:?usage: stop.sh STATE_DIR}"
for name in azurite cosmosdb-server; do
  if [[ -f "$state/$name.pid" ]]; then
    pid=$(cat "$state/$name.pid")
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  fi
done
rm -rf "$state"
