// The Partnership Register bot in one resource group: a user-assigned managed
// identity (the bot's Microsoft App ID, its SharePoint and Graph identity, its
// Key Vault and Storage identity), a Linux App Service plan and Web App on
// Node 22 LTS, the Azure Bot (Teams channel only), Storage Tables for the state
// every instance shares, Key Vault for the two keys, Application Insights on a
// Log Analytics workspace, and a Logic App that runs the reminder sweep daily.
//
// Deployed by the Microsoft 365 Agents Toolkit (`arm/deploy` in m365agents.yml)
// with infra/azure.parameters.json; every output below is written to
// env/.env.<env> under its own name. test/infra/bicep-config.test.ts parses this
// file and checks that every app setting is a variable the code reads.

@maxLength(20)
@minLength(4)
@description('Prefix of every resource name (letters, digits and hyphens).')
param resourceBaseName string

@description('Location of every regional resource.')
param location string = resourceGroup().location

@description('Name shown for the bot in the Azure portal.')
param botDisplayName string = 'Partnership Register'

@allowed([ 'S1', 'S2', 'S3', 'P0v3', 'P1v3', 'P2v3', 'P3v3' ])
@description('App Service plan size. Autoscale needs Standard or above.')
param appServiceSku string = 'P0v3'

@minValue(1)
@maxValue(10)
@description('Instances the plan never goes below (2 or more for zero-downtime restarts).')
param minInstances int = 2

@minValue(1)
@maxValue(30)
@description('Instances autoscale may add up to.')
param maxInstances int = 4

@allowed([ 'Standard_LRS', 'Standard_ZRS', 'Standard_GZRS' ])
@description('Storage redundancy for the shared state (ZRS survives the loss of one zone; use LRS where a region has no zones).')
param storageSku string = 'Standard_ZRS'

@allowed([ 'F0', 'S1' ])
@description('Azure Bot pricing tier (Teams is a standard channel: F0 is enough).')
param botServiceSku string = 'F0'

@minLength(3)
@description('First-stage approvers: Entra object ids or emails, comma-separated (APPROVERS). Required: the bot refuses to start without them.')
param approvers string

@description('Second-stage approvers for significant partnerships; none may also be in approvers (SECOND_STAGE_APPROVERS).')
param secondStageApprovers string = ''

@description('The central team: told about unreachable approvers and altered records (REGISTER_OWNERS).')
param registerOwners string = ''

@allowed([ 'config', 'manager' ])
@description('config (approvers above) or manager (line manager from Microsoft Graph: grant User.Read.All).')
param approvalRoute string = 'config'

@minLength(1)
@description('The organisation, named in the SharePoint User-Agent (ORGANISATION_NAME).')
param organisationName string

@minLength(12)
@description('The SharePoint site holding the register, e.g. https://contoso.sharepoint.com/sites/partnerships.')
param sharePointSiteUrl string

@description('Funding at risk above which a partnership is significant (pounds).')
param significantFundingThreshold string = '50000'

@description('Months from approval to the next review.')
param reviewIntervalMonths string = '12'

@secure()
@minLength(32)
@description('Seals who may decide in each register item (REGISTER_RECORD_KEY). Kept in Key Vault.')
param registerRecordKey string

@secure()
@minLength(32)
@description('The key the reminder trigger sends in x-reminders-key (REMINDERS_KEY). Kept in Key Vault.')
param remindersKey string

@description('Time zone of the daily reminder sweep (Windows time zone id).')
param remindersTimeZone string = 'GMT Standard Time'

@minValue(1)
@maxValue(23)
@description('Hour of the daily reminder sweep, in remindersTimeZone. The sweep is for the UTC date at that moment: keep the hour on the same date in UTC (1 or later for GMT Standard Time).')
param remindersHour int = 8

var suffix = uniqueString(resourceGroup().id, resourceBaseName)
var tenantId = subscription().tenantId

// Built-in role definitions (ids are the same in every tenant).
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${resourceBaseName}-identity'
  location: location
}

// ---------------------------------------------------------------- monitoring

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${resourceBaseName}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${resourceBaseName}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

