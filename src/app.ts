import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import { foreignActivity } from './bot/activity-guard';
import type { Request, Response } from 'restify';
import { ConfigRouting } from './adapters/approvals/config-routing';
import { RecentConversations } from './adapters/directory/recent-conversations';
import { TeamsNotifier } from './adapters/teams/teams-notifier';
import { createBot } from './bot/application';
import type { Config } from './config';
import type { Journey } from './domain/journey';
import type { Logger } from './logger';
import type { ApprovalRouting } from './ports/approval-routing';
import type { AuditLog } from './ports/audit-log';
import type { Clock } from './ports/clock';
import type { ConversationDirectory } from './ports/conversation-directory';
import type { Drafts } from './ports/drafts';
import type { IdGenerator } from './ports/ids';
import type { Register } from './ports/register';
import type { SentCards } from './ports/sent-cards';
import type { Records } from './ports/records';
import type { Jobs } from './ports/jobs';
import { JobWorker } from './bot/job-worker';
import { deliverApprovalRequests, deliverDecision } from './bot/notifications';
import { deliverFailedJobsNote, deliverRegisterReview, deliverReminder } from './bot/reminder-jobs';
import { CHANGE_DECISION_JOB, deliverChangeDecision, deliverFormNotices, deliverTamperedNote, FORM_NOTICES_JOB, TAMPERED_JOB } from './bot/after-turn-jobs';
import { SendPacer } from './adapters/teams/send-pacer';
import { drainOnce, type Drainable } from './adapters/outbox';
import { dayOf, FAILED_JOBS_NOTE_JOB, REGISTER_REVIEW_JOB, REMINDER_JOB, SweepOutcomes, startSweep, sweepReminders, type SweepAnswer, type SweepStarted } from './use-cases/reminders';
import type { PeopleDirectory } from './ports/people-directory';
import type { FlowDefinition } from './domain/flow';

/** The outbox drain is a recurring job: one process drains at a time, every OUTBOX_DRAIN_SECONDS. */
const OUTBOX_DRAIN_JOB = 'outbox-drain';

export interface AppDeps {
  readonly config: Config;
  readonly journey: Journey;
  readonly drafts: Drafts;
  readonly register: Register;
  readonly audit: AuditLog;
  readonly conversations: ConversationDirectory;
  readonly sentCards: SentCards;
  readonly records: Records;
  /** Work after the answer that must survive a crash. */
  readonly jobs: Jobs;
  /** Who the person questions name. */
  readonly people: PeopleDirectory;
  /** The forms after approval, by id (questionnaires/loadFlows). */
  readonly flows: ReadonlyMap<string, FlowDefinition>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  /** Who decides a proposal; chosen by compose() from APPROVAL_ROUTE (config routing when absent). */
  readonly routing?: ApprovalRouting;
  /** With REGISTER_STORE=sharepoint: the outbox of writes kept while SharePoint was unreachable, drained by the job worker. */
  readonly outboxDrain?: Drainable;
}

export interface BuiltApp {
  readonly adapter: TeamsAdapter;
  readonly bot: Application<TurnState>;
  /** Handles one POST /api/messages (auth, then the turn); answers 503 once `stop` has begun. */
  handle(req: Request, res: Response): Promise<void>;
  /** Starts running the durable jobs (and what an earlier process or instance left). */
  start(): void;
  /**
   * Stops taking new turns, lets the turns in flight and the work they started
   * finish (up to `graceMs`), then stops the job worker, which hands back the
   * leases of claimed jobs it has not begun.
   */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when the work started after answering (notifications) has finished. */
  idle(): Promise<void>;
  /** The turn after authentication: the tenant and channel checks, then the bot. */
  runTurn(context: TurnContext): Promise<void>;
  /** How many requests are being handled now. */
  inFlight(): number;
  /** Whether `stop` has begun (readiness answers 503 from then on). */
  stopping(): boolean;
  /** The reminder sweep of a day (default: the clock's), as both triggers call it. */
  runReminders(day?: string): Promise<SweepAnswer>;
  /** The sweep enqueued and handed to the job worker, answering before anything is sent. */
  startReminders(day?: string): Promise<SweepStarted>;
}

function adapterFor(config: Config): TeamsAdapter {
  if (!config.bot) return new TeamsAdapter({});
  return new TeamsAdapter({
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.bot.tenantId,
    MicrosoftAppPassword: config.bot.password,
  });
}

