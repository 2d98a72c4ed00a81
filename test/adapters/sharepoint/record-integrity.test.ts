import pino from 'pino';
import { openSharePointRegister, REGISTER_LIST } from '../../../src/adapters/sharepoint';
import { canonicalJson, RecordSeal } from '../../../src/adapters/sharepoint/record-seal';
import type { ApprovalState } from '../../../src/domain/approval';
import type { Logger } from '../../../src/logger';
import { provisionedDouble, settingsFor } from '../../doubles/sharepoint/connect';
import { aPartnership, proposalAnswers, storedAnswers } from '../../fixtures/builders';

/**
 * Who may decide is read from the Bot record column, which any list member with
 * Edit rights can change: the bot seals it, and an item whose seal no longer
 * verifies reads back `tampered` (the use cases then refuse decisions on it).
 */

const sharePoint = provisionedDouble();
afterAll(() => sharePoint.close());

const approval: ApprovalState = { route: { stages: [['user-anne']], selfApprovalAllowed: false }, stage: 1, history: [] };
const aProposal = (overrides = {}) => aPartnership({ approval, answers: storedAnswers(proposalAnswers()), ...overrides });

type Double = Awaited<ReturnType<typeof sharePoint.open>>['double'];

/** The item as a list member sees it, and a way to edit it there as they would (no IF-MATCH). */
function itemOf(double: Double, partnershipId: string) {
  const list = double.site.list(REGISTER_LIST);
  const item = [...list.items.values()].find((i) => i.values.get('PartnershipId') === partnershipId);
  if (!item) throw new Error(`no item for ${partnershipId}`);
  return {
    item,
    botRecord: () => JSON.parse(String(item.values.get('BotRecord'))) as Record<string, unknown>,
    edit: (values: Record<string, unknown>) => double.site.updateItem(list, item.id, values, '*'),
    editBotRecord: (change: (record: Record<string, any>) => void) => {
      const record = JSON.parse(String(item.values.get('BotRecord'))) as Record<string, any>;
      change(record);
      double.site.updateItem(list, item.id, { BotRecord: JSON.stringify(record) }, '*');
    },
  };
}