// ---------------------------------------------------------------- state

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'st${suffix}'
  location: location
  kind: 'StorageV2'
  sku: { name: storageSku }
  properties: {
    // No account keys: only Entra identities with a data role reach the tables.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tableDataRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', storageTableDataContributor)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---------------------------------------------------------------- secrets

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-${suffix}'
  location: location
  properties: {
    tenantId: tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
  }
}

resource recordKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'register-record-key'
  properties: { value: registerRecordKey }
}

resource remindersKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'reminders-key'
  properties: { value: remindersKey }
}

resource secretsUserRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---------------------------------------------------------------- compute

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${resourceBaseName}-plan'
  location: location
  kind: 'linux'
  sku: { name: appServiceSku, capacity: minInstances }
  properties: { reserved: true }
}

resource web 'Microsoft.Web/sites@2023-12-01' = {
  name: '${resourceBaseName}-app'
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  dependsOn: [ secretsUserRole, tableDataRole ]
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts'
      appCommandLine: 'node dist/src/server.js'
      alwaysOn: true
      healthCheckPath: '/healthz'
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        // The platform: Oryx installs the production dependencies on Linux with Node 22
        // (better-sqlite3 is native), not the build machine's node_modules.
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'true' }
        { name: 'CUSTOM_BUILD_COMMAND', value: 'npm ci --omit=dev' }
        // The bot (src/config.ts).
        { name: 'NODE_ENV', value: 'production' }
        { name: 'LOG_LEVEL', value: 'info' }
        // Not shared: instances keep nothing here once STATE_STORE=azure (and /home is shared by all).
        { name: 'DATA_DIR', value: '/tmp/partnership-register' }
        { name: 'MicrosoftAppId', value: identity.properties.clientId }
        { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
        { name: 'MicrosoftAppTenantId', value: tenantId }
        { name: 'APPROVERS', value: approvers }
        { name: 'SECOND_STAGE_APPROVERS', value: secondStageApprovers }
        { name: 'REGISTER_OWNERS', value: registerOwners }
        { name: 'APPROVAL_ROUTE', value: approvalRoute }
        { name: 'SIGNIFICANT_FUNDING_THRESHOLD', value: significantFundingThreshold }
        { name: 'REVIEW_INTERVAL_MONTHS', value: reviewIntervalMonths }
        { name: 'ORGANISATION_NAME', value: organisationName }
        // The register in SharePoint (src/adapters/sharepoint/settings.ts), reached as the managed identity.
        { name: 'REGISTER_STORE', value: 'sharepoint' }
        { name: 'SHAREPOINT_SITE_URL', value: sharePointSiteUrl }
        { name: 'SHAREPOINT_AUTH', value: 'managed-identity' }
        { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
        { name: 'REGISTER_RECORD_KEY', value: '@Microsoft.KeyVault(SecretUri=${recordKeySecret.properties.secretUri})' }
        // Shared state in Storage Tables, as the managed identity (no account key exists).
        { name: 'STATE_STORE', value: 'azure' }
        { name: 'AZURE_STORAGE_ACCOUNT_URL', value: storage.properties.primaryEndpoints.table }
        // The reminder sweep's key (POST /api/reminders/run, header x-reminders-key).
        { name: 'REMINDERS_KEY', value: '@Microsoft.KeyVault(SecretUri=${remindersKeySecret.properties.secretUri})' }
        // The Logic App below is the sweep's one trigger: no instance runs its own daily
        // schedule (it would ignore remindersHour/remindersTimeZone, and run once per instance).
        { name: 'REMINDER_SCHEDULE', value: 'off' }
        // Traces and logs through OpenTelemetry (@azure/monitor-opentelemetry).
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
      ]
    }
  }
}

// The bot's JSON logs (stdout), HTTP and platform logs to the workspace, next to the traces.
resource webDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: web
  properties: {
    workspaceId: workspace.id
    logs: [
      { category: 'AppServiceConsoleLogs', enabled: true }
      { category: 'AppServiceHTTPLogs', enabled: true }
      { category: 'AppServicePlatformLogs', enabled: true }
    ]
    metrics: [ { category: 'AllMetrics', enabled: true } ]
  }
}

