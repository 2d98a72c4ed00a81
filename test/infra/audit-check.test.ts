/**
 * scripts/audit-check.js, the CI dependency gate: npm audit v2 reports (the shape
 * `npm audit --json` prints) against an allowlist. The real `npm audit` needs the
 * registry's audit endpoint; these tests use saved reports (--report) only.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const { evaluate, classify, readAllowlist } = require('../../scripts/audit-check.js');

const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'scripts', 'audit-check.js');

function via(name: string, ghsa: string, severity: string) {
  return { source: 1, name, dependency: name, title: `${name} problem`, url: `https://github.com/advisories/${ghsa}`, severity, range: '<9.9.9' };
}

/** A report with one high advisory in axios (reached through botbuilder) and one moderate in cookie. */
function report() {
  return {
    auditReportVersion: 2,
    vulnerabilities: {
      axios: { name: 'axios', severity: 'high', isDirect: false, via: [via('axios', 'GHSA-aaaa-bbbb-cccc', 'high')], effects: ['botbuilder'], range: '<9.9.9', nodes: [], fixAvailable: false },
      botbuilder: { name: 'botbuilder', severity: 'high', isDirect: true, via: ['axios'], effects: [], range: '*', nodes: [], fixAvailable: false },
      cookie: { name: 'cookie', severity: 'moderate', isDirect: false, via: [via('cookie', 'GHSA-dddd-eeee-ffff', 'moderate')], effects: [], range: '<1', nodes: [], fixAvailable: true },
    },
    metadata: { vulnerabilities: { info: 0, low: 0, moderate: 1, high: 2, critical: 0, total: 3 }, dependencies: { prod: 300, dev: 0, optional: 0, peer: 0, peerOptional: 0, total: 300 } },
  };
}

const accepted = (reviewBy: string) => ({
  advisories: [{ id: 'GHSA-aaaa-bbbb-cccc', package: 'axios', severity: 'high', title: 'axios problem', reason: 'not reachable: the bot sends no user-supplied URLs', reviewBy }],
});

describe('the audit gate', () => {
  it('fails on a high advisory not in the allowlist, and ignores moderate ones', () => {
    const result = evaluate(report(), { advisories: [] }, '2026-11-30');
    expect(result.fresh.map((f: { advisory: { id: string } }) => f.advisory.id)).toEqual(['GHSA-aaaa-bbbb-cccc']);
    expect(result.total).toBe(2);
  });

  it('passes an accepted advisory until its review date, then counts it as new', () => {
    expect(evaluate(report(), accepted('2027-03-01'), '2026-11-30').fresh).toEqual([]);
    expect(evaluate(report(), accepted('2026-11-29'), '2026-11-30').fresh).toHaveLength(1);
  });

  it('names accepted entries that no longer occur', () => {
    const list = { advisories: [...accepted('2027-03-01').advisories, { id: 'GHSA-zzzz-zzzz-zzzz', package: 'old', reason: 'x', reviewBy: '2027-01-01' }] };
    expect(evaluate(report(), list, '2026-11-30').stale.map((e: { id: string }) => e.id)).toEqual(['GHSA-zzzz-zzzz-zzzz']);
  });

  it('tells an error answer (no advisory database) from a report', () => {
    expect(classify(report()).report).toBeDefined();
    expect(classify({ message: '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk', statusCode: 405 }).unavailable).toMatch(/405/);
  });

  it('the committed allowlist is well formed', () => {
    expect(() => readAllowlist(path.join(ROOT, 'audit-allowlist.json'))).not.toThrow();
  });

  describe('the command', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    function run(reportBody: unknown, allowlist: unknown, extra: string[] = []) {
      fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(reportBody));
      fs.writeFileSync(path.join(dir, 'allow.json'), JSON.stringify(allowlist));
      return spawnSync(process.execPath, [SCRIPT, '--report', path.join(dir, 'report.json'), '--allowlist', path.join(dir, 'allow.json'), ...extra], { encoding: 'utf8' });
    }

    it('exits 1 naming a new advisory, 0 once it is accepted', () => {
      const failed = run(report(), { advisories: [] });
      expect(failed.status).toBe(1);
      expect(failed.stderr).toContain('GHSA-aaaa-bbbb-cccc in axios');
      const passed = run(report(), accepted('2999-01-01'));
      expect(passed.status).toBe(0);
      expect(passed.stdout).toContain('accepted until 2999-01-01');
    });

    it('without the advisory database: exits 2, or with --if-unavailable=warn passes saying the audit was not done', () => {
      const error = { message: '405 Method Not Allowed', statusCode: 405 };
      expect(run(error, { advisories: [] }).status).toBe(2);
      const warned = run(error, { advisories: [] }, ['--if-unavailable=warn']);
      expect(warned.status).toBe(0);
      expect(warned.stdout).toContain('dependency audit NOT done');
    });

    it('refuses an allowlist entry without a reason', () => {
      const result = run(report(), { advisories: [{ id: 'GHSA-aaaa-bbbb-cccc', package: 'axios', reviewBy: '2999-01-01' }] });
      expect(result.status).toBe(3);
      expect(result.stderr).toContain('"reason"');
    });
  });
});