/** The composition root: builds everything, listens on nothing. */
export function createApp(deps: AppDeps): BuiltApp {
  const { config } = deps;
  const adapter = adapterFor(config);
  const notifierOptions = { botAppId: config.bot?.appId ?? '', serviceUrl: config.botServiceUrl, tenantId: config.bot?.tenantId, now: () => deps.clock.now() };
  // A fan-out reads each recipient's reference more than once within a second or two: read it once.
  const recent = new RecentConversations(deps.conversations);
  const notifier = new TeamsNotifier(adapter, recent, notifierOptions, deps.logger);
  // The sweep's fan-out is what can meet Teams' limits: its sends wait their turn (a turn's own few cards go at once).
  const pacedNotifier = new TeamsNotifier(adapter, recent, { ...notifierOptions, pacer: new SendPacer() }, deps.logger);
  const outcomes = new SweepOutcomes();
  const sweepDeps = { register: deps.register, jobs: deps.jobs, settings: config.reminders.settings, registerOwners: config.approvals.registerOwners };
  let worker: JobWorker | undefined;
  const botDeps = {
    ...deps,
    adapter,
    notifier,
    routing: deps.routing ?? new ConfigRouting(config.approvals),
    registerOwners: config.approvals.registerOwners,
    reviewIntervalMonths: config.approvals.reviewIntervalMonths,
    fundingThreshold: config.fundingThreshold,
    botAppId: config.bot?.appId,
    policy: { selfApprovalAllowed: config.approvals.localMode },
    strictIdentity: config.bot !== undefined,
    kickJobs: () => worker?.kick(),
    reminders: config.reminders.settings,
  };
  // The work after a turn reads references through the same short memory as the notifiers; the turn itself reads the store.
  const jobDeps = { ...botDeps, conversations: recent };
  const reminderDeps = { ...jobDeps, notifier: pacedNotifier, settings: config.reminders.settings, outcomes };
  worker = new JobWorker(deps.jobs, deps.clock, deps.logger, {
      'approval-requests': (payload) => deliverApprovalRequests(jobDeps, payload),
      'announce-decision': (payload) => deliverDecision(jobDeps, payload),
      [FORM_NOTICES_JOB]: (payload) => deliverFormNotices(jobDeps, payload),
      [CHANGE_DECISION_JOB]: (payload) => deliverChangeDecision(jobDeps, payload),
      [TAMPERED_JOB]: (payload) => deliverTamperedNote(jobDeps, payload),
      [REMINDER_JOB]: (payload) => deliverReminder(reminderDeps, payload),
      [REGISTER_REVIEW_JOB]: (payload) => deliverRegisterReview(reminderDeps, payload),
      [FAILED_JOBS_NOTE_JOB]: (payload) => deliverFailedJobsNote(reminderDeps, payload),
      ...(deps.outboxDrain ? { [OUTBOX_DRAIN_JOB]: () => drainOnce(deps.outboxDrain!, deps.logger) } : {}),
    }, { workerId: deps.ids.next(), leaseMs: config.jobLeaseSeconds * 1000, recurring: deps.outboxDrain ? { [OUTBOX_DRAIN_JOB]: config.outboxDrainSeconds * 1000 } : {} });
  const bot = createBot(botDeps);
  const identity = config.bot ? { appId: config.bot.appId, tenantId: config.bot.tenantId } : undefined;
  const turns = new Set<Promise<void>>();
  let stopping: Promise<void> | undefined;
  const idle = (): Promise<void> => worker.idle();
  return {
    adapter,
    bot,
    idle,
    start: () => worker.start(),
    stop: (graceMs = config.shutdownGraceSeconds * 1000) => (stopping ??= stop(graceMs)),
    handle,
    runReminders: (day) => {
      const now = deps.clock.now();
      const runJobs = async () => {
        worker.kick();
        await worker.idle();
      };
      return sweepReminders({ ...sweepDeps, outcomes, runJobs }, day ?? dayOf(now), now);
    },
    startReminders: async (day) => {
      const now = deps.clock.now();
      const started = await startSweep(sweepDeps, day ?? dayOf(now), now);
      worker.kick();
      return started;
    },
    runTurn,
    inFlight: () => turns.size,
    stopping: () => stopping !== undefined,
  };

  async function handle(req: Request, res: Response): Promise<void> {
    const body = req.body as { id?: unknown; type?: unknown } | undefined;
    const activityId = body?.id;
    if (stopping) {
      res.header('Retry-After', '1');
      res.header('Connection', 'close');
      res.send(503, { error: 'Shutting down' });
      deps.logger.info({ activityId }, 'turn refused: shutting down');
      return;
    }
    const started = Date.now();
    const turn = adapter.process(req, res as never, (context) => runTurn(context));
    turns.add(turn);
    try {
      await turn;
      // Ids and timings only: no names, no answers.
      deps.logger.info({ activityId, type: body?.type, status: res.statusCode, ms: Date.now() - started }, 'turn handled');
    } finally {
      turns.delete(turn);
    }
  }

  /** Waits for what is in flight, at most graceMs in all; the job worker then stops between jobs. */
  async function stop(graceMs: number): Promise<void> {
    const deadline = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), graceMs).unref());
    const drained = (async () => {
      while (turns.size > 0) await Promise.allSettled([...turns]);
      return 'done' as const;
    })();
    const outcome = await Promise.race([drained, deadline]);
    if (outcome === 'late') deps.logger.warn({ turns: turns.size }, 'shutdown: turns still running after the grace period');
    await Promise.race([worker!.stop(), deadline]);
  }

  /** After authentication: anything not from a person in our Teams tenant is answered without doing anything. */
  async function runTurn(context: TurnContext): Promise<void> {
    const refusal = foreignActivity(context.activity, identity);
    if (refusal) {
      deps.logger.warn({ activityId: context.activity.id, channelId: context.activity.channelId, reason: refusal }, 'activity refused: not from a person in our Teams tenant');
      return;
    }
    await bot.run(context);
  }
}
