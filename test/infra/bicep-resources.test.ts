/**
 * What infra/azure.bicep must keep, read from its syntax tree (tree-sitter-bicep,
 * offline): each resource's type and the properties that make the deployment
 * safe and scalable (identity only, HTTPS only, no shared keys, Node 22, health
 * check, autoscale, Teams channel only, the daily reminder call with its key).
 */
import * as fs from 'fs';
import type { Node } from 'web-tree-sitter';
import { BICEP, useBicepTree } from './bicep-tree';

const bicep = useBicepTree();

interface Resource {
  symbol: string;
  type: string;
  body: Node;
}

function resources(): Resource[] {
  return bicep.tree.rootNode
    .descendantsOfType('resource_declaration')
    .filter((r): r is Node => r !== null)
    .map((r) => {
      const [symbol, type] = r.namedChildren;
      const body = r.namedChildren.find((c) => c?.type === 'object')!;
      return { symbol: symbol!.text, type: type!.text.slice(1, -1).replace(/@.*$/, ''), body };
    });
}

function ofType(type: string): Resource[] {
  return resources().filter((r) => r.type === type);
}

function only(type: string): Resource {
  const found = ofType(type);
  expect(found).toHaveLength(1);
  return found[0];
}

/** The text of every value under `key`, anywhere inside `node`. */
function values(node: Node, key: string): string[] {
  return node
    .descendantsOfType('object_property')
    .filter((p): p is Node => p !== null && p.child(0)!.text.replace(/^'|'$/g, '') === key)
    .map((p) => p.namedChildren[p.namedChildren.length - 1]!.text);
}

