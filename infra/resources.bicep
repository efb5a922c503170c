// Every OrderOps resource in one resource group. Identity-based connections throughout: the Function app runs as one
// user-assigned managed identity that holds data-plane roles only, scoped to the resource it needs; shared keys and
// local auth are switched off where the service allows it.

param environmentName string
param location string
param tags object

@secure()
param shopifyWebhookSecret string

@secure()
param shopifyPreviousWebhookSecret string

@description('Storage queues between functions; each also gets the <name>-poison queue the Functions host moves failed messages to.')
param queueNames array

@description('SP-API application (LWA) client id; empty until Amazon is connected.')
param amazonClientId string = ''

@secure()
@description('SP-API application (LWA) client secret; stored in Key Vault.')
param amazonClientSecret string = ''

@description('Our own X12 interchange id (ISA08); trading partners are added as Channels__Edi__Partners__{id}__... settings.')
param ediInterchangeReceiverId string = ''


@description('Shopify Admin API access token for fulfillments and cancels (empty: shipment updates raise exceptions).')
@secure()
param shopifyAdminAccessToken string = ''

@description('Six-field NCRONTAB schedule of the 846 inventory advice to EDI partners (%Channels__Edi__InventoryAdviceSchedule%).')
param ediInventoryAdviceSchedule string = '0 0 * * * *'

@description('Six-field NCRONTAB schedule of the inventory reconcile timer (%Inventory__FanOut__ReconcileSchedule%).')
param inventoryReconcileSchedule string = '0 */15 * * * *'

@description('Six-field NCRONTAB schedule of the Amazon order poll (the AmazonOrderPoll timer reads %Channels__Amazon__PollSchedule%).')
param amazonPollSchedule string = '0 */5 * * * *'

@description('Six-field NCRONTAB schedule of the outbound-event sweep (retries, lost wake-ups): %Events__Delivery__SweepSchedule%.')
param eventSweepSchedule string = '*/10 * * * * *'

@description('Flex Consumption scale-out ceiling and instance size.')
param maximumInstanceCount int = 100
param instanceMemoryMB int = 2048

var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var databaseName = 'orderops'
var deploymentContainerName = 'app-package'

// Built-in role definition ids (learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
}

// Cosmos DB's own data-plane role: "Cosmos DB Built-in Data Contributor".
var cosmosDataContributorRoleId = '00000000-0000-0000-0000-000000000002'

// ---------------------------------------------------------------------------------------------------------------
// Identity
// ---------------------------------------------------------------------------------------------------------------

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${resourceToken}'
  location: location
  tags: tags
}

// ---------------------------------------------------------------------------------------------------------------
// Storage: the Functions host (AzureWebJobsStorage, Durable Functions' task hub), the deployment package, and the
// app's tables, blobs and queues
// ---------------------------------------------------------------------------------------------------------------

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'st${resourceToken}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

// app-package: Flex Consumption deployment; raw: the raw inbound archive; edi-inbox: files from trading partners
// (the EdiInbox blob trigger); edi-outbox: the 997 acknowledgements it writes back.
resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for name in [deploymentContainerName, 'raw', 'edi-inbox', 'edi-outbox', 'event-bodies']: {
  parent: blobService
  name: name
  properties: { publicAccess: 'None' }
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

// The Azure backend's tables (adapters/OrderOps.Storage.Azure/AzureStorageOptions.cs); queuefailures keeps the last error
// of each failed queue message, which the dead-letter list joins to the poison queues.
resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for name in ['idempotencykeys', 'checkpoints', 'ingestfailures', 'orderindex', 'ordersearch', 'lifecycleexceptions', 'inventorypublications', 'queuefailures', 'eventoutbox']: {
  parent: tableService
  name: name
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

// Messages between functions (Storage-queue triggers) and their poison queues. Declared rather than left to the host:
// the app's identity has data-plane roles only. Retries, backoff and maxDequeueCount live in host.json.
resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for name in flatten(map(queueNames, q => [q, '${q}-poison'])): {
  parent: queueService
  name: name
}]

// Flex Consumption runs blob triggers from Event Grid (`[BlobTrigger(..., Source = BlobTriggerSource.EventGrid)]`). The system topic is created
// here; its subscription needs the host's blobs_extension key, which exists only once the app is deployed, so
// infra/hooks/postdeploy.sh (run by azd) subscribes the EdiInbox function to BlobCreated events of edi-inbox.
resource storageEvents 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: 'evgt-${resourceToken}'
  location: location
  tags: tags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Cosmos DB (serverless): orders with their events and the inventory ledger
// ---------------------------------------------------------------------------------------------------------------

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'cosmos-${resourceToken}'
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [ { name: 'EnableServerless' } ]
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    locations: [ { locationName: location, failoverPriority: 0, isZoneRedundant: false } ]
    disableLocalAuth: true
    minimalTlsVersion: 'Tls12'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: cosmos
  name: databaseName
  properties: { resource: { id: databaseName } }
}

