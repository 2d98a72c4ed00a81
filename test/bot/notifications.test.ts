import { openMemoryStores } from '../../src/adapters/memory/memory-stores';
import { sendApprovalRequests, type NotifyDeps } from '../../src/bot/notifications';
import { createLogger } from '../../src/logger';
import type { Delivery, Notifier, SentMessage } from '../../src/ports/notifier';
import type { Register } from '../../src/ports/register';
import { loadProposalJourney } from '../../src/questionnaires';
import { aPartnership } from '../fixtures/builders';
import { actionsOf } from './chat';

/**
 * The race the security review found: a second-stage approver's copy was sent,
 * the decision landed before the copy was recorded, so announceDecision never
 * updated it and it kept its buttons. A notifier whose send lets the decision
 * land first reproduces it without timing.
 */
describe('approval cards sent while the proposal is decided', () => {
  it('brings a copy recorded after the decision up to date: no buttons left', async () => {
    const stores = openMemoryStores();
    const route = { stages: [['anne'], ['sid', 'tom']], selfApprovalAllowed: false };
    const history = [{ stage: 1, decision: 'approve' as const, by: { id: 'anne', name: 'Anne' }, at: '2026-11-01T10:00:00Z', comment: '' }];
    const atStage2 = await stores.register.create(aPartnership({ id: 'p-race', approval: { route, stage: 2, history } }), 'k-race');
    const updates: { message: SentMessage; card: object }[] = [];
    let sent = 0;
    const notifier: Notifier = {
      async send(userId: string): Promise<Delivery> {
        sent += 1;
        if (userId === 'sid') {
          // Tom decides while Sid's card is on its way.
          const current = (await stores.register.get('p-race'))!;
          await stores.register.update({ ...current, status: 'active', reference: 'PR-2026-001', approval: { ...current.approval!, history: [...history, { stage: 2, decision: 'approve', by: { id: 'tom', name: 'Tom' }, at: '2026-11-02T10:00:00Z', comment: '' }] } });
        }
        return { ok: true, message: { userId, conversationId: `c-${userId}`, activityId: `a-${sent}` } };
      },
      async update(message, card) {
        updates.push({ message, card });
        return true;
      },
    };
    const deps: NotifyDeps = { journey: loadProposalJourney(), notifier, sentCards: stores.sentCards, conversations: stores.conversations, registerOwners: [], register: stores.register, logger: createLogger('silent') };
    await sendApprovalRequests(deps, atStage2);
    const sidCopy = updates.find((u) => u.message.userId === 'sid');
    expect(sidCopy).toBeDefined();
    expect(actionsOf(sidCopy!.card).map((a) => a.title)).not.toContain('Approve');
    expect(JSON.stringify(sidCopy!.card)).toContain('PR-2026-001');
  });

  it('reads the proposal once per fan-out to catch up, not once per approver, and updates every copy when it moved on', async () => {
    const stores = openMemoryStores();
    const approvers = Array.from({ length: 20 }, (_, i) => `approver-${i + 1}`);
    const p = await stores.register.create(aPartnership({ id: 'p-fan', approval: { route: { stages: [approvers], selfApprovalAllowed: false }, stage: 1, history: [] } }), 'k-fan');
    let reads = 0;
    const register: Register = Object.assign(Object.create(stores.register), { get: (id: string) => ((reads += 1), stores.register.get(id)) });
    const updated: string[] = [];
    const notifier: Notifier = {
      async send(userId) {
        // Decided by someone else while the cards are on their way (after the first copy).
        if (userId === 'approver-2') await stores.register.update({ ...(await stores.register.get('p-fan'))!, status: 'rejected' });
        return { ok: true, message: { userId, conversationId: `c-${userId}`, activityId: `a-${userId}` } };
      },
      async update(message) {
        updated.push(message.userId);
        return true;
      },
    };
    await sendApprovalRequests({ journey: loadProposalJourney(), notifier, sentCards: stores.sentCards, conversations: stores.conversations, registerOwners: [], register, logger: createLogger('silent') }, p);
    expect(reads).toBe(1);
    expect(updated).toEqual(approvers);
  });

  it('does not send a later stage\'s card to someone who decided an earlier stage of the round', async () => {
    const stores = openMemoryStores();
    const route = { stages: [['sid'], ['sid', 'tom']], selfApprovalAllowed: false };
    const history = [{ stage: 1, decision: 'approve' as const, by: { id: 'SID', name: 'Sid' }, at: '2026-11-01T10:00:00Z', comment: '' }];
    const p = await stores.register.create(aPartnership({ id: 'p-overlap', approval: { route, stage: 2, history } }), 'k-overlap');
    const to: string[] = [];
    const notifier: Notifier = {
      async send(userId) {
        to.push(userId);
        return { ok: true, message: { userId, conversationId: `c-${userId}`, activityId: `a-${userId}` } };
      },
      async update() {
        return true;
      },
    };
    await sendApprovalRequests({ journey: loadProposalJourney(), notifier, sentCards: stores.sentCards, conversations: stores.conversations, registerOwners: [], register: stores.register, logger: createLogger('silent') }, p);
    expect(to).toEqual(['tom']);
  });
});
