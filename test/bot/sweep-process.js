/**
 * One bot process's reminder sweep, on its own connection to a shared SQLite
 * file (what a second instance does), for the test that runs two at once.
 * Built code only (dist/): `npm run build` first, as for the other process tests.
 * Usage: node sweep-process.js <register.sqlite> <day> <connector url> <owner>
 * Prints the sweep's answer as one JSON line.
 */
const { join } = require('node:path');
const dist = join(__dirname, '..', '..', 'dist', 'src');
const { openSqliteStores } = require(join(dist, 'adapters', 'sqlite'));
const { createApp } = require(join(dist, 'app'));
const { loadConfig } = require(join(dist, 'config'));
const { createLogger } = require(join(dist, 'logger'));
const { randomIds } = require(join(dist, 'adapters', 'system'));
const { DirectoryPeople } = require(join(dist, 'adapters', 'directory', 'directory-people'));
const { loadFlows, loadProposalJourney } = require(join(dist, 'questionnaires'));

async function main() {
  const [file, day, connectorUrl, owner] = process.argv.slice(2);
  const config = loadConfig({ LOG_LEVEL: 'silent', BOT_SERVICE_URL: connectorUrl, APPROVERS: 'approver-1', REGISTER_OWNERS: owner, REMINDERS_KEY: 'x'.repeat(20), REMINDER_SCHEDULE: 'off', DATA_DIR: '/nonexistent' });
  const logger = createLogger('silent');
  const stores = openSqliteStores(file);
  const offset = Date.parse(`${day}T08:00:00Z`) - Date.now();
  const clock = { now: () => new Date(Date.now() + offset) };
  const people = new DirectoryPeople(stores.conversations, { mockUsers: [], logger });
  const app = createApp({ config, journey: loadProposalJourney({ fundingThreshold: config.fundingThreshold }), flows: loadFlows(), ...stores, people, clock, ids: randomIds, logger });
  app.start();
  const answer = await app.runReminders(day);
  await app.idle();
  await app.stop(0);
  stores.close();
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
