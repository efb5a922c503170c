#!/usr/bin/env bash
# Starts the emulators the Azure backend's contract tests need, from tests/node_modules (npm ci --prefix tests):
#   azurite                 Blob, Queue and Table storage
#   @vercel/cosmosdb-server Cosmos DB (HTTPS, self-signed certificate; Gateway mode only)
# Usage: start.sh STATE_DIR. Picks free ports, keeps data and logs under STATE_DIR, waits until both listen, and
# writes STATE_DIR/env (lines of `export NAME=value`) for the tests. stop.sh STATE_DIR stops them.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$here/../node_modules/.bin"
state="${1:?usage: start.sh STATE_DIR}"
mkdir -p "$state/azurite"

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
blob=$(free_port); queue=$(free_port); table=$(free_port); cosmos=$(free_port)

"$bin/azurite" --silent --skipApiVersionCheck --disableTelemetry --loose \
  --location "$state/azurite" --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
  --blobPort "$blob" --queuePort "$queue" --tablePort "$table" >"$state/azurite.log" 2>&1 &
echo $! >"$state/azurite.pid"

"$bin/cosmosdb-server" --host 127.0.0.1 --port "$cosmos" >"$state/cosmosdb-server.log" 2>&1 &
echo $! >"$state/cosmosdb-server.pid"

wait_for() { # port name
  for _ in $(seq 1 300); do
    if node -e 'const c=require("net").connect(+process.argv[1],"127.0.0.1");c.on("connect",()=>process.exit(0));c.on("error",()=>process.exit(1))' "$1"; then return 0; fi
    sleep 0.1
  done
  echo "emulators: $2 did not start listening on port $1; its log:" >&2
  cat "$state/$2.log" >&2 || true
  return 1
}
wait_for "$blob" azurite; wait_for "$queue" azurite; wait_for "$table" azurite; wait_for "$cosmos" cosmosdb-server

# Azurite's well-known development account and key (public, documented); any key works for cosmosdb-server,
# so it gets the Cosmos DB emulator's published key.
account=devstoreaccount1
key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
cat >"$state/env" <<ENV
export ORDEROPS_STORAGE_CONNECTION_STRING='DefaultEndpointsProtocol=http;AccountName=$account;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/$account;QueueEndpoint=http://127.0.0.1:$queue/$account;TableEndpoint=http://127.0.0.1:$table/$account;'
export ORDEROPS_COSMOS_ENDPOINT='https://127.0.0.1:$cosmos/'
export ORDEROPS_COSMOS_KEY='C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=='
export ORDEROPS_COSMOS_EMULATOR=1
ENV
echo "emulators: azurite blob=$blob queue=$queue table=$table, cosmosdb-server https=$cosmos (state in $state)"
