/**
 * The Teams app package: manifest schema (validated offline), icons, and the
 * zip built by `npm run package` (scripts/package-app.js).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as util from 'util';
import * as zlib from 'zlib';
import { AppManifestUtils } from '@microsoft/app-manifest';

// @microsoft/app-manifest requires strip-bom 5, which is ESM only; jest on Node 20
// cannot require ESM, and the validation below never reads a file, so a CommonJS
// stand-in is enough. (Plain Node 20.19+ loads the real one: see package-app.js.)
jest.mock('strip-bom', () => ({
  __esModule: true,
  default: (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text),
}));

const ROOT = path.join(__dirname, '..', '..');
const APP_PACKAGE = path.join(ROOT, 'appPackage');
const PACKAGE_SCRIPT = path.join(ROOT, 'scripts', 'package-app.js');

const SAMPLE_ENV = {
  TEAMS_APP_ID: '3f9c1c52-6a0e-4d7b-9b1e-2c4a8f0d5e61',
  BOT_ID: 'b7e2d4a9-1c3f-4e5a-8d6b-0f2e9a7c4b13',
  BOT_DOMAIN: 'partnership-bot.example.org',
};

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

function readManifestText(): string {
  return fs.readFileSync(path.join(APP_PACKAGE, 'manifest.json'), 'utf8');
}

function substitute(text: string, env: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    if (!(name in env)) throw new Error(`test has no sample value for ${name}`);
    return env[name];
  });
}

interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
}

function readPngHeader(file: string): PngHeader {
  const buf = fs.readFileSync(file);
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  // The first chunk must be IHDR (length 13).
  expect(buf.readUInt32BE(8)).toBe(13);
  expect(buf.toString('ascii', 12, 16)).toBe('IHDR');
  return {
    width: buf.readUInt32BE(16),
    height: buf.readUInt32BE(20),
    bitDepth: buf[24],
    colourType: buf[25],
  };
}

interface ZipEntry {
  name: string;
  data: Buffer;
}

/** Reads a zip's central directory; supports stored and deflated entries, checks CRCs. */
function readZip(buf: Buffer): ZipEntry[] {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(eocd).toBeGreaterThanOrEqual(0);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    expect(buf.readUInt32LE(p)).toBe(0x02014b50);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compressedSize = buf.readUInt32LE(p + 20);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLength);

    expect(buf.readUInt32LE(localOffset)).toBe(0x04034b50);
    const localNameLength = buf.readUInt16LE(localOffset + 26);
    const localExtraLength = buf.readUInt16LE(localOffset + 28);
    const start = localOffset + 30 + localNameLength + localExtraLength;
    const raw = buf.subarray(start, start + compressedSize);
    const data = method === 0 ? Buffer.from(raw) : zlib.inflateRawSync(raw);
    expect(zlib.crc32(data) >>> 0).toBe(crc);
    entries.push({ name, data });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

