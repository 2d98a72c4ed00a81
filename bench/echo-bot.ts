import { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import * as restify from 'restify';

/**
 * The floor the bench compares the bot against: the same stack (restify, the
 * teams-ai Application on a TeamsAdapter with no app id, as the bot runs
 * locally) doing nothing but echo. One `app.message` that echoes the text; and,
 * so that card presses have a floor of their own, one Action.Execute route that
 * answers with a one-line card echoing the press. Started as its own process,
 * like dist/src/server.js: `HOST=127.0.0.1 PORT=... node dist/bench/echo-bot.js`.
 */

const adapter = new TeamsAdapter({});
const app = new Application<TurnState>({ adapter, startTypingTimer: false });

app.message(/.*/, async (context) => {
  await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
});

app.adaptiveCards.actionExecute(/.*/, async (context) => ({
  type: 'AdaptiveCard',
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.5',
  body: [{ type: 'TextBlock', text: `echo: ${String((context.activity.value as { action?: { verb?: string } })?.action?.verb ?? '')}`, wrap: true }],
}));

const server = restify.createServer({ name: 'echo-bot', handleUncaughtExceptions: false });
server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024, mapParams: false, mapFiles: false }));
server.post('/api/messages', async (req, res) => {
  await adapter.process(req, res as never, (context) => app.run(context).then(() => undefined));
});

const host = process.env.HOST ?? '127.0.0.1';
server.listen(Number(process.env.PORT ?? 3979), host, () => {
  console.log(`echo bot listening on http://${host}:${server.address().port}/api/messages`);
});
const stop = (): void => {
  server.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