function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe('the sealed Bot record', () => {
  it('reads back untampered what the bot wrote, and keeps the seal inside the Bot record column', async () => {
    const { register, double } = await sharePoint.open();
    const created = await register.create(aProposal(), 'key-1');

    const read = await register.get('partnership-1');

    expect(read).toEqual(created);
    expect(read).not.toHaveProperty('tampered');
    expect(itemOf(double, 'partnership-1').botRecord()).toMatchObject({ seal: expect.stringMatching(/^v1\.[A-Za-z0-9_-]{43}$/), id: 'partnership-1' });
  });

  it('reads as tampered a record whose approval stages were changed in SharePoint, returning them as read', async () => {
    const { register, double } = await sharePoint.open();
    await register.create(aProposal(), 'key-1');

    itemOf(double, 'partnership-1').editBotRecord((r) => {
      r.approval.route.stages = [['user-mallory']];
    });

    const read = await register.get('partnership-1');
    expect(read?.tampered).toBe(true);
    expect(read?.approval?.route.stages).toEqual([['user-mallory']]);
  });

  it('reads as tampered a record whose proposer was changed in SharePoint, or whose self-approval was switched on', async () => {
    const { register, double } = await sharePoint.open();
    await register.create(aProposal(), 'key-1');
    await register.create(aProposal({ id: 'partnership-2' }), 'key-2');

    itemOf(double, 'partnership-1').editBotRecord((r) => {
      r.proposer.id = 'user-anne';
    });
    itemOf(double, 'partnership-2').editBotRecord((r) => {
      r.approval.route.selfApprovalAllowed = true;
    });

    expect(await register.get('partnership-1')).toMatchObject({ tampered: true, proposer: { id: 'user-anne' } });
    expect(await register.get('partnership-2')).toMatchObject({ tampered: true, approval: { route: { selfApprovalAllowed: true } } });
  });

  it('trusts a record whose Status, Title or answers a person edited in the list', async () => {
    const { register, double } = await sharePoint.open();
    await register.create(aProposal(), 'key-1');

    itemOf(double, 'partnership-1').edit({ Status: 'Closed', Title: 'Riverside Health and Housing', DateFormed: '2026-05-01' });

    const read = await register.get('partnership-1');
    expect(read).toMatchObject({ status: 'closed', name: 'Riverside Health and Housing', approval });
    expect(read).not.toHaveProperty('tampered');
  });

  it('reads every item as tampered with another key', async () => {
    const { register, double } = await sharePoint.open();
    await register.create(aProposal(), 'key-1');

    const otherKey = await openSharePointRegister(settingsFor(double, {}, 'another-record-key-0123456789-abcdefghijklmnop'));

    expect(await otherKey.get('partnership-1')).toMatchObject({ tampered: true, approval });
    expect((await register.get('partnership-1'))?.tampered).toBeUndefined();
  });

  it('does not trust a Bot record without a seal, nor one that claims "tampered": false', async () => {
    const { register, double } = await sharePoint.open();
    await register.create(aProposal(), 'key-1');

    itemOf(double, 'partnership-1').editBotRecord((r) => {
      delete r.seal;
      r.tampered = false;
    });

    expect((await register.get('partnership-1'))?.tampered).toBe(true);
  });

  it('does not trust a sealed Bot record copied from another item', async () => {
    const { register, double } = await sharePoint.open();
    await register.create(aProposal({ id: 'partnership-1', proposer: { id: 'user-mallory', name: 'Mallory' } }), 'key-1');
    await register.create(aProposal({ id: 'partnership-2' }), 'key-2');
    const copied = itemOf(double, 'partnership-2').item.values.get('BotRecord');

    itemOf(double, 'partnership-1').edit({ BotRecord: copied });

    expect(await register.get('partnership-1')).toMatchObject({ id: 'partnership-2', tampered: true });
  });

  it('lists for a proposer only the items whose Bot record names them, whatever the Proposer id column says', async () => {
    const { register, double } = await sharePoint.open();
    await register.create(aProposal(), 'key-1');

    itemOf(double, 'partnership-1').edit({ ProposerId: 'user-bob' });

    expect(await register.listByProposer('user-bob')).toEqual([]);
  });

  it('keeps a tampered record tampered when the bot writes it back, and never stores the flag', async () => {
    const { register, double } = await sharePoint.open();
    await register.create(aProposal(), 'key-1');
    itemOf(double, 'partnership-1').editBotRecord((r) => {
      r.approval.route.stages = [['user-mallory']];
    });
    const tampered = (await register.get('partnership-1'))!;

    const updated = await register.update({ ...tampered, status: 'rejected' });

    expect(updated.tampered).toBe(true);
    expect(await register.get('partnership-1')).toMatchObject({ tampered: true, status: 'rejected', approval: { route: { stages: [['user-mallory']] } } });
    const stored = itemOf(double, 'partnership-1').botRecord();
    expect(stored).not.toHaveProperty('seal');
    expect(stored).not.toHaveProperty('tampered');
  });

  it('seals again a record the bot writes with the flag cleared on purpose (a register owner re-saving it)', async () => {
    const { register, double } = await sharePoint.open();
    await register.create(aProposal(), 'key-1');
    itemOf(double, 'partnership-1').editBotRecord((r) => {
      r.approval.route.stages = [['user-mallory']];
    });
    const { tampered: _flag, ...reviewed } = (await register.get('partnership-1'))!;

    await register.update({ ...reviewed, approval });

    const read = await register.get('partnership-1');
    expect(read).toMatchObject({ approval });
    expect(read).not.toHaveProperty('tampered');
  });

  it('logs a failed integrity check once per item, at error level, naming the item', async () => {
    const { logger, lines } = capturingLogger();
    const { register, double } = await sharePoint.open({}, logger);
    await register.create(aProposal(), 'key-1');
    itemOf(double, 'partnership-1').editBotRecord((r) => {
      r.proposer.id = 'user-anne';
    });

    await register.get('partnership-1');
    await register.get('partnership-1');
    await register.listByStatus('proposed');

    const flagged = lines.filter((l) => String(l.msg).includes('failed its integrity check'));
    expect(flagged).toEqual([
      expect.objectContaining({
        level: 50,
        itemId: itemOf(double, 'partnership-1').item.id,
        partnershipId: 'partnership-1',
        msg: 'register item failed its integrity check: who may decide is not trusted until a register owner re-saves it',
      }),
    ]);
  });
});

describe('the seal itself', () => {
  const seal = new RecordSeal('k'.repeat(32));

  it('depends on the authorising fields only, whatever the order of their keys', () => {
    const record = aProposal();
    const reordered = { ...record, approval: { history: [], stage: 1, route: { selfApprovalAllowed: false, stages: [['user-anne']] } } };

    expect(seal.seal(reordered)).toBe(seal.seal(record));
    expect(seal.seal({ ...record, status: 'closed', name: 'Renamed', answers: {} })).toBe(seal.seal(record));
    expect(seal.seal({ ...record, draftId: 'draft-2' })).not.toBe(seal.seal(record));
    expect(seal.seal({ ...record, approval: { ...approval, stage: 2 } })).not.toBe(seal.seal(record));
    expect(seal.verifies(record, seal.seal(record))).toBe(true);
    expect(seal.verifies(record, new RecordSeal('j'.repeat(32)).seal(record))).toBe(false);
    expect(seal.verifies(record, 'v1.short')).toBe(false);
    expect(seal.verifies(record, undefined)).toBe(false);
  });

  it('writes canonical JSON: keys sorted, undefined members dropped', () => {
    expect(canonicalJson({ b: 1, a: { d: undefined, c: [2, { z: 1, y: 2 }] } })).toBe('{"a":{"c":[2,{"y":2,"z":1}]},"b":1}');
  });
});
