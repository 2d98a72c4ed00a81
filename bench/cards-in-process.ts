import { renderChangeApproval } from '../src/views/change-views';
import { renderEntryPick } from '../src/views/form-views';
import { loadFlows } from '../src/questionnaires';
import type { ChangeProposal } from '../src/domain/change';
import type { Partnership } from '../src/domain/records';
import { aPartnership, proposalAnswers, registrationAnswers } from '../test/fixtures/builders';
import type { CardSamples } from './cards';

/**
 * Cards the bench conversations do not reach (a change waiting for approval
 * needs a lead officer's change form; a pick needs several matching entries):
 * expanded here, in the bench process, through the same render functions the
 * bot calls, with fixture data at its largest realistic shape, timed around
 * src/views/templates.ts's expandCard as the preload does inside the bot.
 */

const RUNS = 300;
const WARM_UP = 30;

function entries(count: number): Partnership[] {
  return Array.from({ length: count }, (_, i) => ({
    etag: '"1"',
    ...aPartnership({
      id: `p-${i + 1}`,
      reference: `PR-2026-${String(i + 1).padStart(3, '0')}`,
      name: `Riverside Health Partnership ${i + 1} with a name as long as people give them`,
      status: 'active',
      nextReviewDue: '2027-04-01',
      answers: proposalAnswers({ name: `Riverside Health Partnership ${i + 1}` }),
    }),
  }));
}

function aChange(): ChangeProposal {
  const was = registrationAnswers();
  return {
    id: 'change-1',
    changes: [
      { field: 'financialContribution', before: was.financialContribution, after: '40000' },
      { field: 'aims', before: was.aims, after: `${was.aims} Extended to the Northfield estates from next April, with a second clinic.` },
      { field: 'partnerOrganisations', before: was.partnerOrganisations, after: `${was.partnerOrganisations}\nNorthfield Community Trust` },
      { field: 'leadOfficer', before: was.leadOfficer, after: 'bob.brown@example.org' },
      { field: 'meetingLocation', before: was.meetingLocation, after: 'Central Library, room 2' },
      { field: 'proposedEndDate', before: was.proposedEndDate, after: '2031-03-31' },
    ],
    reason: 'The council doubles its support and the partnership takes on the Northfield estates.',
    by: { id: 'aad-lena-lead', name: 'Lena Lead', tenantId: 'tenant-1' },
    at: '2026-06-01T10:00:00.000Z',
    approval: { route: { stages: [Array.from({ length: 20 }, (_, i) => `aad-approver-${i + 1}`)], selfApprovalAllowed: false }, stage: 1, history: [] },
  };
}

/** name -> the render call that expands it. */
const RENDERS: Readonly<Record<string, () => unknown>> = {
  'entry-pick': () => renderEntryPick([...loadFlows().values()][0], entries(20)),
  'change-approval': () => renderChangeApproval(entries(1)[0], aChange(), { canDecide: true }, Array.from({ length: 20 }, (_, i) => `29:approver-${i + 1}`)),
};

/** Times the expansions of `names` (those the run did not show) in this process. */
export function expandInProcess(names: readonly string[]): Record<string, CardSamples> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const templates = require('../src/views/templates') as { expandCard: (name: string, data: object) => unknown };
  const expand = templates.expandCard;
  const samples: Record<string, CardSamples> = {};
  let recording = false;
  templates.expandCard = (name: string, data: object) => {
    const t0 = process.hrtime.bigint();
    const card = expand(name, data);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (recording) {
      samples[name] ??= { durationsMs: [], bytes: [] };
      samples[name].durationsMs.push(ms);
      samples[name].bytes.push(Buffer.byteLength(JSON.stringify(card)));
    }
    return card;
  };
  try {
    for (const name of names) {
      const render = RENDERS[name];
      if (!render) continue;
      for (let i = 0; i < WARM_UP; i++) render();
      recording = true;
      for (let i = 0; i < RUNS; i++) render();
      recording = false;
    }
  } finally {
    templates.expandCard = expand;
  }
  return samples;
}
