#!/usr/bin/env node
/**
 * The first step of `provision` in m365agents.yml (a Toolkit `script` action):
 * checks the keys the deployment needs and makes the ones safe to make. The
 * Toolkit has loaded env/.env.<env> and env/.env.<env>.user into the
 * environment; a line `::set-teamsfx-env NAME=value` on stdout writes NAME back
 * (SECRET_* to the .user file, encrypted).
 *
 * - SECRET_REGISTER_RECORD_KEY: required, at least 32 characters. Never made
 *   here: it seals every register item, and a new one would put them all on hold,
 *   so a lost .user file must not silently replace it.
 * - SECRET_REMINDERS_KEY: made if empty (the reminder trigger reads it from Key
 *   Vault, so replacing it costs nothing).
 * - RESOURCE_SUFFIX: made if empty, so that resource names are unique.
 */
'use strict';

const { randomBytes } = require('node:crypto');

const MIN_KEY_LENGTH = 32;

function prepare(env) {
  const problems = [];
  const outputs = {};
  const recordKey = (env.SECRET_REGISTER_RECORD_KEY ?? '').trim();
  const envName = env.TEAMSFX_ENV || '<env>';
  if (recordKey.length < MIN_KEY_LENGTH) {
    problems.push(
      `SECRET_REGISTER_RECORD_KEY is ${recordKey ? `${recordKey.length} characters (at least ${MIN_KEY_LENGTH} needed)` : 'not set'}: ` +
        `put SECRET_REGISTER_RECORD_KEY=<the output of \`openssl rand -base64 48\`> in env/.env.${envName}.user ` +
        '(or the key the register already uses: changing it puts every item on hold)',
    );
  }
  const remindersKey = (env.SECRET_REMINDERS_KEY ?? '').trim();
  if (remindersKey.length < MIN_KEY_LENGTH) outputs.SECRET_REMINDERS_KEY = randomBytes(48).toString('base64url');
  if (!(env.RESOURCE_SUFFIX ?? '').trim()) outputs.RESOURCE_SUFFIX = randomBytes(8).toString('hex').slice(0, 6);
  return { problems, outputs };
}

if (require.main === module) {
  const { problems, outputs } = prepare(process.env);
  if (problems.length > 0) {
    console.error(`Cannot provision:\n  - ${problems.join('\n  - ')}`);
    process.exit(1);
  }
  for (const [name, value] of Object.entries(outputs)) console.log(`::set-teamsfx-env ${name}=${value}`);
}

module.exports = { prepare };