describe('appPackage/manifest.json', () => {
  const manifestText = readManifestText();
  const manifest = JSON.parse(substitute(manifestText, SAMPLE_ENV));

  it('uses only the placeholders package-app.js substitutes', () => {
    const names = new Set([...manifestText.matchAll(PLACEHOLDER)].map((m) => m[1]));
    expect([...names].sort()).toEqual(['BOT_DOMAIN', 'BOT_ID', 'TEAMS_APP_ID']);
  });

  it('declares a $schema that matches its manifestVersion', () => {
    expect(manifest.$schema).toBe(
      `https://developer.microsoft.com/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`,
    );
  });

  it('validates against the bundled Teams schema without touching the network', async () => {
    // The schema must come from @microsoft/app-manifest's bundled copy: fail if anything fetches.
    const fetchSpy = jest.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
      throw new Error(`unexpected network access to ${String(input)}`);
    });
    try {
      const bundled = path.join(
        path.dirname(require.resolve('@microsoft/app-manifest')),
        'json-schemas',
        'teams',
        `v${manifest.manifestVersion}`,
        'MicrosoftTeams.schema.json',
      );
      expect(fs.existsSync(bundled)).toBe(true);

      const errors = await AppManifestUtils.validateAgainstSchema(manifest);
      expect(errors).toEqual([]);
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
    }
  });

  it('the offline validation does catch schema errors', async () => {
    const broken = { ...manifest, bots: [{ ...manifest.bots[0], botId: 'not-a-guid', scopes: ['everywhere'] }] };
    const errors = await AppManifestUtils.validateAgainstSchema(broken);
    expect(errors.some((e) => e.startsWith('/bots/0/botId'))).toBe(true);
    expect(errors.some((e) => e.startsWith('/bots/0/scopes/0'))).toBe(true);
  });

  it('keeps the names and descriptions within the Teams limits', () => {
    expect(manifest.name.short).toBe('Partnership Register');
    expect(manifest.name.short.length).toBeLessThanOrEqual(30);
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    expect(manifest.description.full.length).toBeLessThanOrEqual(4000);
  });

  it('has one personal-scope conversational bot with the expected commands', () => {
    expect(manifest.bots).toHaveLength(1);
    const [bot] = manifest.bots;
    expect(bot.botId).toBe(SAMPLE_ENV.BOT_ID);
    expect(bot.scopes).toEqual(['personal']);
    expect(bot.supportsFiles).toBe(false);
    expect(bot.isNotificationOnly).toBe(false);

    const personal = bot.commandLists.find((list: { scopes: string[] }) => list.scopes.includes('personal'));
    expect(personal).toBeDefined();
    const titles = personal.commands.map((c: { title: string }) => c.title);
    expect(titles).toEqual(expect.arrayContaining(['register', 'check', 'my partnerships', 'help']));
    expect(titles).toContain('pending approvals');
  });

  it('declares the web application info needed for proactive installation', () => {
    expect(manifest.id).toBe(SAMPLE_ENV.TEAMS_APP_ID);
    expect(manifest.webApplicationInfo).toEqual({
      id: SAMPLE_ENV.BOT_ID,
      resource: `api://botid-${SAMPLE_ENV.BOT_ID}`,
    });
    expect(manifest.validDomains).toEqual([SAMPLE_ENV.BOT_DOMAIN]);
    expect(manifest.permissions).toEqual(['identity', 'messageTeamMembers']);
  });
});

describe('app icons', () => {
  it('color.png is a 192x192 PNG', () => {
    const header = readPngHeader(path.join(APP_PACKAGE, 'color.png'));
    expect([header.width, header.height]).toEqual([192, 192]);
  });

  it('outline.png is a 32x32 PNG with an alpha channel', () => {
    const header = readPngHeader(path.join(APP_PACKAGE, 'outline.png'));
    expect([header.width, header.height]).toEqual([32, 32]);
    // Colour type 4 (grey + alpha) or 6 (RGBA).
    expect([4, 6]).toContain(header.colourType);
  });

  it('are the files the manifest refers to', () => {
    const manifest = JSON.parse(readManifestText());
    expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
  });
});

