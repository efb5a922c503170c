#!/usr/bin/env sh
# Run by `azd deploy` (azure.yaml hooks.postdeploy) with the Bicep outputs in the environment. Subscribes each blob
# trigger ([BlobTrigger(..., Source = BlobTriggerSource.EventGrid)]) to BlobCreated events of its container, through
# the host's blob extension webhook (/runtime/webhooks/blobs?functionName=Host.Functions.<name>&code=<blobs_extension
# key>), as Flex Consumption requires. Idempotent: `create` updates an existing subscription.
set -eu
: "${AZURE_RESOURCE_GROUP:?}" "${AZURE_FUNCTION_APP_NAME:?}" "${AZURE_STORAGE_EVENTS_TOPIC:?}"

key=$(az functionapp keys list -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_FUNCTION_APP_NAME" --query "systemKeys.blobs_extension" -o tsv)
host=$(az functionapp show -g "$AZURE_RESOURCE_GROUP" -n "$AZURE_FUNCTION_APP_NAME" --query defaultHostName -o tsv)

# [Function] name → container it watches (keep in step with the [BlobTrigger] paths).
for pair in "EdiInbox:edi-inbox"; do
  function=${pair%%:*}
  container=${pair#*:}
  az eventgrid system-topic event-subscription create \
    --name "$(echo "$function" | tr '[:upper:]' '[:lower:]')-blob-created" \
    -g "$AZURE_RESOURCE_GROUP" \
    --system-topic-name "$AZURE_STORAGE_EVENTS_TOPIC" \
    --endpoint-type webhook \
    --endpoint "https://$host/runtime/webhooks/blobs?functionName=Host.Functions.$function&code=$key" \
    --included-event-types Microsoft.Storage.BlobCreated \
    --subject-begins-with "/blobServices/default/containers/$container/" \
    --output none
  echo "postdeploy: $function receives BlobCreated events of $container"
done
