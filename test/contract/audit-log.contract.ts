import type { AuditLog } from '../../src/ports/audit-log';
import { anAuditEntry } from '../fixtures/builders';
import { scribbleOn, useFreshStore, type OpenStore } from './open-store';

export function describeAuditLogContract(name: string, open: OpenStore<AuditLog>): void {
  describe(`AuditLog contract: ${name}`, () => {
    const audit = useFreshStore(open);

    it('lists what happened to a subject oldest first', async () => {
      const submitted = anAuditEntry({ action: 'submitted', at: '2025-03-03T10:00:00.000Z' });
      const returned = anAuditEntry({ action: 'changes-requested', at: '2025-03-04T10:00:00.000Z', comment: 'Add the funding' });
      const approved = anAuditEntry({ action: 'approved', at: '2025-03-05T10:00:00.000Z', data: { reference: 'PR-001' } });
      for (const entry of [submitted, returned, approved]) await audit().append(entry);

      expect(await audit().listFor('partnership-1')).toEqual([submitted, returned, approved]);
    });

    it('orders by when things happened, not when they were appended', async () => {
      await audit().append(anAuditEntry({ action: 'late-arriving', at: '2025-03-05T10:00:00.000Z' }));
      await audit().append(anAuditEntry({ action: 'earlier', at: '2025-03-04T10:00:00.000Z' }));

      expect((await audit().listFor('partnership-1')).map((e) => e.action)).toEqual(['earlier', 'late-arriving']);
    });

    it('keeps the appended order of entries stamped at the same instant', async () => {
      const actions = ['first', 'second', 'third', 'fourth'];
      for (const action of actions) await audit().append(anAuditEntry({ action }));

      expect((await audit().listFor('partnership-1')).map((e) => e.action)).toEqual(actions);
    });

    it('keeps each subject to its own entries', async () => {
      await audit().append(anAuditEntry({ subjectId: 'partnership-1', action: 'submitted' }));
      await audit().append(anAuditEntry({ subjectId: 'draft-9', action: 'started' }));

      expect((await audit().listFor('draft-9')).map((e) => e.action)).toEqual(['started']);
      expect(await audit().listFor('nothing-happened-here')).toEqual([]);
    });

    it('keeps its own copy, whatever callers do to theirs', async () => {
      const entry = anAuditEntry();
      await audit().append(entry);
      scribbleOn(entry.actor);
      scribbleOn((await audit().listFor('partnership-1'))[0].actor);

      expect((await audit().listFor('partnership-1'))[0].actor.name).toBe('Alice Adams');
    });
  });
}
