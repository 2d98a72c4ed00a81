import type { PartnershipRecord } from '../../src/domain/records';
import type { Records } from '../../src/ports/records';
import { useFreshStore, type OpenStore } from './open-store';

export function aRecord(overrides: Partial<PartnershipRecord> = {}): PartnershipRecord {
  return {
    id: 'record-1',
    kind: 'assessment',
    subjectId: 'partnership-1',
    reference: 'PR-2026-001',
    at: '2026-05-01T10:00:00.000Z',
    by: { id: 'user-lead', name: 'Lena Lead' },
    flowId: 'assessment',
    flowVersion: 1,
    summary: 'Average score 3.2; 1 feature needs action',
    score: 3.2,
    decision: 'continue',
    outcome: { needingAction: ['trust'] },
    answers: { trustScore: '2' },
    ...overrides,
  };
}

/** Every Records implementation (memory, SQLite, SharePoint) behaves the same. */
export function describeRecordsContract(name: string, open: OpenStore<Records>): void {
  describe(`Records contract: ${name}`, () => {
    const records = useFreshStore(open);

    it('keeps what was added and lists a subject\'s records oldest first', async () => {
      const later = aRecord({ id: 'r-2', at: '2026-06-01T10:00:00.000Z', kind: 'agreement' });
      const earlier = aRecord({ id: 'r-1', at: '2026-05-01T10:00:00.000Z' });
      await records().add(later, 'k-2');
      await records().add(earlier, 'k-1');
      await records().add(aRecord({ id: 'r-3', subjectId: 'someone-else' }), 'k-3');
      expect(await records().listFor('partnership-1')).toEqual([earlier, later]);
      expect(await records().listFor('nothing')).toEqual([]);
    });

    it('adds once per idempotency key: a retry returns the record already stored', async () => {
      const first = await records().add(aRecord({ id: 'r-1' }), 'complete:response-1');
      const retry = await records().add(aRecord({ id: 'r-other', summary: 'a retry' }), 'complete:response-1');
      expect(retry).toEqual(first);
      expect(await records().listFor('partnership-1')).toHaveLength(1);
    });

    it('adds once when the same completion arrives twice at the same moment', async () => {
      const results = await Promise.all([records().add(aRecord({ id: 'r-a' }), 'same'), records().add(aRecord({ id: 'r-b' }), 'same')]);
      expect(results[0]).toEqual(results[1]);
      expect(await records().listFor('partnership-1')).toHaveLength(1);
    });

    it('hands out copies: changing what it returned changes nothing stored', async () => {
      const added = await records().add(aRecord(), 'k');
      (added.answers as Record<string, string>).trustScore = '4';
      expect((await records().listFor('partnership-1'))[0].answers.trustScore).toBe('2');
    });
  });
}
