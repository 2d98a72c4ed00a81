/**
 * infra/azure.bicep against the code: the template parses (tree-sitter-bicep,
 * offline: Bicep itself cannot be compiled here), every app setting it sets is
 * a variable the code reads, and the settings it sets are enough for the code's
 * production start-up checks (loadConfig and sharePointSettings run on them).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Node } from 'web-tree-sitter';
import { loadConfig } from '../../src/config';
import { sharePointSettings } from '../../src/adapters/sharepoint/settings';
import { REMINDERS_PATH } from '../../src/reminder-triggers';

import { BICEP, ROOT, useBicepTree } from './bicep-tree';

const PARAMETERS = path.join(ROOT, 'infra', 'azure.parameters.json');

/** Read by App Service (Oryx, the deployment build), not by the bot. */
const PLATFORM_SETTINGS = ['SCM_DO_BUILD_DURING_DEPLOYMENT', 'CUSTOM_BUILD_COMMAND'];

/** Stand-ins for the settings whose value is an expression (a parameter, a resource property, a Key Vault reference). */
const SAMPLE_VALUES: Record<string, string> = {
  MicrosoftAppId: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
  MicrosoftAppTenantId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  AZURE_CLIENT_ID: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
  APPROVERS: 'approver@contoso.example',
  SECOND_STAGE_APPROVERS: 'second@contoso.example',
  REGISTER_OWNERS: 'owners@contoso.example',
  APPROVAL_ROUTE: 'config',
  SIGNIFICANT_FUNDING_THRESHOLD: '50000',
  REVIEW_INTERVAL_MONTHS: '12',
  ORGANISATION_NAME: 'Contoso',
  SHAREPOINT_SITE_URL: 'https://contoso.sharepoint.com/sites/partnerships',
  REGISTER_RECORD_KEY: 'k'.repeat(64),
  REMINDERS_KEY: 'r'.repeat(64),
  AZURE_STORAGE_ACCOUNT_URL: 'https://stexample.table.core.windows.net/',
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
};

const bicep = useBicepTree();

