import { resolvePeople } from '../../src/use-cases/people-answers';
import { LEAD, REPRESENTATIVE, testPeople } from '../fixtures/builders';

describe('resolving the people answers name through the directory', () => {
  const questions = [
    { id: 'lead', label: 'Lead', type: 'person' as const },
    { id: 'panel', label: 'Panel', type: 'people' as const },
    { id: 'reps', label: 'Representatives', type: 'rows' as const, columns: [{ id: 'who', label: 'Who', type: 'person' as const }] },
  ];

  it('stores every person as their Entra id, with who they are beside the answers', async () => {
    const found = await resolvePeople({ people: testPeople() }, questions, { lead: LEAD.email, panel: `${REPRESENTATIVE.email}; ${LEAD.id}`, reps: JSON.stringify([{ who: REPRESENTATIVE.email }]) }, {});
    expect(found.errors).toEqual({});
    expect(found.answers).toEqual({ lead: LEAD.id, panel: `${REPRESENTATIVE.id},${LEAD.id}`, reps: JSON.stringify([{ who: REPRESENTATIVE.id }]) });
    expect(found.people).toEqual({ [LEAD.id]: LEAD, [REPRESENTATIVE.id]: REPRESENTATIVE });
  });

  it('names the unknown person under the question or the cell, and keeps the answers as typed', async () => {
    const found = await resolvePeople({ people: testPeople() }, questions, { panel: `${LEAD.email}, ghost@example.org`, reps: JSON.stringify([{ who: 'nobody@example.org' }]) }, {});
    expect(found.errors).toEqual({ panel: { code: 'unknown-person', value: 'ghost@example.org' }, 'reps.0.who': { code: 'unknown-person', value: 'nobody@example.org' } });
    expect(found.answers.panel).toBe(`${LEAD.email}, ghost@example.org`);
  });
});
