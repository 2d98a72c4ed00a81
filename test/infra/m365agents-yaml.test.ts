/**
 * The Microsoft 365 Agents Toolkit project files against the Toolkit's published
 * JSON schema (vendored: infra/schemas/, see its README for source and version),
 * with ajv 8, offline. Also: the files name only files that exist, the env files
 * hold no secrets, and `${{VAR}}` references resolve to a variable an env file
 * declares or a step writes.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

const ROOT = path.join(__dirname, '..', '..');
const SCHEMA = path.join(ROOT, 'infra', 'schemas', 'm365agents.yaml.schema.v1.13.json');
const FILES = ['m365agents.yml', 'm365agents.local.yml', 'm365agents.playground.yml'];

type Step = { uses: string; with?: Record<string, unknown>; env?: Record<string, string>; writeToEnvironmentFile?: Record<string, string> };
type Project = { version: string; environmentFolderPath: string; provision?: Step[]; deploy?: Step[]; publish?: Step[] };

function load(file: string): Project {
  return parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as Project;
}

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')));
}

function steps(project: Project): Step[] {
  return [...(project.provision ?? []), ...(project.deploy ?? []), ...(project.publish ?? [])];
}

function envFile(name: string): Map<string, string> {
  const text = fs.readFileSync(path.join(ROOT, 'env', name), 'utf8');
  const vars = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (m) vars.set(m[1], m[2].trim());
  }
  return vars;
}

describe('Agents Toolkit project files', () => {
  const validate = validator();

  it.each(FILES)('%s matches the Toolkit schema v1.13', (file) => {
    const project = load(file);
    const valid = validate(project);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(project.version).toBe('v1.13');
    expect(fs.readFileSync(path.join(ROOT, file), 'utf8')).toMatch(/^# yaml-language-server: \$schema=https:\/\/aka\.ms\/m365-agents-toolkits\/v1\.13\/yaml\.schema\.json/);
  });

  it('the schema does refuse a wrong step (the check is not vacuous)', () => {
    const project = load('m365agents.yml');
    const unknownAction = { ...project, provision: [...project.provision!, { uses: 'teamsApp/teleport', with: {} }] };
    expect(validate(unknownAction)).toBe(false);
    const missingInput = { ...project, deploy: [{ uses: 'azureAppService/zipDeploy', with: { artifactFolder: '.' } }] };
    expect(validate(missingInput)).toBe(false);
    expect(validate({ ...project, version: 'v1.99' })).toBe(false);
  });

  it('m365agents.yml provisions in order: keys, Teams app, Bicep, manifest checked, zipped, package checked, uploaded', () => {
    const project = load('m365agents.yml');
    expect(project.provision!.map((s) => s.uses)).toEqual([
      'script',
      'teamsApp/create',
      'arm/deploy',
      'teamsApp/validateManifest',
      'teamsApp/zipAppPackage',
      'teamsApp/validateAppPackage',
      'teamsApp/update',
    ]);
    const arm = project.provision!.find((s) => s.uses === 'arm/deploy')!;
    expect(arm.with!.templates).toEqual([expect.objectContaining({ path: './infra/azure.bicep', parameters: './infra/azure.parameters.json' })]);
    expect(project.deploy!.map((s) => s.uses)).toEqual(['cli/runNpmCommand', 'cli/runNpmCommand', 'azureAppService/zipDeploy']);
    expect(project.deploy![1].with!.args).toBe('run build');
  });

  it.each(FILES)('%s names only files that exist', (file) => {
    for (const step of steps(load(file))) {
      const w = step.with ?? {};
      const paths = [w.manifestPath, w.ignoreFile, ...((w.templates as { path: string; parameters?: string }[] | undefined) ?? []).flatMap((t) => [t.path, t.parameters])];
      for (const p of paths.filter((x): x is string => typeof x === 'string')) expect(fs.existsSync(path.join(ROOT, p))).toBe(true);
      if (step.uses === 'script') {
        const script = /node (\S+)/.exec(String(w.run))?.[1];
        expect(script && fs.existsSync(path.join(ROOT, script))).toBeTruthy();
      }
    }
  });

  it.each([
    ['m365agents.yml', '.env.dev', ['infra/azure.parameters.json']],
    ['m365agents.local.yml', '.env.local', []],
    ['m365agents.playground.yml', '.env.playground', []],
  ])('every ${{VAR}} in %s (and what it deploys) is declared in env/%s or written by a step', (file, envName, more) => {
    const declared = new Set([...envFile(envName).keys(), 'TEAMSFX_ENV', 'SECRET_REGISTER_RECORD_KEY', 'SECRET_REMINDERS_KEY', 'RESOURCE_SUFFIX']);
    for (const step of steps(load(file))) for (const name of Object.values(step.writeToEnvironmentFile ?? {})) declared.add(name);
    const text = [file, ...more].map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8')).join('\n');
    const used = [...new Set([...text.matchAll(/\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]))];
    expect(used.filter((n) => !declared.has(n))).toEqual([]);
  });

  it('the committed env files hold no secrets, and the .user files are git-ignored', () => {
    for (const name of fs.readdirSync(path.join(ROOT, 'env'))) {
      expect(name).not.toMatch(/\.user$/);
      for (const [key, value] of envFile(name)) {
        if (key.startsWith('SECRET_') || /PASSWORD|KEY$/.test(key)) expect(value).toBe('');
      }
    }
    const ignore = fs.readFileSync(path.join(ROOT, '.gitignore'), 'utf8').split(/\r?\n/);
    expect(ignore).toEqual(expect.arrayContaining(['env/.env.*.user', '.localConfigs']));
  });
});