function value(node: Node, key: string): string {
  const found = values(node, key);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('infra/azure.bicep resources', () => {
  it('has one user-assigned identity, used by the Web App, the bot and the reminder trigger', () => {
    const identity = only('Microsoft.ManagedIdentity/userAssignedIdentities');
    const web = only('Microsoft.Web/sites');
    expect(value(web.body, 'type')).toBe("'UserAssigned'");
    expect(value(web.body, 'keyVaultReferenceIdentity')).toBe(`${identity.symbol}.id`);
    const bot = only('Microsoft.BotService/botServices');
    expect(value(bot.body, 'msaAppType')).toBe("'UserAssignedMSI'");
    expect(value(bot.body, 'msaAppId')).toBe(`${identity.symbol}.properties.clientId`);
    expect(value(bot.body, 'msaAppMSIResourceId')).toBe(`${identity.symbol}.id`);
    const logic = only('Microsoft.Logic/workflows');
    expect(values(logic.body, 'type')[0]).toBe("'UserAssigned'");
    expect(values(logic.body, 'identity')).toContain(`${identity.symbol}.id`);
  });

  it('runs a Linux Web App on Node 22 LTS: Always On, HTTPS only, health check /healthz, no affinity', () => {
    const plan = only('Microsoft.Web/serverfarms');
    expect(value(plan.body, 'reserved')).toBe('true');
    const web = only('Microsoft.Web/sites');
    expect(value(web.body, 'kind')).toBe("'app,linux'");
    expect(value(web.body, 'linuxFxVersion')).toBe("'NODE|22-lts'");
    expect(value(web.body, 'alwaysOn')).toBe('true');
    expect(value(web.body, 'httpsOnly')).toBe('true');
    expect(value(web.body, 'healthCheckPath')).toBe("'/healthz'");
    expect(value(web.body, 'clientAffinityEnabled')).toBe('false');
    expect(value(web.body, 'ftpsState')).toBe("'Disabled'");
    expect(value(web.body, 'appCommandLine')).toBe("'node dist/src/server.js'");
  });

  it('autoscales the plan out and back in on CPU', () => {
    const autoscale = only('Microsoft.Insights/autoscalesettings');
    const plan = only('Microsoft.Web/serverfarms');
    expect(value(autoscale.body, 'targetResourceUri')).toBe(`${plan.symbol}.id`);
    expect(values(autoscale.body, 'direction').sort()).toEqual(["'Decrease'", "'Increase'"]);
    expect(values(autoscale.body, 'metricName')).toEqual(["'CpuPercentage'", "'CpuPercentage'"]);
  });

  it('keeps the state in Storage Tables reachable by Entra identities only, the identity holding the table data role', () => {
    const storage = only('Microsoft.Storage/storageAccounts');
    expect(value(storage.body, 'allowSharedKeyAccess')).toBe('false');
    expect(value(storage.body, 'allowBlobPublicAccess')).toBe('false');
    expect(value(storage.body, 'minimumTlsVersion')).toBe("'TLS1_2'");
    expect(ofType('Microsoft.Storage/storageAccounts/tableServices')).toHaveLength(1);
    const roles = ofType('Microsoft.Authorization/roleAssignments');
    const tableRole = roles.find((r) => value(r.body, 'scope') === storage.symbol)!;
    expect(tableRole).toBeDefined();
    // Storage Table Data Contributor.
    expect(fs.readFileSync(BICEP, 'utf8')).toMatch(/storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'/);
    expect(value(tableRole.body, 'roleDefinitionId')).toContain('storageTableDataContributor');
  });

  it('keeps both keys in an RBAC Key Vault the identity can read secrets from', () => {
    const vault = only('Microsoft.KeyVault/vaults');
    expect(value(vault.body, 'enableRbacAuthorization')).toBe('true');
    const secrets = ofType('Microsoft.KeyVault/vaults/secrets').map((s) => value(s.body, 'name'));
    expect(secrets.sort()).toEqual(["'register-record-key'", "'reminders-key'"]);
    const vaultRole = ofType('Microsoft.Authorization/roleAssignments').find((r) => value(r.body, 'scope') === vault.symbol)!;
    expect(value(vaultRole.body, 'roleDefinitionId')).toContain('keyVaultSecretsUser');
    expect(fs.readFileSync(BICEP, 'utf8')).toMatch(/keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'/);
    // Secure parameters: never a default, never an output.
    const text = fs.readFileSync(BICEP, 'utf8');
    expect(text).toMatch(/@secure\(\)\n@minLength\(32\)\n@description\(.*\)\nparam registerRecordKey string\n/);
    expect(text).toMatch(/@secure\(\)\n@minLength\(32\)\n@description\(.*\)\nparam remindersKey string\n/);
    expect(bicep.tree.rootNode.descendantsOfType('output_declaration').map((o) => o!.text).join('\n')).not.toMatch(/Key\b|secret/i);
  });

  it('registers the bot with the Teams channel only, at the Web App /api/messages', () => {
    const channels = ofType('Microsoft.BotService/botServices/channels');
    expect(channels.map((c) => value(c.body, 'channelName'))).toEqual(["'MsTeamsChannel'"]);
    const web = only('Microsoft.Web/sites');
    expect(value(only('Microsoft.BotService/botServices').body, 'endpoint')).toBe(`'https://\${${web.symbol}.properties.defaultHostName}/api/messages'`);
  });

  it('sends traces to Application Insights on a Log Analytics workspace', () => {
    const workspace = only('Microsoft.OperationalInsights/workspaces');
    const insights = only('Microsoft.Insights/components');
    expect(value(insights.body, 'WorkspaceResourceId')).toBe(`${workspace.symbol}.id`);
  });

  it('calls POST /api/reminders/run daily at 08:00 GMT Standard Time with the key from Key Vault in x-reminders-key, answered on enqueue', () => {
    const logic = only('Microsoft.Logic/workflows');
    expect(value(logic.body, 'frequency')).toBe("'Day'");
    expect(values(logic.body, 'interval')[0]).toBe('1');
    expect(value(logic.body, 'hours')).toBe('[ remindersHour ]');
    expect(value(logic.body, 'minutes')).toBe('[ 0 ]');
    expect(value(logic.body, 'timeZone')).toBe('remindersTimeZone');
    const text = fs.readFileSync(BICEP, 'utf8');
    expect(text).toMatch(/param remindersTimeZone string = 'GMT Standard Time'/);
    expect(text).toMatch(/param remindersHour int = 8\n/);
    expect(values(logic.body, 'uri')).toEqual([
      "'${vault.properties.vaultUri}secrets/${remindersKeySecret.name}?api-version=7.4'",
      "'https://${web.properties.defaultHostName}/api/reminders/run'",
    ]);
    expect(values(logic.body, 'method')).toEqual(["'GET'", "'POST'"]);
    expect(value(logic.body, 'x-reminders-key')).toBe("'@{body(\\'Get_reminders_key\\')?[\\'value\\']}'");
    // Answered on enqueue (202), so a large sweep never outlasts the HTTP action's timeout.
    expect(value(logic.body, 'Prefer')).toBe("'respond-async'");
    expect(value(logic.body, 'audience')).toBe("'https://vault.azure.net'");
    // The key stays out of the run history.
    expect(values(logic.body, 'secureData')).toHaveLength(2);
  });
});
