import { timingSafeEqual, createHash } from 'node:crypto';
import { Cron } from 'croner';
import type * as restify from 'restify';
import type { BuiltApp } from './app';
import type { Config } from './config';
import type { Logger } from './logger';

/**
 * The two triggers of the reminder sweep, both calling the same use case
 * (BuiltApp.runReminders): a daily in-process schedule (croner, default
 * 08:00 Europe/London) and POST /api/reminders/run for an external scheduler
 * (an Azure Logic App or Function timer), guarded by the REMINDERS_KEY in the
 * `x-reminders-key` header. With `Prefer: respond-async` the endpoint answers
 * 202 once the day's reminders are enqueued, before any is sent: the call
 * then takes as long as the due query, not as long as the sends. Two runs at
 * once, here or in another process, send nothing twice: each reminder is a
 * job under its exactly-once key.
 */
export const REMINDERS_PATH = '/api/reminders/run';

function sameKey(given: string, expected: string): boolean {
  // Hashes first: equal lengths for timingSafeEqual, and the key's length is not given away.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** `YYYY-MM-DD` or an ISO timestamp, as the day it falls on (UTC); undefined if neither. */
export function dayOfParam(value: string): string | undefined {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ? undefined : value;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : new Date(at).toISOString().slice(0, 10);
}

/** RFC 7240 `Prefer: respond-async`: answer once the reminders are enqueued, not sent. */
function respondAsync(prefer: string | string[] | undefined): boolean {
  const values = Array.isArray(prefer) ? prefer : prefer ? [prefer] : [];
  return values.some((v) => v.split(',').some((p) => p.trim().toLowerCase() === 'respond-async'));
}

export function addReminderRoute(server: restify.Server, config: Config, built: Pick<BuiltApp, 'runReminders' | 'startReminders'>, logger: Logger): void {
  server.post(REMINDERS_PATH, async (req: restify.Request, res: restify.Response) => {
    const key = config.reminders.key;
    if (!key) {
      res.send(404, { error: 'Not found' });
      return;
    }
    const given = req.headers['x-reminders-key'];
    if (typeof given !== 'string' || !sameKey(given, key)) {
      res.send(401, { error: 'A valid x-reminders-key header is required' });
      return;
    }
    const now = new URL(req.url ?? '/', 'http://bot').searchParams.get('now');
    let day: string | undefined;
    if (now !== null) {
      if (config.production) {
        res.send(400, { error: 'now is not accepted in production: the sweep runs on the day it is' });
        return;
      }
      day = dayOfParam(now);
      if (!day) {
        res.send(400, { error: 'now must be YYYY-MM-DD or an ISO timestamp' });
        return;
      }
    }
    try {
      if (respondAsync(req.headers.prefer)) {
        const started = await built.startReminders(day);
        logger.info({ ...started }, 'reminder sweep started on request; the job worker sends');
        res.send(202, started);
        return;
      }
      const answer = await built.runReminders(day);
      logger.info({ day: answer.day, sent: answer.sent.length, escalated: answer.escalated.length, failed: answer.failed.length, failedJobs: answer.failedJobs }, 'reminder sweep run on request');
      res.send(200, answer);
    } catch (err) {
      logger.error({ err }, 'reminder sweep failed');
      res.send(503, { error: 'The sweep could not run just now; nothing was sent twice. Try again later.' });
    }
  });
}

/** The daily sweep in this process; undefined when REMINDER_SCHEDULE=off. Returns how to stop it. */
export function startReminderSchedule(config: Config, built: Pick<BuiltApp, 'runReminders'>, logger: Logger): (() => void) | undefined {
  const { schedule, timezone } = config.reminders;
  if (!schedule) return undefined;
  const job = new Cron(schedule, { timezone, protect: true, unref: true }, async () => {
    try {
      const answer = await built.runReminders();
      logger.info({ day: answer.day, sent: answer.sent.length, escalated: answer.escalated.length, failed: answer.failed.length, failedJobs: answer.failedJobs }, 'daily reminder sweep');
    } catch (err) {
      logger.error({ err }, 'daily reminder sweep failed: it runs again at its next time, and an external trigger may run it meanwhile');
    }
  });
  logger.info({ schedule, timezone, next: job.nextRun()?.toISOString() }, 'reminder sweep scheduled');
  return () => job.stop();
}