describe('npm run package (scripts/package-app.js)', () => {
  let outDir: string;
  let envDir: string;

  beforeEach(() => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-package-'));
    envDir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-package-env-'));
  });

  afterEach(() => {
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.rmSync(envDir, { recursive: true, force: true });
  });

  /** The process environment without the manifest's variables (they would win over the env file). */
  function cleanEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(SAMPLE_ENV)) delete env[name];
    return env;
  }

  function writeEnvFile(envName: string, vars: Record<string, string>): void {
    const lines = Object.entries(vars).map(([name, value]) => `${name}=${value}`);
    fs.writeFileSync(path.join(envDir, `.env.${envName}`), `# test\n${lines.join('\n')}\n`);
  }

  function run(args: string[], env: NodeJS.ProcessEnv = cleanEnv()) {
    return spawnSync(process.execPath, [PACKAGE_SCRIPT, ...args], { env, encoding: 'utf8', cwd: ROOT });
  }

  function zipManifestAndIcons(zipPath: string): Map<string, Buffer> {
    const entries = readZip(fs.readFileSync(zipPath));
    expect(entries.map((e) => e.name).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const byName = new Map(entries.map((e) => [e.name, e.data]));
    expect(byName.get('color.png')).toEqual(fs.readFileSync(path.join(APP_PACKAGE, 'color.png')));
    expect(byName.get('outline.png')).toEqual(fs.readFileSync(path.join(APP_PACKAGE, 'outline.png')));
    return byName;
  }

  it('with no arguments builds appPackage.local.zip from the committed env/.env.local, and it validates', async () => {
    const result = run(['--out-dir', outDir]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);

    const byName = zipManifestAndIcons(path.join(outDir, 'appPackage.local.zip'));
    const manifestText = byName.get('manifest.json')!.toString('utf8');
    expect(manifestText).not.toMatch(/\$\{\{/);
    const local = util.parseEnv(fs.readFileSync(path.join(ROOT, 'env', '.env.local'), 'utf8'));
    const manifest = JSON.parse(manifestText);
    expect(manifest.id).toBe(local.TEAMS_APP_ID);
    expect(manifest.bots[0].botId).toBe(local.BOT_ID);
    expect(manifest.validDomains).toEqual([local.BOT_DOMAIN]);
    expect(await AppManifestUtils.validateAgainstSchema(manifest)).toEqual([]);
  });

  it('builds another environment from env/.env.<env>, placeholders substituted', () => {
    writeEnvFile('dev', SAMPLE_ENV);
    const result = run(['dev', '--env-dir', envDir, '--out-dir', outDir]);
    expect(result.status).toBe(0);
    const byName = zipManifestAndIcons(path.join(outDir, 'appPackage.dev.zip'));
    expect(byName.get('manifest.json')!.toString('utf8')).toBe(substitute(readManifestText(), SAMPLE_ENV));
  });

  it('takes secrets-file values (.env.<env>.user) and, for CI, a process environment variable over the file', () => {
    writeEnvFile('dev', { ...SAMPLE_ENV, BOT_DOMAIN: '' });
    fs.writeFileSync(path.join(envDir, '.env.dev.user'), 'BOT_DOMAIN=from-user-file.example.org\n');
    const override = 'ci-override.example.org';
    expect(run(['dev', '--env-dir', envDir, '--out-dir', outDir]).status).toBe(0);
    const fromUser = readZip(fs.readFileSync(path.join(outDir, 'appPackage.dev.zip'))).find((e) => e.name === 'manifest.json')!;
    expect(JSON.parse(fromUser.data.toString('utf8')).validDomains).toEqual(['from-user-file.example.org']);

    expect(run(['dev', '--env-dir', envDir, '--out-dir', outDir], { ...cleanEnv(), BOT_DOMAIN: override }).status).toBe(0);
    const fromEnv = readZip(fs.readFileSync(path.join(outDir, 'appPackage.dev.zip'))).find((e) => e.name === 'manifest.json')!;
    expect(JSON.parse(fromEnv.data.toString('utf8')).validDomains).toEqual([override]);
  });

  it('refuses a placeholder with no value, naming it, and writes nothing', () => {
    writeEnvFile('dev', { ...SAMPLE_ENV, BOT_DOMAIN: '' });
    const result = run(['dev', '--env-dir', envDir, '--out-dir', outDir]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('BOT_DOMAIN has no value');
    expect(result.stderr).not.toContain('BOT_ID has');
    expect(fs.existsSync(path.join(outDir, 'appPackage.dev.zip'))).toBe(false);
  });

  it('refuses a malformed value', () => {
    writeEnvFile('dev', { ...SAMPLE_ENV, BOT_ID: 'not-a-guid' });
    const result = run(['dev', '--env-dir', envDir, '--out-dir', outDir]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/BOT_ID="not-a-guid" is not valid/);
  });

  it('refuses an environment with no env file, naming the file', () => {
    const result = run(['prod', '--env-dir', envDir, '--out-dir', outDir]);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('.env.prod');
    expect(fs.readdirSync(outDir)).toEqual([]);
  });

  it('refuses a manifest that does not match the Teams schema', () => {
    const appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-package-src-'));
    try {
      for (const name of ['color.png', 'outline.png']) fs.copyFileSync(path.join(APP_PACKAGE, name), path.join(appDir, name));
      fs.writeFileSync(path.join(appDir, 'manifest.json'), readManifestText().replace('"scopes": ["personal"],', '"scopes": ["everywhere"],'));
      writeEnvFile('dev', SAMPLE_ENV);
      const result = run(['dev', '--env-dir', envDir, '--app-dir', appDir, '--out-dir', outDir]);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('/bots/0/scopes/0');
      expect(fs.readdirSync(outDir)).toEqual([]);
    } finally {
      fs.rmSync(appDir, { recursive: true, force: true });
    }
  });

  it('every placeholder has a value in env/.env.local and is declared in env/.env.dev (provision fills it)', () => {
    const names = [...new Set([...readManifestText().matchAll(PLACEHOLDER)].map((m) => m[1]))];
    const local = util.parseEnv(fs.readFileSync(path.join(ROOT, 'env', '.env.local'), 'utf8'));
    const dev = util.parseEnv(fs.readFileSync(path.join(ROOT, 'env', '.env.dev'), 'utf8'));
    for (const name of names) {
      expect(local[name]).toBeTruthy();
      expect(Object.keys(dev)).toContain(name);
    }
  });
});