resource autoscale 'Microsoft.Insights/autoscalesettings@2022-10-01' = {
  name: '${resourceBaseName}-autoscale'
  location: location
  properties: {
    enabled: true
    targetResourceUri: plan.id
    profiles: [
      {
        name: 'cpu'
        capacity: {
          minimum: string(minInstances)
          maximum: string(maxInstances)
          default: string(minInstances)
        }
        rules: [
          {
            metricTrigger: {
              metricName: 'CpuPercentage'
              metricResourceUri: plan.id
              timeGrain: 'PT1M'
              statistic: 'Average'
              timeWindow: 'PT10M'
              timeAggregation: 'Average'
              operator: 'GreaterThan'
              threshold: 70
            }
            scaleAction: { direction: 'Increase', type: 'ChangeCount', value: '1', cooldown: 'PT10M' }
          }
          {
            metricTrigger: {
              metricName: 'CpuPercentage'
              metricResourceUri: plan.id
              timeGrain: 'PT1M'
              statistic: 'Average'
              timeWindow: 'PT20M'
              timeAggregation: 'Average'
              operator: 'LessThan'
              threshold: 30
            }
            scaleAction: { direction: 'Decrease', type: 'ChangeCount', value: '1', cooldown: 'PT20M' }
          }
        ]
      }
    ]
  }
}

// ---------------------------------------------------------------- Teams

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: resourceBaseName
  location: 'global'
  kind: 'azurebot'
  sku: { name: botServiceSku }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${web.properties.defaultHostName}/api/messages'
    msaAppId: identity.properties.clientId
    msaAppMSIResourceId: identity.id
    msaAppTenantId: tenantId
    msaAppType: 'UserAssignedMSI'
    disableLocalAuth: true
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
  }
}

// ---------------------------------------------------------------- reminders

// Daily at remindersHour:00 (GMT Standard Time follows UK summer time): read the
// key from Key Vault as the managed identity, then POST the sweep. Both steps'
// data are marked secure so the key never appears in the run history.
resource remindersTrigger 'Microsoft.Logic/workflows@2019-05-01' = {
  name: '${resourceBaseName}-reminders'
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  dependsOn: [ secretsUserRole ]
  properties: {
    state: 'Enabled'
    definition: {
      '$schema': 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#'
      contentVersion: '1.0.0.0'
      triggers: {
        Daily: {
          type: 'Recurrence'
          recurrence: {
            frequency: 'Day'
            interval: 1
            startTime: '2026-01-01T00:00:00'
            timeZone: remindersTimeZone
            schedule: { hours: [ remindersHour ], minutes: [ 0 ] }
          }
        }
      }
      actions: {
        Get_reminders_key: {
          type: 'Http'
          inputs: {
            method: 'GET'
            uri: '${vault.properties.vaultUri}secrets/${remindersKeySecret.name}?api-version=7.4'
            authentication: {
              type: 'ManagedServiceIdentity'
              identity: identity.id
              audience: 'https://vault.azure.net'
            }
          }
          runtimeConfiguration: { secureData: { properties: [ 'inputs', 'outputs' ] } }
        }
        Run_reminders: {
          type: 'Http'
          runAfter: { Get_reminders_key: [ 'Succeeded' ] }
          inputs: {
            method: 'POST'
            uri: 'https://${web.properties.defaultHostName}/api/reminders/run'
            // respond-async: 202 once the day's reminders are enqueued; the instances'
            // job workers send them, so the call never meets the action's 2-minute limit.
            headers: { 'x-reminders-key': '@{body(\'Get_reminders_key\')?[\'value\']}', Prefer: 'respond-async' }
            retryPolicy: { type: 'exponential', count: 4, interval: 'PT1M' }
          }
          runtimeConfiguration: { secureData: { properties: [ 'inputs' ] } }
        }
      }
    }
  }
}

// Each sweep run (and a failed one) in the workspace: alert on `WorkflowRuntime` failures.
resource remindersDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: remindersTrigger
  properties: {
    workspaceId: workspace.id
    logs: [ { category: 'WorkflowRuntime', enabled: true } ]
  }
}

// Written by the Agents Toolkit to env/.env.<env> under these names.
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = tenantId
output BOT_DOMAIN string = web.properties.defaultHostName
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = web.id
output AZURE_STORAGE_ACCOUNT_URL string = storage.properties.primaryEndpoints.table
output KEY_VAULT_NAME string = vault.name
output REMINDERS_TRIGGER_NAME string = remindersTrigger.name