// Orders and their event documents share the order's partition. Only what the store queries is indexed: the
// document type and event sequence (point reads by id need no index).
resource ordersContainer 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: database
  name: 'orders'
  properties: {
    resource: {
      id: 'orders'
      partitionKey: { paths: [ '/orderId' ], kind: 'Hash', version: 2 }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [ { path: '/orderId/?' }, { path: '/type/?' }, { path: '/sequence/?' } ]
        excludedPaths: [ { path: '/*' } ]
      }
    }
  }
}

// The inventory ledger, one partition per SKU (its stock document and movements). Each commit announces its SKUs on
// the inventory-changes queue, which wakes the channel fan-out. Indexed only for the movement query by sequence.
resource inventoryContainer 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: database
  name: 'inventory'
  properties: {
    resource: {
      id: 'inventory'
      partitionKey: { paths: [ '/sku' ], kind: 'Hash', version: 2 }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [ { path: '/sku/?' }, { path: '/type/?' }, { path: '/sequence/?' } ]
        excludedPaths: [ { path: '/*' } ]
      }
    }
  }
}

// The ledger's coordination documents (adapters/OrderOps.Storage.Azure/Inventory/CosmosInventoryLedger.cs): one per
// order (its reservation and the operation in flight), movement-id claims, the SKU index and the standalone change log,
// each kind in partitions of its own under /pk.
resource inventoryMetaContainer 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: database
  name: 'inventory-meta'
  properties: {
    resource: {
      id: 'inventory-meta'
      partitionKey: { paths: [ '/pk' ], kind: 'Hash', version: 2 }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [ { path: '/pk/?' }, { path: '/type/?' }, { path: '/first/?' }, { path: '/last/?' } ]
        excludedPaths: [ { path: '/*' } ]
      }
    }
  }
}

resource cosmosDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: cosmos
  name: guid(cosmos.id, identity.id, cosmosDataContributorRoleId)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributorRoleId}'
    principalId: identity.properties.principalId
    scope: '${cosmos.id}/dbs/${databaseName}'
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Monitoring and secrets
// ---------------------------------------------------------------------------------------------------------------

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${resourceToken}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${resourceToken}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-${resourceToken}'
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
  }
}

resource shopifySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: 'shopify-webhook-secret'
  properties: { value: shopifyWebhookSecret }
}

resource shopifyPreviousSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(shopifyPreviousWebhookSecret)) {
  parent: keyVault
  name: 'shopify-previous-webhook-secret'
  properties: { value: shopifyPreviousWebhookSecret }
}

// Per-seller refresh tokens (Channels__Amazon__Accounts__{sellerId}__RefreshToken) are added as Key Vault secrets and
// Key Vault references once a seller authorises the app; they cannot be known when provisioning.
resource amazonClientSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(amazonClientSecret)) {
  parent: keyVault
  name: 'amazon-client-secret'
  properties: { value: amazonClientSecret }
}

// ---------------------------------------------------------------------------------------------------------------
// Service Bus: outbound business events (docs/events.md) on the order-events topic
// ---------------------------------------------------------------------------------------------------------------

// Standard: topics need it. Local (SAS) auth is off: the app sends with its managed identity.
resource serviceBus 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: 'sb-${resourceToken}'
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Standard' }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

// MessageId = the event id, so duplicate detection drops the resend of a delivery whose completion was lost; SessionId =
// the order id or SKU, so session-enabled subscriptions receive each subject in order. Subscriptions and their rules
// (filters on the `type` application property) are the user's to add.
resource orderEventsTopic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: serviceBus
  name: 'order-events'
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'P1D'
    supportOrdering: true
    maxSizeInMegabytes: 1024
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Least-privilege data-plane roles for the app's identity, each on the one resource it is needed for
// ---------------------------------------------------------------------------------------------------------------

