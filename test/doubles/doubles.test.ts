import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, TeamsInfo, type ConversationParameters } from 'botbuilder';
import { connectorErrors, startBotConnector, type BotConnectorDouble } from './bot-connector';
import { TEST_BOT, invokeActionExecute, messageFrom, postActivity, teamsUser } from './teams-activity';

async function call(connector: BotConnectorDouble, method: string, path: string, body?: unknown) {
  const res = await fetch(new URL(path, connector.url), {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

describe('the Bot Connector double', () => {
  let connector: BotConnectorDouble;

  beforeEach(async () => {
    connector = await startBotConnector();
  });
  afterEach(async () => {
    await connector.close();
  });

  it('serves on loopback with a serviceUrl ending in a slash', () => {
    expect(connector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('records a reply with its conversation and the activity it answers', async () => {
    const res = await call(connector, 'POST', '/v3/conversations/a%3Apersonal-1/activities/act-9', { type: 'message', text: 'hi' });

    expect(res.status).toBe(200);
    expect(res.body.id).toEqual(expect.any(String));
    expect(connector.activities).toEqual([
      expect.objectContaining({ method: 'POST', conversationId: 'a:personal-1', replyToId: 'act-9', id: res.body.id, activity: { type: 'message', text: 'hi' } }),
    ]);
  });

  it('records a plain send and an update of a sent activity', async () => {
    const sent = await call(connector, 'POST', '/v3/conversations/c1/activities', { type: 'message', text: 'card' });
    const updated = await call(connector, 'PUT', `/v3/conversations/c1/activities/${sent.body.id}`, { type: 'message', text: 'card v2' });

    expect(updated).toMatchObject({ status: 200, body: { id: sent.body.id } });
    expect(connector.activities.map((a) => [a.method, a.replyToId, a.activityId, a.activity.text])).toEqual([
      ['POST', undefined, undefined, 'card'],
      ['PUT', undefined, sent.body.id, 'card v2'],
    ]);
  });

  it('creates a conversation, answering its id, and records the first activity when one is given', async () => {
    const res = await call(connector, 'POST', '/v3/conversations', {
      isGroup: false,
      bot: TEST_BOT,
      members: [{ id: 'aad-megan' }],
      tenantId: 't1',
      activity: { type: 'message', text: 'hello Megan' },
    });

    expect(res.status).toBe(200);
    expect(connector.conversations).toEqual([{ id: res.body.id, parameters: expect.objectContaining({ tenantId: 't1' }) }]);
    expect(connector.activities[0]).toMatchObject({ conversationId: res.body.id, id: res.body.activityId, activity: { text: 'hello Megan' } });
  });

  it('answers a Teams member, made up from the id unless set', async () => {
    connector.setMember({ id: '29:megan', name: 'Megan Bowen', aadObjectId: 'aad-megan', email: 'meganb@example.com' });

    const set = await call(connector, 'GET', '/v3/conversations/c1/members/29%3Amegan');
    const madeUp = await call(connector, 'GET', '/v3/conversations/c1/members/29%3Aother');

    expect(set.body).toMatchObject({ name: 'Megan Bowen', aadObjectId: 'aad-megan' });
    expect(madeUp.body).toMatchObject({ id: '29:other', aadObjectId: 'other' });
  });

  it('fails the next request as a blocked conversation, then serves again', async () => {
    connector.failNext(403, connectorErrors.conversationBlockedByUser);

    const blocked = await call(connector, 'POST', '/v3/conversations/c1/activities', { type: 'message', text: 'one' });
    const next = await call(connector, 'POST', '/v3/conversations/c1/activities', { type: 'message', text: 'two' });

    expect(blocked).toMatchObject({ status: 403, body: { error: { code: 'ConversationBlockedByUser' } } });
    expect(next.status).toBe(200);
    expect(connector.activities.map((a) => a.activity.text)).toEqual(['two']);
    expect(connector.requests.map((r) => [r.status, r.injected])).toEqual([
      [403, true],
      [200, false],
    ]);
  });

  it('throttles with Retry-After, as many times as asked, only for matching requests', async () => {
    connector.failNext(429, connectorErrors.throttled, { 'Retry-After': '2' }, { times: 2, match: (r) => r.method === 'POST' });

    const member = await call(connector, 'GET', '/v3/conversations/c1/members/29%3Ax');
    const first = await call(connector, 'POST', '/v3/conversations/c1/activities', { type: 'message' });
    const second = await call(connector, 'POST', '/v3/conversations/c1/activities', { type: 'message' });
    const third = await call(connector, 'POST', '/v3/conversations/c1/activities', { type: 'message' });

    expect([member.status, first.status, second.status, third.status]).toEqual([200, 429, 429, 200]);
    expect(first.headers.get('retry-after')).toBe('2');
  });

  it('waitFor resolves with an activity that arrives later, or one already received', async () => {
    const later = connector.waitFor((a) => a.activity.text === 'later', 2000);
    await call(connector, 'POST', '/v3/conversations/c1/activities', { type: 'message', text: 'later' });

    await expect(later).resolves.toMatchObject({ activity: { text: 'later' } });
    await expect(connector.waitFor((a) => a.activity.text === 'later', 10)).resolves.toMatchObject({ conversationId: 'c1' });
  });

  it('waitFor rejects after the timeout, listing what arrived', async () => {
    await call(connector, 'POST', '/v3/conversations/c1/activities', { type: 'typing' });

    await expect(connector.waitFor((a) => a.activity.type === 'message', 50)).rejects.toThrow(/within 50 ms.*Received 1: POST typing/);
  });

  it('answers 404 to routes it does not serve and keeps them apart', async () => {
    const res = await call(connector, 'GET', '/v3/conversations/c1/pagedmembers');

    expect(res.status).toBe(404);
    expect(connector.unmatched.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v3/conversations/c1/pagedmembers']);
  });

  it('clear forgets traffic and pending faults', async () => {
    connector.failNext(500);
    await call(connector, 'POST', '/v3/conversations/c1/activities', { type: 'message' });
    connector.failNext(500);

    connector.clear();

    expect([connector.activities.length, connector.requests.length]).toEqual([0, 0]);
    expect((await call(connector, 'POST', '/v3/conversations/c1/activities', { type: 'message' })).status).toBe(200);
  });

  describe('with the real botbuilder CloudAdapter (no app id: local mode)', () => {
    const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));

    it('receives replies, updates, member look-ups and new conversations', async () => {
      const alex = teamsUser(connector.url, { name: 'Alex Wilber' });
      const incoming = messageFrom(alex, 'help');
      let member: { aadObjectId?: string } | undefined;

      await adapter.processActivityDirect('', incoming as never, async (context) => {
        const sent = await context.sendActivity('Here is help');
        await context.updateActivity({ id: sent?.id, type: 'message', text: 'Here is more help' });
        member = await TeamsInfo.getMember(context, alex.id);
      });
      const parameters = { isGroup: false, bot: TEST_BOT, members: [{ id: '29:megan' }], tenantId: alex.tenantId } as ConversationParameters;
      await adapter.createConversationAsync('', 'msteams', connector.url, '', parameters, async (context) => {
        await context.sendActivity('A proposal awaits you');
      });

      expect(connector.activities.slice(0, 2).map((a) => [a.method, a.conversationId, a.replyToId ?? a.activityId, a.activity.text])).toEqual([
        ['POST', alex.conversationId, incoming.id, 'Here is help'],
        ['PUT', alex.conversationId, connector.activities[0].id, 'Here is more help'],
      ]);
      expect(connector.activities[2]).toMatchObject({ method: 'POST', conversationId: connector.conversations[0].id, activity: { text: 'A proposal awaits you' } });
      expect(member).toMatchObject({ aadObjectId: 'teams-alex-wilber' });
      expect(connector.unmatched).toEqual([]);
    });

    it('surfaces a blocked conversation to the sender as a RestError with status 403 and the service code', async () => {
      const alex = teamsUser(connector.url);
      connector.failNext(403, connectorErrors.conversationBlockedByUser);
      let failure: unknown;

      await adapter.processActivityDirect('', messageFrom(alex, 'hi') as never, async (context) => {
        await context.sendActivity('reply').catch((err: unknown) => {
          failure = err;
        });
      });

      expect(failure).toMatchObject({ name: 'RestError', statusCode: 403, code: 'ConversationBlockedByUser' });
    });
  });
});

describe('the Teams activity builders', () => {
  it('shape a personal-chat Action.Execute invoke as Teams does', () => {
    const alex = teamsUser('http://127.0.0.1:1/', { name: 'Alex Wilber', aadObjectId: 'aad-1' });

    const invoke = invokeActionExecute(alex, 'proposal.decide', { proposalId: 'P-1' }, 'card-activity-1');

    expect(invoke).toMatchObject({
      type: 'invoke',
      name: 'adaptiveCard/action',
      channelId: 'msteams',
      replyToId: 'card-activity-1',
      from: { id: '29:teams-alex-wilber', aadObjectId: 'aad-1', name: 'Alex Wilber' },
      conversation: { conversationType: 'personal', tenantId: alex.tenantId },
      channelData: { tenant: { id: alex.tenantId } },
      locale: 'en-GB',
      value: { action: { type: 'Action.Execute', verb: 'proposal.decide', data: { proposalId: 'P-1' } }, trigger: 'manual' },
    });
  });

  it('postActivity posts JSON to /api/messages and parses the answer', async () => {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ path: req.url, type: JSON.parse(body).type }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const result = await postActivity(`http://127.0.0.1:${port}`, messageFrom(teamsUser('http://x/'), 'hi'));
      expect(result).toEqual({ status: 200, body: { path: '/api/messages', type: 'message' } });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
