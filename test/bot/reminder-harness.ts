import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStores } from '../../src/adapters/sqlite';
import { loadConfig } from '../../src/config';
import type { NewPartnership } from '../../src/domain/records';
import { startServer, type RunningServer } from '../../src/server';
import { startBotConnector, type BotConnectorDouble, type RecordedActivity } from '../doubles/bot-connector';
import { aConversation, aPartnership } from '../fixtures/builders';

/**
 * The real server (in process, SQLite in a temp folder) with a clock the test
 * sets to any day, replying to a Bot Connector double; the register and the
 * people are written straight into the same SQLite file, as a person editing
 * the register would. Reminders are read back from what the double received.
 */
export const KEY = 'reminders-key-for-tests-0123456789';
export const OWNER = 'owner-1';
export const APPROVER = 'approver-1';

export interface Received {
  readonly kind: string;
  readonly entryId: string;
  readonly due: string;
  readonly person: string;
  readonly escalation: boolean;
  readonly text: string;
}

export interface ReminderBot {
  readonly connector: BotConnectorDouble;
  readonly stores: ReturnType<typeof openSqliteStores>;
  url(): string;
  readonly dataDir: string;
  /** Stands the clock on this day (at 08:00 UTC, real time running on from there). */
  setDay(day: string): void;
  run(query?: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** The people the bot can reach: a 1:1 conversation each, known by id and email. */
  addPerson(userId: string, email?: string): Promise<void>;
  seed(p: Partial<NewPartnership> & { id: string }): Promise<void>;
  /** The reminders the double received (the register-wide review as kind 'register-review'). */
  received(activities?: readonly RecordedActivity[]): Received[];
  idle(): Promise<void>;
  close(): Promise<void>;
}

function textOfCard(card: unknown): string {
  const parts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if ((k === 'text' || k === 'title' || k === 'value') && typeof v === 'string') parts.push(v);
        else walk(v);
      }
    }
  };
  walk(card);
  return parts.join(' ');
}

export async function startReminderBot(env: Record<string, string> = {}): Promise<ReminderBot> {
  const connector = await startBotConnector();
  const dataDir = mkdtempSync(join(tmpdir(), 'prb-reminders-'));
  let offset = 0;
  const clock = { now: () => new Date(Date.now() + offset) };
  const config = loadConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    BOT_SERVICE_URL: connector.url,
    APPROVERS: APPROVER,
    REGISTER_OWNERS: OWNER,
    REMINDERS_KEY: KEY,
    REMINDER_SCHEDULE: 'off',
    ...env,
  });
  let server: RunningServer | undefined;
  const stores = openSqliteStores(join(dataDir, 'register.sqlite'));
  const byConversation = new Map<string, string>();
  try {
    server = await startServer(config, { clock });
  } catch (err) {
    stores.close();
    await connector.close();
    throw err;
  }
  const running = server;
  return {
    connector,
    stores,
    url: () => running.url,
    dataDir,
    setDay(day) {
      offset = Date.parse(`${day}T08:00:00Z`) - Date.now();
    },
    async run(query = '', headers = { 'x-reminders-key': KEY }) {
      const res = await fetch(`${running.url}/api/reminders/run${query}`, { method: 'POST', headers });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    async addPerson(userId, email) {
      const conversationId = `a:conversation-${userId}`;
      byConversation.set(conversationId, userId);
      await stores.conversations.save(aConversation({ userId, name: userId, email, conversationId, serviceUrl: connector.url, botId: 'bot' }));
    },
    async seed(p) {
      await stores.register.create(aPartnership({ status: 'active', ...p }), `seed-${p.id}`);
    },
    received(activities = connector.activities) {
      return activities
        .filter((a) => a.method === 'POST')
        .map((a) => {
          const card = a.activity.attachments?.[0]?.content;
          const text = textOfCard(card);
          const snooze = (card?.actions ?? []).find((x: { verb?: string }) => x.verb === 'reminder.snooze');
          const person = byConversation.get(a.conversationId) ?? a.conversationId;
          if (snooze) return { kind: snooze.data.kind, entryId: snooze.data.entryId, due: snooze.data.due, person, escalation: text.includes('for your attention'), text };
          if (text.includes('Register-wide review')) return { kind: 'register-review', entryId: 'register', due: '', person, escalation: false, text };
          return { kind: 'other', entryId: '', due: '', person, escalation: false, text };
        });
    },
    idle: () => running.idle(),
    async close() {
      await running.close();
      stores.close();
      await connector.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const AGREED = { at: '2025-01-01T00:00:00.000Z', state: 'yes' as const, link: 'https://example.org/agreement', documentType: 'terms-of-reference', gaps: [] };

/** Approved by APPROVER on `approvedAt`. */
export function approvedBy(approvedAt: string) {
  return {
    approvedAt,
    approval: {
      route: { stages: [[APPROVER]], selfApprovalAllowed: false },
      stage: 1,
      history: [{ stage: 1, decision: 'approve' as const, by: { id: APPROVER, name: 'Anne Approver' }, at: approvedAt, comment: '' }],
    },
  };
}