// One account serves both the host and the app. The host (AzureWebJobsStorage) with Durable Functions' Azure Storage
// task hub needs blobs (leases, large payloads: Blob Data Owner), queues (control and work-item queues) and tables
// (history, instances); the app needs queues for messages between functions (Storage Queue Data Contributor), tables
// and blobs for its own stores.
var storageRoles = [roles.storageBlobDataOwner, roles.storageQueueDataContributor, roles.storageTableDataContributor]

resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in storageRoles: {
  name: guid(storage.id, identity.id, role)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}]

// Send only, and only to the order-events topic.
resource serviceBusRoleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(orderEventsTopic.id, identity.id, roles.serviceBusDataSender)
  scope: orderEventsTopic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource keyVaultRoleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, identity.id, roles.keyVaultSecretsUser)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource appInsightsRoleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The Function app: Flex Consumption, Linux, .NET isolated worker
// ---------------------------------------------------------------------------------------------------------------

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${resourceToken}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

var keyVaultReference = '@Microsoft.KeyVault(VaultName=${keyVault.name};SecretName='

// Every setting the app and its trigger bindings read. Connections are identity-based: `{Connection}__...` names the
// service, `__credential`/`__clientId` pick the user-assigned identity (Functions host), AZURE_CLIENT_ID does the same
// for the app's DefaultAzureCredential. No FUNCTIONS_WORKER_RUNTIME: Flex Consumption takes the worker from
// functionAppConfig.runtime. tests/OrderOps.Functions.Tests/Infrastructure checks this list against the functions'
// bindings and local.settings.sample.json.
var appSettings = [
  { name: 'AzureWebJobsStorage__accountName', value: storage.name }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
  { name: 'Storage__Backend', value: 'Azure' }
  { name: 'CosmosDb__DatabaseName', value: databaseName }
  { name: 'CosmosDbConnection__accountEndpoint', value: cosmos.properties.documentEndpoint }
  { name: 'CosmosDbConnection__credential', value: 'managedidentity' }
  { name: 'CosmosDbConnection__clientId', value: identity.properties.clientId }
  { name: 'StorageConnection__blobServiceUri', value: storage.properties.primaryEndpoints.blob }
  { name: 'StorageConnection__queueServiceUri', value: storage.properties.primaryEndpoints.queue }
  { name: 'StorageConnection__tableServiceUri', value: storage.properties.primaryEndpoints.table }
  { name: 'StorageConnection__credential', value: 'managedidentity' }
  { name: 'StorageConnection__clientId', value: identity.properties.clientId }
  { name: 'Channels__Shopify__WebhookSecret', value: '${keyVaultReference}${shopifySecret.name})' }
  { name: 'Channels__Shopify__PreviousWebhookSecret', value: empty(shopifyPreviousWebhookSecret) ? '' : '${keyVaultReference}shopify-previous-webhook-secret)' }
  { name: 'Channels__Amazon__PollSchedule', value: amazonPollSchedule }
  { name: 'Channels__Edi__InterchangeReceiverId', value: ediInterchangeReceiverId }
  { name: 'Channels__Edi__InventoryAdviceSchedule', value: ediInventoryAdviceSchedule }
  { name: 'Channels__Shopify__AdminAccessToken', value: shopifyAdminAccessToken }
  { name: 'Inventory__FanOut__ReconcileSchedule', value: inventoryReconcileSchedule }
  { name: 'Events__Delivery__SweepSchedule', value: eventSweepSchedule }
  // The host name only (the SDK wants `<name>.servicebus.windows.net`, the endpoint property is a URL).
  { name: 'ServiceBusConnection__fullyQualifiedNamespace', value: split(split(serviceBus.properties.serviceBusEndpoint, '//')[1], ':')[0] }
  { name: 'Channels__Amazon__ClientId', value: amazonClientId }
  { name: 'Channels__Amazon__ClientSecret', value: empty(amazonClientSecret) ? '' : '${keyVaultReference}amazon-client-secret)' }
]

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-${resourceToken}'
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: appSettings
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
  }
  dependsOn: [
    blobContainers
    queues
    tables
    storageRoleAssignments
    keyVaultRoleAssignment
    appInsightsRoleAssignment
    cosmosDataContributor
    serviceBusRoleAssignment
  ]
}

output functionAppName string = functionApp.name
output storageEventsTopicName string = storageEvents.name
output functionAppUrl string = 'https://${functionApp.properties.defaultHostName}'
