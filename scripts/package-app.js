#!/usr/bin/env node
/**
 * Builds the Teams app package (a zip with manifest.json, color.png, outline.png)
 * from appPackage/, substituting the Teams Toolkit style placeholders
 * ${{TEAMS_APP_ID}}, ${{BOT_ID}} and ${{BOT_DOMAIN}} from environment variables.
 *
 *   TEAMS_APP_ID=<guid> BOT_ID=<guid> BOT_DOMAIN=<host> node scripts/package-app.js [--out-dir <dir>]
 *
 * Output: <out-dir>/appPackage.zip (default out-dir: appPackage/build, git-ignored).
 * When @microsoft/app-manifest (a devDependency) is installed, the substituted
 * manifest is also validated offline against its bundled schema.
 * No dependencies: the zip is written by a minimal store-only (uncompressed) writer.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const APP_PACKAGE_DIR = path.join(__dirname, '..', 'appPackage');
const PACKAGE_FILES = ['manifest.json', 'color.png', 'outline.png'];
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HOST = /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*(:\d{1,5})?$/;

/** Format checks for the variables we know; others only need to be non-empty. */
const VARIABLE_FORMATS = {
  TEAMS_APP_ID: { test: (v) => GUID.test(v), hint: 'a GUID, e.g. 00000000-0000-0000-0000-000000000000' },
  BOT_ID: { test: (v) => GUID.test(v), hint: 'the bot\'s Microsoft App ID (a GUID)' },
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

// ---------------------------------------------------------------- manifest

/** Replaces every ${{NAME}} with env[NAME]; throws naming each missing or malformed variable. */
function substitutePlaceholders(text, env) {
  const names = [...new Set([...text.matchAll(/\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1]))];
  const problems = [];
  for (const name of names) {
    const value = (env[name] ?? '').trim();
    if (!value) {
      problems.push(`${name} is not set (${VARIABLE_FORMATS[name]?.hint ?? 'required by appPackage/manifest.json'})`);
    } else if (VARIABLE_FORMATS[name] && !VARIABLE_FORMATS[name].test(value)) {
      problems.push(`${name}="${value}" is not valid: expected ${VARIABLE_FORMATS[name].hint}`);
    }
  }
  if (problems.length > 0) {
    throw new PackageError(
      `Cannot build the Teams app package:\n  - ${problems.join('\n  - ')}\n` +
        'Set these environment variables and run again.',
    );
  }
  // JSON-escape the value so that it cannot break the document.
  return text.replace(/\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, name) =>
    JSON.stringify(env[name].trim()).slice(1, -1),
  );
}

async function validateManifest(manifest) {
  let AppManifestUtils;
  try {
    ({ AppManifestUtils } = require('@microsoft/app-manifest'));
  } catch (err) {
    if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes("'@microsoft/app-manifest'")) {
      console.warn('@microsoft/app-manifest (a devDependency) is not installed: skipping schema validation.');
      return;
    }
    throw err;
  }
  const errors = await AppManifestUtils.validateAgainstSchema(manifest);
  if (errors.length > 0) {
    throw new PackageError(`appPackage/manifest.json does not match its schema:\n  - ${errors.join('\n  - ')}`);
  }
}

function parseArgs(argv) {
  const options = { outDir: path.join(APP_PACKAGE_DIR, 'build'), validate: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out-dir' || arg === '-o') {
      if (!argv[i + 1]) throw new PackageError(`${arg} needs a directory`);
      options.outDir = path.resolve(argv[++i]);
    } else if (arg.startsWith('--out-dir=')) {
      options.outDir = path.resolve(arg.slice('--out-dir='.length));
    } else if (arg === '--no-validate') {
      options.validate = false;
    } else if (arg === '--help' || arg === '-h') {
      options.help = true;
    } else {
      throw new PackageError(`Unknown argument: ${arg}`);
    }
  }
  return options;
}

async function buildPackage({ outDir, validate = true, env = process.env, sourceDir = APP_PACKAGE_DIR }) {
  const manifestText = substitutePlaceholders(fs.readFileSync(path.join(sourceDir, 'manifest.json'), 'utf8'), env);
  const manifest = JSON.parse(manifestText);
  if (validate) await validateManifest(manifest);

  const entries = PACKAGE_FILES.map((name) => ({
    name,
    data: name === 'manifest.json' ? Buffer.from(manifestText, 'utf8') : fs.readFileSync(path.join(sourceDir, name)),
  }));
  fs.mkdirSync(outDir, { recursive: true });
  const zipPath = path.join(outDir, 'appPackage.zip');
  fs.writeFileSync(zipPath, createZip(entries));
  return zipPath;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    console.log(
      'Usage: TEAMS_APP_ID=<guid> BOT_ID=<guid> BOT_DOMAIN=<host> node scripts/package-app.js [--out-dir <dir>] [--no-validate]',
    );
    return;
  }
  const zipPath = await buildPackage(options);
  console.log(`Teams app package written to ${path.relative(process.cwd(), zipPath) || zipPath}`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof PackageError ? err.message : err);
    process.exit(1);
  });
}

module.exports = { buildPackage, createZip, substitutePlaceholders, crc32 };
