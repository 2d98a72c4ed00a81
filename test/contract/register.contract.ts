import { DuplicateError, VersionConflictError } from '../../src/domain/errors';
import type { Register } from '../../src/ports/register';
import type { NewPartnership } from '../../src/domain/records';
import { aPartnership } from '../fixtures/builders';
import { outcomes, scribbleOn, useFreshStore, type OpenStore } from './open-store';

export function describeRegisterContract(name: string, open: OpenStore<Register>): void {
  describe(`Register contract: ${name}`, () => {
    const register = useFreshStore(open);

    it('gives back a created item with an etag', async () => {
      const created = await register().create(aPartnership({ reference: 'PR-001' }), 'key-1');

      expect(created).toEqual({ ...aPartnership({ reference: 'PR-001' }), etag: expect.any(String) });
      expect(created.etag).not.toBe('');
      expect(await register().get('partnership-1')).toEqual(created);
    });

    it('knows nothing of an item never created', async () => {
      expect(await register().get('no-such-item')).toBeUndefined();
    });

    it('keeps its own copy, whatever callers do to theirs', async () => {
      const input = aPartnership();
      const created = await register().create(input, 'key-1');
      scribbleOn(input.proposer);
      scribbleOn(created.proposer);
      scribbleOn((await register().get('partnership-1'))!.proposer);

      expect((await register().get('partnership-1'))?.proposer.name).toBe('Alice Adams');
    });

    it('returns the stored item when a create is retried with the same key', async () => {
      const first = await register().create(aPartnership({ reference: 'PR-001' }), 'key-1');

      const retried = await register().create(aPartnership({ id: 'partnership-2', reference: 'PR-001' }), 'key-1');

      expect(retried).toEqual(first);
      expect(await register().listByProposer('user-alice')).toEqual([first]);
      expect(await register().get('partnership-2')).toBeUndefined();
    });

    it('adds one item when the same create arrives twice at once', async () => {
      const [a, b] = await Promise.all([
        register().create(aPartnership(), 'key-1'),
        register().create(aPartnership(), 'key-1'),
      ]);

      expect(a.id).toBe(b.id);
      expect(await register().listByProposer('user-alice')).toHaveLength(1);
    });

    it('adds every one of 50 concurrent creates with distinct keys', async () => {
      const ids = Array.from({ length: 50 }, (_, i) => `partnership-${i}`);

      await Promise.all(ids.map((id, i) => register().create(aPartnership({ id, reference: `PR-${i}` }), `key-${i}`)));

      const listed = await register().listByProposer('user-alice');
      expect(listed.map((p) => p.id).sort()).toEqual([...ids].sort());
    });

    it('refuses a reference already used by another item', async () => {
      await register().create(aPartnership({ id: 'partnership-1', reference: 'PR-001' }), 'key-1');

      await expect(
        register().create(aPartnership({ id: 'partnership-2', reference: 'PR-001' }), 'key-2'),
      ).rejects.toBeInstanceOf(DuplicateError);
      expect(await register().get('partnership-2')).toBeUndefined();
    });

    it('refuses an update that takes the reference of another item', async () => {
      await register().create(aPartnership({ id: 'partnership-1', reference: 'PR-001' }), 'key-1');
      const second = await register().create(aPartnership({ id: 'partnership-2', reference: 'PR-002' }), 'key-2');

      await expect(register().update({ ...second, reference: 'PR-001' })).rejects.toBeInstanceOf(DuplicateError);
      expect(await register().get('partnership-2')).toEqual(second);
    });

    it('lets many items wait for a reference', async () => {
      await register().create(aPartnership({ id: 'partnership-1' }), 'key-1');
      await register().create(aPartnership({ id: 'partnership-2' }), 'key-2');

      expect(await register().listByProposer('user-alice')).toHaveLength(2);
    });

    it('refuses a second item with an id already used', async () => {
      await register().create(aPartnership(), 'key-1');

      await expect(register().create(aPartnership({ name: 'Other' }), 'key-2')).rejects.toBeInstanceOf(DuplicateError);
      expect((await register().get('partnership-1'))?.name).toBe('Riverside Health Partnership');
    });

    it('gives an updated item a new etag, which the next update must carry', async () => {
      const created = await register().create(aPartnership(), 'key-1');

      const approved = await register().update({ ...created, status: 'active', reference: 'PR-001' });
      const reviewed = await register().update({ ...approved, nextReviewDue: '2026-03-03' });

      expect(approved.etag).not.toBe(created.etag);
      expect(reviewed.etag).not.toBe(approved.etag);
      expect(await register().get('partnership-1')).toEqual(reviewed);
      expect(reviewed).toMatchObject({ status: 'active', reference: 'PR-001', nextReviewDue: '2026-03-03' });
    });

    it('refuses an update carrying an old etag and keeps the newer item', async () => {
      const created = await register().create(aPartnership(), 'key-1');
      const approved = await register().update({ ...created, status: 'active' });

      await expect(register().update({ ...created, status: 'rejected' })).rejects.toBeInstanceOf(VersionConflictError);
      expect(await register().get('partnership-1')).toEqual(approved);
    });

    it('refuses an update carrying an etag it never issued', async () => {
      const created = await register().create(aPartnership(), 'key-1');

      await expect(register().update({ ...created, etag: 'W/"nonsense"' })).rejects.toBeInstanceOf(VersionConflictError);
      expect(await register().get('partnership-1')).toEqual(created);
    });

    it('lets exactly one of two approvers deciding at once win', async () => {
      const created = await register().create(aPartnership(), 'key-1');

      const { won, lost } = outcomes(
        await Promise.allSettled([
          register().update({ ...created, status: 'active' }),
          register().update({ ...created, status: 'rejected' }),
        ]),
      );

      expect(won).toHaveLength(1);
      expect(lost).toEqual([expect.any(VersionConflictError)]);
      expect(await register().get('partnership-1')).toEqual(won[0]);
    });

    it("lists a proposer's items most recently updated first, and no one else's", async () => {
      const bob = { id: 'user-bob', name: 'Bob Brown' };
      const older = await register().create(aPartnership({ id: 'older', updatedAt: '2025-03-01T10:00:00.000Z' }), 'k1');
      await register().create(aPartnership({ id: 'newer', updatedAt: '2025-03-02T10:00:00.000Z' }), 'k2');
      await register().create(aPartnership({ id: 'bobs', proposer: bob, updatedAt: '2025-03-09T10:00:00.000Z' }), 'k3');
      await register().update({ ...older, updatedAt: '2025-03-04T10:00:00.000Z' });

      expect((await register().listByProposer('user-alice')).map((p) => p.id)).toEqual(['older', 'newer']);
      expect((await register().listByProposer('user-bob')).map((p) => p.id)).toEqual(['bobs']);
      expect(await register().listByProposer('user-carol')).toEqual([]);
    });

    it('lists the items in a status, newest first, following status changes', async () => {
      const first = await register().create(aPartnership({ id: 'first', updatedAt: '2025-03-01T10:00:00.000Z' }), 'k1');
      await register().create(aPartnership({ id: 'second', updatedAt: '2025-03-02T10:00:00.000Z' }), 'k2');
      await register().update({ ...first, status: 'active', updatedAt: '2025-03-03T10:00:00.000Z' });

      expect((await register().listByStatus('proposed')).map((p) => p.id)).toEqual(['second']);
      expect((await register().listByStatus('active')).map((p) => p.id)).toEqual(['first']);
      expect(await register().listByStatus('closed')).toEqual([]);
    });

    it('finds the highest reference of a year, numerically, ignoring other years', async () => {
      expect(await register().latestReference(2026)).toBeUndefined();
      await register().create(aPartnership({ id: 'a', reference: 'PR-2026-009' }), 'k1');
      await register().create(aPartnership({ id: 'b', reference: 'PR-2026-1000' }), 'k2');
      await register().create(aPartnership({ id: 'c', reference: 'PR-2026-099' }), 'k3');
      await register().create(aPartnership({ id: 'd', reference: 'PR-2027-500' }), 'k4');

      expect(await register().latestReference(2026)).toBe('PR-2026-1000');
      expect(await register().latestReference(2025)).toBeUndefined();
    });

    it('lists what may be due on a day: reviews near, agreements outstanding, ends near, representatives leaving, exits; nothing else', async () => {
      const agreed = { at: '2026-01-01T00:00:00.000Z', state: 'yes' as const, link: 'https://example.org/a', documentType: 'terms-of-reference', gaps: [] };
      const active = (id: string, extra: Partial<NewPartnership> = {}) => aPartnership({ id, status: 'active', agreement: agreed, nextReviewDue: '2027-06-01', ...extra });
      await register().create(active('review-near', { nextReviewDue: '2026-07-10' }), 'k1');
      await register().create(active('review-far'), 'k2');
      await register().create(active('no-agreement', { agreement: undefined }), 'k3');
      await register().create(active('partly-agreed', { agreement: { ...agreed, state: 'partly' } }), 'k4');
      await register().create(active('ending', { answers: { name: 'Ending', proposedEndDate: '2026-08-01' } }), 'k5');
      await register().create(active('ending-later', { answers: { name: 'Later', proposedEndDate: '2026-12-01' } }), 'k6');
      await register().create(active('rep-leaving', { representatives: [{ id: 'user-rep', name: 'Rep', until: '2026-06-20' }] }), 'k7');
      await register().create(active('rep-staying', { representatives: [{ id: 'user-rep2', name: 'Rep', until: '2026-09-20' }] }), 'k8');
      await register().create(active('exiting', { status: 'exiting' }), 'k9');
      await register().create(active('closed', { status: 'closed', agreement: undefined, nextReviewDue: '2026-01-01' }), 'k10');
      await register().create(aPartnership({ id: 'proposed', status: 'proposed' }), 'k11');

      const due = await register().listDue({ reviewBy: '2026-07-15', endingBy: '2026-08-14', handoverBy: '2026-06-29' });

      expect(due.map((p) => p.id).sort()).toEqual(['ending', 'exiting', 'no-agreement', 'partly-agreed', 'rep-leaving', 'review-near']);
    });

    it('stops listing an entry once what was due is done', async () => {
      const created = await register().create(aPartnership({ id: 'p', status: 'active', nextReviewDue: '2026-07-01' }), 'k1');
      const query = { reviewBy: '2026-07-15', endingBy: '2026-08-14', handoverBy: '2026-06-29' };
      expect((await register().listDue(query)).map((p) => p.id)).toEqual(['p']);

      await register().update({ ...created, nextReviewDue: '2027-07-01', agreement: { at: '2026-07-01T00:00:00.000Z', state: 'yes', link: 'https://example.org/a', documentType: 'terms-of-reference', gaps: [] } });

      expect(await register().listDue(query)).toEqual([]);
    });
  });
}
