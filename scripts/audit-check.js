#!/usr/bin/env node
/**
 * The dependency gate of CI: runs `npm audit --omit=dev --json` (what production
 * installs) and fails on any high or critical advisory that audit-allowlist.json
 * does not accept. Each accepted advisory there says why it is accepted or how it
 * is mitigated, and until when (`reviewBy`): past that date it counts as new.
 *
 *   node scripts/audit-check.js [--report <npm-audit.json>] [--allowlist <file>] [--if-unavailable=fail|warn]
 *
 * --report reads a saved report instead of running npm (tests, offline review).
 * When the advisory database cannot be reached (npm audit answers with an error
 * instead of a report), the gate fails, or with --if-unavailable=warn says so
 * loudly and passes. Exit codes: 0 passed, 1 new advisories, 2 audit unavailable,
 * 3 bad arguments or allowlist.
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const GATED = ['high', 'critical'];

class UsageError extends Error {}

function advisoryId(via) {
  const ghsa = /GHSA-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}/i.exec(String(via.url ?? ''));
  return ghsa ? ghsa[0] : String(via.source ?? via.url ?? via.title);
}

/** The advisories of an npm audit v2 report, one per (id, package). */
function advisoriesOf(report) {
  const found = new Map();
  for (const vulnerability of Object.values(report.vulnerabilities ?? {})) {
    for (const via of vulnerability.via ?? []) {
      if (typeof via !== 'object' || via === null) continue; // a package name: the advisory is listed under that package
      const id = advisoryId(via);
      const key = `${id} ${via.name}`;
      if (!found.has(key)) found.set(key, { id, package: via.name, severity: via.severity, title: via.title, url: via.url, range: via.range });
    }
  }
  return [...found.values()];
}

function readAllowlist(file) {
  const list = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(list.advisories)) throw new UsageError(`${file}: "advisories" must be a list`);
  for (const entry of list.advisories) {
    for (const field of ['id', 'package', 'reason', 'reviewBy']) {
      if (typeof entry[field] !== 'string' || entry[field].trim() === '') {
        throw new UsageError(`${file}: every advisory needs "${field}" (${JSON.stringify(entry).slice(0, 120)})`);
      }
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(entry.reviewBy)) throw new UsageError(`${file}: reviewBy of ${entry.id} must be YYYY-MM-DD`);
  }
  return list;
}

/**
 * Which high/critical advisories are new (not accepted, or accepted past their
 * review date), which are accepted, and which accepted entries no longer occur.
 */
function evaluate(report, allowlist, today) {
  const all = advisoriesOf(report);
  const gated = all.filter((a) => GATED.includes(a.severity));
  const accepted = [];
  const fresh = [];
  for (const advisory of gated) {
    const entry = allowlist.advisories.find((e) => e.id === advisory.id && e.package === advisory.package);
    if (entry && entry.reviewBy >= today) accepted.push({ advisory, entry });
    else fresh.push({ advisory, expired: entry ? entry.reviewBy : undefined });
  }
  const stale = allowlist.advisories.filter((e) => !all.some((a) => a.id === e.id && a.package === e.package));
  return { total: all.length, gated: gated.length, accepted, fresh, stale };
}

function runNpmAudit() {
  const result = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) return { unavailable: `could not run npm: ${result.error.message}` };
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    return { unavailable: `npm audit printed no report (exit ${result.status}): ${result.stderr.trim().split('\n').pop()}` };
  }
  return classify(report);
}

/** npm audit prints an error object, not a report, when the advisory endpoint fails. */
function classify(report) {
  if (report && typeof report === 'object' && report.vulnerabilities && report.metadata) return { report };
  const message = report?.message ?? report?.error?.summary ?? 'no vulnerabilities in its answer';
  return { unavailable: `npm audit could not reach the advisory database: ${message}` };
}

function parseArgs(argv) {
  const options = { allowlist: path.join(ROOT, 'audit-allowlist.json'), ifUnavailable: 'fail' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--report') options.report = argv[++i];
    else if (arg === '--allowlist') options.allowlist = argv[++i];
    else if (arg.startsWith('--if-unavailable=')) options.ifUnavailable = arg.slice('--if-unavailable='.length);
    else throw new UsageError(`Unknown argument: ${arg}`);
  }
  if (!['fail', 'warn'].includes(options.ifUnavailable)) throw new UsageError('--if-unavailable must be fail or warn');
  return options;
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const allowlist = readAllowlist(options.allowlist);
  const got = options.report ? classify(JSON.parse(fs.readFileSync(options.report, 'utf8'))) : runNpmAudit();
  if (got.unavailable) {
    if (options.ifUnavailable === 'warn') {
      console.log(`WARNING: dependency audit NOT done. ${got.unavailable}`);
      return 0;
    }
    console.error(`${got.unavailable}\n(--if-unavailable=warn lets CI pass without the audit where the registry offers no audit endpoint)`);
    return 2;
  }
  const today = new Date().toISOString().slice(0, 10);
  const result = evaluate(got.report, allowlist, today);
  const counts = got.report.metadata.vulnerabilities;
  console.log(`npm audit --omit=dev: ${counts.total} vulnerable packages (critical ${counts.critical}, high ${counts.high}, moderate ${counts.moderate}, low ${counts.low}); ${result.total} advisories`);
  for (const { advisory, entry } of result.accepted) {
    console.log(`  accepted until ${entry.reviewBy}: ${advisory.severity} ${advisory.id} in ${advisory.package} (${advisory.title}): ${entry.reason}`);
  }
  for (const entry of result.stale) console.log(`  no longer reported, remove from the allowlist: ${entry.id} in ${entry.package}`);
  if (result.fresh.length > 0) {
    console.error('New high or critical advisories (fix, or accept in audit-allowlist.json with a reason and a review date):');
    for (const { advisory, expired } of result.fresh) {
      console.error(`  ${advisory.severity} ${advisory.id} in ${advisory.package} ${advisory.range ?? ''}: ${advisory.title} ${advisory.url ?? ''}${expired ? ` (accepted until ${expired}: review it)` : ''}`);
    }
    return 1;
  }
  console.log('No new high or critical advisories.');
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main();
  } catch (err) {
    console.error(err instanceof UsageError ? err.message : err);
    process.exitCode = 3;
  }
}

module.exports = { advisoriesOf, evaluate, classify, readAllowlist };