function syntaxErrors(root: Node): string[] {
  const found: string[] = [];
  const visit = (node: Node): void => {
    if (node.type === 'ERROR' || node.isMissing) {
      found.push(`line ${node.startPosition.row + 1}: ${node.isMissing ? `missing ${node.type}` : node.text.slice(0, 60)}`);
    }
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return found;
}

function propertyKey(property: Node): string {
  return property.child(0)!.text.replace(/^'|'$/g, '');
}

function propertyValue(property: Node): Node {
  return property.namedChildren[property.namedChildren.length - 1]!;
}

/** The first string literal's text, or undefined for an expression (interpolated strings count as expressions). */
function literal(node: Node): string | undefined {
  if (node.type !== 'string') return undefined;
  if (node.namedChildren.some((c) => c?.type === 'interpolation')) return undefined;
  return node.text.slice(1, -1);
}

interface AppSetting {
  name: string;
  literal?: string;
}

/** Every `{ name: ..., value: ... }` of every `appSettings: [...]` in the template. */
function appSettings(root: Node): AppSetting[] {
  const arrays = root
    .descendantsOfType('object_property')
    .filter((p): p is Node => p !== null && propertyKey(p) === 'appSettings')
    .map(propertyValue);
  const settings: AppSetting[] = [];
  for (const array of arrays) {
    expect(array.type).toBe('array');
    for (const item of array.namedChildren) {
      if (!item || item.type === 'comment') continue;
      expect(item.type).toBe('object');
      const props = new Map(item.namedChildren.filter((c): c is Node => c?.type === 'object_property').map((p) => [propertyKey(p), propertyValue(p)]));
      const name = literal(props.get('name')!);
      expect(name).toBeDefined();
      settings.push({ name: name!, literal: literal(props.get('value')!) });
    }
  }
  return settings;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

/**
 * The environment variables src/ reads: `env.X`, `env['X']`, `process.env.X`,
 * and a helper given the environment and a name (`integer(env, 'PORT', ...)`).
 */
function variablesReadBySource(): Set<string> {
  const patterns = [
    /\benv\??\.([A-Za-z_][A-Za-z0-9_]*)/g,
    /\benv\??\.?\[\s*['"`]([A-Za-z_][A-Za-z0-9_]*)['"`]\s*\]/g,
    /\(\s*env\s*,\s*['"`]([A-Za-z_][A-Za-z0-9_]*)['"`]/g,
  ];
  const names = new Set<string>();
  for (const file of sourceFiles(path.join(ROOT, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const pattern of patterns) for (const m of text.matchAll(pattern)) names.add(m[1]);
  }
  return names;
}

function parameterNames(root: Node): { all: string[]; withoutDefault: string[] } {
  const declarations = root.descendantsOfType('parameter_declaration').filter((d): d is Node => d !== null);
  const all = declarations.map((d) => d.namedChildren[0]!.text);
  // `param x type = default`: a default is a child after the type.
  const withoutDefault = declarations.filter((d) => d.namedChildren.length <= 2).map((d) => d.namedChildren[0]!.text);
  return { all, withoutDefault };
}

/** The environment an instance gets from the template: literals as written, expressions from SAMPLE_VALUES. */
function templateEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const setting of appSettings(bicep.tree.rootNode)) {
    const value = setting.literal ?? SAMPLE_VALUES[setting.name];
    if (value === undefined) throw new Error(`no sample value for ${setting.name}: add one to SAMPLE_VALUES`);
    env[setting.name] = value;
  }
  return env;
}

describe('infra/azure.bicep', () => {
  it('parses without syntax errors', () => {
    expect(syntaxErrors(bicep.tree.rootNode)).toEqual([]);
    expect(bicep.tree.rootNode.hasError).toBe(false);
  });

  it('the parser does report a broken template', () => {
    const broken = bicep.parser.parse("param x string\nresource a 'Microsoft.Web/sites@2023-12-01' = {\n  name: 'x'\n")!;
    try {
      expect(broken.rootNode.hasError).toBe(true);
    } finally {
      broken.delete();
    }
  });

  it('sets each app setting once', () => {
    const names = appSettings(bicep.tree.rootNode).map((s) => s.name);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('finds the variables src/ reads (the scan itself works)', () => {
    const read = variablesReadBySource();
    for (const known of ['NODE_ENV', 'PORT', 'MicrosoftAppId', 'APPROVERS', 'SHAREPOINT_SITE_URL', 'REGISTER_RECORD_KEY', 'AZURE_CLIENT_ID', 'SHAREPOINT_MAX_ATTEMPTS']) {
      expect(read).toContain(known);
    }
  });

  it('sets only variables the code reads (or App Service does)', () => {
    const read = variablesReadBySource();
    const unread = appSettings(bicep.tree.rootNode)
      .map((s) => s.name)
      .filter((n) => !read.has(n) && !PLATFORM_SETTINGS.includes(n));
    expect(unread).toEqual([]);
  });

  it('sets everything the production start-up checks require (they pass on exactly these settings)', () => {
    const env = templateEnv();
    expect(env.NODE_ENV).toBe('production');
    expect(env.MicrosoftAppType).toBe('UserAssignedMSI');
    expect(env.REGISTER_STORE).toBe('sharepoint');
    expect(env.SHAREPOINT_AUTH).toBe('managed-identity');

    const config = loadConfig(env);
    expect(config.production).toBe(true);
    expect(config.bot?.appType).toBe('UserAssignedMSI');
    expect(config.registerStore).toBe('sharepoint');
    const sharePoint = sharePointSettings(env);
    expect(sharePoint.auth).toBe('managed-identity');
    expect(sharePoint.clientId).toBe(env.AZURE_CLIENT_ID);

    // And the check is not vacuous: without a required setting, start-up refuses.
    for (const required of ['MicrosoftAppId', 'MicrosoftAppTenantId', 'APPROVERS']) {
      const { [required]: _dropped, ...without } = env;
      expect(() => loadConfig(without)).toThrow(required);
    }
    for (const required of ['SHAREPOINT_SITE_URL', 'REGISTER_RECORD_KEY']) {
      const { [required]: _dropped, ...without } = env;
      expect(() => sharePointSettings(without)).toThrow(required);
    }
  });

  it('shares the state between instances as the code expects: Tables through the identity, the register in SharePoint, telemetry on', () => {
    const config = loadConfig(templateEnv());
    expect(config.stateStore).toBe('azure');
    expect(config.appInsightsConnectionString).toBe(SAMPLE_VALUES.APPLICATIONINSIGHTS_CONNECTION_STRING);
    // One storage account per deployment: the default table prefix is enough (set AZURE_TABLES_PREFIX only to share an account).
    expect(templateEnv().AZURE_TABLES_PREFIX).toBeUndefined();
    // Not set, so the defaults hold: 10 s to finish turns on SIGTERM, 60 s leases.
    expect(config.shutdownGraceSeconds).toBe(10);
    expect(config.jobLeaseSeconds).toBe(60);
  });

  it('gives the reminder sweep one trigger in Azure: the Logic App calls the route the code serves, and no instance runs its own schedule', () => {
    const env = templateEnv();
    expect(env.REMINDER_SCHEDULE).toBe('off');
    const config = loadConfig(env);
    expect(config.reminders.schedule).toBeUndefined();
    expect(config.reminders.key).toBe(SAMPLE_VALUES.REMINDERS_KEY);
    // Without the setting every instance would sweep daily at 08:00 London time as well, whatever remindersHour says.
    const { REMINDER_SCHEDULE: _off, ...withoutIt } = env;
    expect(loadConfig(withoutIt).reminders.schedule).toBe('0 8 * * *');

    const text = fs.readFileSync(BICEP, 'utf8');
    expect(text).toContain(`uri: 'https://\${web.properties.defaultHostName}${REMINDERS_PATH}'`);
    // The header the Logic App sends is the one the route reads.
    const route = fs.readFileSync(path.join(ROOT, 'src', 'reminder-triggers.ts'), 'utf8');
    expect(route).toContain("req.headers['x-reminders-key']");
    expect(text).toMatch(/headers: \{ 'x-reminders-key': /);
    expect(route).toContain("=== 'respond-async'");
    // The Logic App never stands the sweep on another day (production refuses ?now=).
    expect(text).not.toMatch(/reminders\/run\?/);
  });

  it('keeps the secrets in Key Vault references, not in plain app settings', () => {
    const text = fs.readFileSync(BICEP, 'utf8');
    for (const name of ['REGISTER_RECORD_KEY', 'REMINDERS_KEY']) {
      expect(text).toMatch(new RegExp(`name: '${name}', value: '@Microsoft\\.KeyVault\\(SecretUri=`));
    }
  });

  it('infra/azure.parameters.json gives every parameter without a default, and only parameters the template declares', () => {
    const { all, withoutDefault } = parameterNames(bicep.tree.rootNode);
    const given = Object.keys(JSON.parse(fs.readFileSync(PARAMETERS, 'utf8')).parameters);
    expect(withoutDefault.filter((p) => !given.includes(p))).toEqual([]);
    expect(given.filter((p) => !all.includes(p))).toEqual([]);
  });
});
