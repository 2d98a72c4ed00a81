#!/usr/bin/env node
/**
 * `npm run package [-- <env>]`: builds the Teams app package
 * appPackage/build/appPackage.<env>.zip (manifest.json, color.png, outline.png)
 * with the `${{NAME}}` placeholders of appPackage/manifest.json filled from
 * env/.env.<env> (then env/.env.<env>.user if present; a process environment
 * variable of the same name wins, for CI), the way the Agents Toolkit's
 * teamsApp/zipAppPackage does, and validates the result offline against the
 * Teams schema bundled in @microsoft/app-manifest (a devDependency).
 *
 *   npm run package                  the `local` environment, from the committed
 *                                    env/.env.local: works on a clean clone
 *   npm run package -- dev           env/.env.dev (filled in by `atk provision`)
 *   node scripts/package-app.js [env] [--out-dir <dir>] [--env-dir <dir>] [--app-dir <dir>] [--no-validate]
 *
 * A placeholder with no value (or a malformed one) is refused, naming it; nothing
 * is written then. The zip is written by the minimal store-only writer below: no
 * zip library is a direct dependency of the project, and the package is three
 * small files.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { parseEnv } = require('util');
const zlib = require('zlib');

const ROOT = path.join(__dirname, '..');
const APP_PACKAGE_DIR = path.join(ROOT, 'appPackage');
const ENV_DIR = path.join(ROOT, 'env');
const DEFAULT_ENV = 'local';
const PACKAGE_FILES = ['manifest.json', 'color.png', 'outline.png'];
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HOST = /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*(:\d{1,5})?$/;

/** Format checks for the variables we know; others only need to be non-empty. */
const VARIABLE_FORMATS = {
  TEAMS_APP_ID: { test: (v) => GUID.test(v), hint: 'a GUID, e.g. 00000000-0000-0000-0000-000000000000' },
  BOT_ID: { test: (v) => GUID.test(v), hint: "the bot's Microsoft App ID (a GUID)" },
  BOT_DOMAIN: { test: (v) => HOST.test(v), hint: 'a host name without scheme or path, e.g. bot.example.org' },
};

class PackageError extends Error {}

/** CRC-32 of PNG chunks and ZIP entries: zlib has it since Node 20.15 (package.json needs 20.19+). */
function crc32(buf) {
  return zlib.crc32(buf) >>> 0;
}

// ---------------------------------------------------------------- ZIP (store only)

// A fixed timestamp keeps the package byte-for-byte reproducible: 2024-01-01 00:00:00.
const DOS_TIME = 0;
const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1;

/** @param {{name: string, data: Buffer}[]} entries */
function createZip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBuf = Buffer.from(name, 'utf8');
    const crc = crc32(data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); // local file header signature
    local.writeUInt16LE(10, 4); // version needed to extract (1.0)
    local.writeUInt16LE(0x0800, 6); // flags: UTF-8 names
    local.writeUInt16LE(0, 8); // method: stored
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18); // compressed size
    local.writeUInt32LE(data.length, 22); // uncompressed size
    local.writeUInt16LE(nameBuf.length, 26);
    local.writeUInt16LE(0, 28); // extra field length
    locals.push(local, nameBuf, data);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); // central directory header signature
    central.writeUInt16LE(20, 4); // version made by (2.0, MS-DOS)
    central.writeUInt16LE(10, 6); // version needed to extract
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt16LE(0, 30); // extra field length
    central.writeUInt16LE(0, 32); // comment length
    central.writeUInt16LE(0, 34); // disk number start
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE(0, 38); // external attributes
    central.writeUInt32LE(offset, 42); // offset of local header
    centrals.push(central, nameBuf);

    offset += local.length + nameBuf.length + data.length;
  }
  const centralDir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); // end of central directory signature
  end.writeUInt16LE(0, 4); // number of this disk
  end.writeUInt16LE(0, 6); // disk with the central directory
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDir.length, 12);
  end.writeUInt32LE(offset, 16);
  end.writeUInt16LE(0, 20); // comment length
  return Buffer.concat([...locals, centralDir, end]);
}

// ---------------------------------------------------------------- environment

/**
 * The variables of one environment: env/.env.<env>, then env/.env.<env>.user,
 * then the process environment (each later source wins for a name it sets).
 */
function loadEnvironment(envName, { envDir = ENV_DIR, processEnv = process.env } = {}) {
  if (!ENV_NAME.test(envName)) throw new PackageError(`"${envName}" is not an environment name (letters, digits, - and _)`);
  const file = path.join(envDir, `.env.${envName}`);
  if (!fs.existsSync(file)) {
    throw new PackageError(`No ${path.relative(process.cwd(), file) || file}: environment "${envName}" is not defined (copy env/.env.dev to start one)`);
  }
  const vars = { ...parseEnv(fs.readFileSync(file, 'utf8')) };
  const userFile = `${file}.user`;
  if (fs.existsSync(userFile)) Object.assign(vars, parseEnv(fs.readFileSync(userFile, 'utf8')));
  for (const name of Object.keys(vars)) if (processEnv[name] !== undefined && processEnv[name] !== '') vars[name] = processEnv[name];
  return { vars, file };
}

