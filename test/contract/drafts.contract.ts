import { DuplicateError, VersionConflictError } from '../../src/domain/errors';
import type { Drafts } from '../../src/ports/drafts';
import { aDraft } from '../fixtures/builders';
import { outcomes, scribbleOn, useFreshStore, type OpenStore } from './open-store';

export function describeDraftsContract(name: string, open: OpenStore<Drafts>): void {
  describe(`Drafts contract: ${name}`, () => {
    const drafts = useFreshStore(open);

    it('gives back a created draft at version 1', async () => {
      const created = await drafts().create(aDraft({ answers: { name: 'Canal Trust', funding: '60000' } }));

      expect(created).toEqual({ ...aDraft({ answers: { name: 'Canal Trust', funding: '60000' } }), version: 1 });
      expect(await drafts().get('draft-1')).toEqual(created);
    });

    it('knows nothing of a draft never created', async () => {
      expect(await drafts().get('no-such-draft')).toBeUndefined();
    });

    it('keeps its own copy, whatever callers do to theirs', async () => {
      const input = aDraft();
      const created = await drafts().create(input);
      scribbleOn(input.answers);
      scribbleOn(created.answers);
      scribbleOn((await drafts().get('draft-1'))!.answers);

      expect((await drafts().get('draft-1'))?.answers.name).toBe('Riverside Health Partnership');
    });

    it('refuses a second draft with an id already used', async () => {
      await drafts().create(aDraft());

      await expect(drafts().create(aDraft({ ownerId: 'user-bob' }))).rejects.toBeInstanceOf(DuplicateError);
      expect((await drafts().get('draft-1'))?.ownerId).toBe('user-alice');
    });

    it('stores an update as the next version', async () => {
      const created = await drafts().create(aDraft());

      const updated = await drafts().update({ ...created, step: 'significance', updatedAt: '2025-03-03T09:05:00.000Z' });

      expect(updated).toMatchObject({ step: 'significance', version: 2 });
      expect(await drafts().get('draft-1')).toEqual(updated);
    });

    it('refuses an update based on an older version and keeps the newer one', async () => {
      const created = await drafts().create(aDraft());
      const newer = await drafts().update({ ...created, step: 'significance' });

      await expect(drafts().update({ ...created, step: 'stale' })).rejects.toBeInstanceOf(VersionConflictError);
      expect(await drafts().get('draft-1')).toEqual(newer);
    });

    it('refuses an update of a draft never created', async () => {
      await expect(drafts().update({ ...aDraft(), version: 1 })).rejects.toBeInstanceOf(VersionConflictError);
      expect(await drafts().get('draft-1')).toBeUndefined();
    });

    it('lets exactly one of two updates from the same version win', async () => {
      const created = await drafts().create(aDraft());

      const { won, lost } = outcomes(
        await Promise.allSettled([
          drafts().update({ ...created, step: 'first' }),
          drafts().update({ ...created, step: 'second' }),
        ]),
      );

      expect(won).toHaveLength(1);
      expect(lost).toEqual([expect.any(VersionConflictError)]);
      expect(await drafts().get('draft-1')).toEqual(won[0]);
      expect(won[0].version).toBe(2);
    });

    it("never shows one person another person's drafts", async () => {
      await drafts().create(aDraft({ id: 'alice-1', ownerId: 'user-alice' }));
      await drafts().create(aDraft({ id: 'bob-1', ownerId: 'user-bob', ownerName: 'Bob Brown' }));
      await drafts().create(aDraft({ id: 'alice-2', ownerId: 'user-alice' }));

      expect((await drafts().listByOwner('user-alice')).map((d) => d.id).sort()).toEqual(['alice-1', 'alice-2']);
      expect((await drafts().listByOwner('user-bob')).map((d) => d.id)).toEqual(['bob-1']);
      expect(await drafts().listByOwner('user-carol')).toEqual([]);
    });

    it('lists drafts most recently updated first, the later-created first on a tie', async () => {
      await drafts().create(aDraft({ id: 'oldest', updatedAt: '2025-03-01T09:00:00.000Z' }));
      const revised = await drafts().create(aDraft({ id: 'revised', updatedAt: '2025-03-02T09:00:00.000Z' }));
      await drafts().create(aDraft({ id: 'tied-first', updatedAt: '2025-03-04T09:00:00.000Z' }));
      await drafts().create(aDraft({ id: 'tied-second', updatedAt: '2025-03-04T09:00:00.000Z' }));
      await drafts().update({ ...revised, updatedAt: '2025-03-05T09:00:00.000Z' });

      const listed = await drafts().listByOwner('user-alice');

      expect(listed.map((d) => d.id)).toEqual(['revised', 'tied-second', 'tied-first', 'oldest']);
      expect(listed[0].version).toBe(2);
    });
  });
}
