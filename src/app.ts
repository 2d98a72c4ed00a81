import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Application, TurnState } from '@microsoft/teams-ai';
import type { Request, Response } from 'restify';
import { createBot } from './bot/application';
import type { Config } from './config';
import type { Journey } from './domain/journey';
import type { Logger } from './logger';
import type { AuditLog } from './ports/audit-log';
import type { Clock } from './ports/clock';
import type { ConversationDirectory } from './ports/conversation-directory';
import type { Drafts } from './ports/drafts';
import type { IdGenerator } from './ports/ids';
import type { Register } from './ports/register';

export interface AppDeps {
  readonly config: Config;
  readonly journey: Journey;
  readonly drafts: Drafts;
  readonly register: Register;
  readonly audit: AuditLog;
  readonly conversations: ConversationDirectory;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

export interface BuiltApp {
  readonly adapter: TeamsAdapter;
  readonly bot: Application<TurnState>;
  /** Handles one POST /api/messages (auth, then the turn). */
  process(req: Request, res: Response): Promise<void>;
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
  const adapter = adapterFor(deps.config);
  const bot = createBot({
    ...deps,
    adapter,
    fundingThreshold: deps.config.fundingThreshold,
    botAppId: deps.config.bot?.appId,
  });
  return {
    adapter,
    bot,
    process: (req, res) => adapter.process(req, res as never, async (context) => {
      await bot.run(context);
    }),
  };
}