// ---------------------------------------------------------------- manifest

/** Replaces every ${{NAME}} with vars[NAME]; throws naming each missing or malformed variable. */
function substitutePlaceholders(text, vars, source = 'the environment') {
  const names = [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))];
  const problems = [];
  for (const name of names) {
    const value = (vars[name] ?? '').trim();
    if (!value) {
      problems.push(`${name} has no value in ${source} (${VARIABLE_FORMATS[name]?.hint ?? 'required by appPackage/manifest.json'})`);
    } else if (VARIABLE_FORMATS[name] && !VARIABLE_FORMATS[name].test(value)) {
      problems.push(`${name}="${value}" is not valid: expected ${VARIABLE_FORMATS[name].hint}`);
    }
  }
  if (problems.length > 0) {
    throw new PackageError(`Cannot build the Teams app package:\n  - ${problems.join('\n  - ')}`);
  }
  // JSON-escape the value so that it cannot break the document.
  return text.replace(PLACEHOLDER, (_, name) => JSON.stringify(vars[name].trim()).slice(1, -1));
}

/** Against the schema @microsoft/app-manifest bundles; any network access during it is an error. */
async function validateManifest(manifest) {
  let AppManifestUtils;
  try {
    ({ AppManifestUtils } = require('@microsoft/app-manifest'));
  } catch (err) {
    if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes("'@microsoft/app-manifest'")) {
      throw new PackageError('@microsoft/app-manifest (a devDependency) is not installed: run `npm install`, or pass --no-validate');
    }
    throw err;
  }
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input) => {
    throw new PackageError(`manifest validation tried to reach ${String(input)}: it must run offline`);
  };
  let errors;
  try {
    errors = await AppManifestUtils.validateAgainstSchema(manifest);
  } finally {
    globalThis.fetch = realFetch;
  }
  if (errors.length > 0) {
    throw new PackageError(`appPackage/manifest.json does not match its schema (v${manifest.manifestVersion}):\n  - ${errors.join('\n  - ')}`);
  }
}

function parseArgs(argv) {
  const options = { envName: undefined, outDir: path.join(APP_PACKAGE_DIR, 'build'), envDir: ENV_DIR, appDir: APP_PACKAGE_DIR, validate: true };
  const dirOption = { '--out-dir': 'outDir', '-o': 'outDir', '--env-dir': 'envDir', '--app-dir': 'appDir' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (dirOption[flag]) {
      const value = inline ?? argv[++i];
      if (!value) throw new PackageError(`${flag} needs a directory`);
      options[dirOption[flag]] = path.resolve(value);
    } else if (arg === '--no-validate') {
      options.validate = false;
    } else if (arg === '--help' || arg === '-h') {
      options.help = true;
    } else if (!arg.startsWith('-') && options.envName === undefined) {
      options.envName = arg;
    } else {
      throw new PackageError(`Unknown argument: ${arg}`);
    }
  }
  options.envName = options.envName ?? DEFAULT_ENV;
  return options;
}

async function buildPackage({ envName = DEFAULT_ENV, outDir, envDir = ENV_DIR, appDir = APP_PACKAGE_DIR, validate = true, processEnv = process.env }) {
  const { vars, file } = loadEnvironment(envName, { envDir, processEnv });
  const manifestText = substitutePlaceholders(fs.readFileSync(path.join(appDir, 'manifest.json'), 'utf8'), vars, path.relative(process.cwd(), file) || file);
  const manifest = JSON.parse(manifestText);
  if (validate) await validateManifest(manifest);

  const entries = PACKAGE_FILES.map((name) => ({
    name,
    data: name === 'manifest.json' ? Buffer.from(manifestText, 'utf8') : fs.readFileSync(path.join(appDir, name)),
  }));
  const dir = outDir ?? path.join(appDir, 'build');
  fs.mkdirSync(dir, { recursive: true });
  const zipPath = path.join(dir, `appPackage.${envName}.zip`);
  fs.writeFileSync(zipPath, createZip(entries));
  return zipPath;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    console.log('Usage: npm run package [-- <env>]   (node scripts/package-app.js [env] [--out-dir <dir>] [--env-dir <dir>] [--app-dir <dir>] [--no-validate])');
    return;
  }
  const zipPath = await buildPackage(options);
  console.log(`Teams app package (${options.envName}) written to ${path.relative(process.cwd(), zipPath) || zipPath}`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof PackageError ? err.message : err);
    process.exit(1);
  });
}

module.exports = { buildPackage, createZip, substitutePlaceholders, loadEnvironment, crc32 };
