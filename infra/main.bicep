// OrderOps on Azure: `azd up` provisions this and deploys functions/OrderOps.Functions to it (see ../azure.yaml).
// Subscription scope so azd can create the resource group; everything else is in resources.bicep.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group and seeds resource names.')
param environmentName string

@minLength(1)
@description('Azure region for every resource. Flex Consumption is not in every region: see `az functionapp list-flexconsumption-locations`.')
param location string

@secure()
@description('The Shopify app client secret (webhook signatures). Stored in Key Vault; the app reads it by Key Vault reference.')
param shopifyWebhookSecret string

@secure()
@description('The previous Shopify secret during a rotation; empty otherwise.')
param shopifyPreviousWebhookSecret string = ''

@description('SP-API application (LWA) client id; empty until Amazon is connected.')
param amazonClientId string = ''

@secure()
@description('SP-API application (LWA) client secret; stored in Key Vault.')
param amazonClientSecret string = ''

@description('Storage queues between functions (QueueNames in functions/OrderOps.Core/Ports/IMessageQueue.cs); each gets its -poison queue.')
param queueNames array = [
  'ingest'
  'inventory-changes'
  'outbound-events'
]

var tags = { 'azd-env-name': environmentName }

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module resources 'resources.bicep' = {
  name: 'orderops-resources'
  scope: resourceGroup
  params: {
    environmentName: environmentName
    location: location
    tags: tags
    shopifyWebhookSecret: shopifyWebhookSecret
    shopifyPreviousWebhookSecret: shopifyPreviousWebhookSecret
    queueNames: queueNames
    amazonClientId: amazonClientId
    amazonClientSecret: amazonClientSecret
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_FUNCTION_APP_NAME string = resources.outputs.functionAppName
output ORDEROPS_URL string = resources.outputs.functionAppUrl
output AZURE_STORAGE_EVENTS_TOPIC string = resources.outputs.storageEventsTopicName
