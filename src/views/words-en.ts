/**
 * The views' words in English, by key: every heading, button, fact title and
 * sentence the TypeScript views show (the cards' own words are CARD_TEXT_EN in
 * catalogue.ts). Phrases with values are functions; values arrive already
 * formatted (dates, names). Welsh goes beside this table, key by key; a key
 * without Welsh falls back to these words (catalogue.ts `viewText`).
 */
export const VIEW_TEXT_EN = {
  // Questions and steps
  untitledDraft: (started: string) => `Untitled partnership (started ${started})`,
  requiredMark: ' (required)',
  onlyIf: (condition: string) => ` (only if ${condition})`,
  scored: (scores: readonly (string | number)[]) => `scored ${scores.join(' or ')}`,
  reviewAnswers: 'Review answers',
  next: 'Next',
  notAnswered: 'Not answered',
  submitForApproval: 'Submit for approval',
  complete: 'Complete',

  // Outcome cards of the proposal's checkpoints
  screeningOutcome: {
    statutory: { heading: 'Yes: this is a statutory partnership', explanation: 'Register it in the statutory category. Continue to check whether it is significant, then register it.' },
    partnership: { heading: 'Yes: this is a partnership', explanation: 'It meets every partnership criterion. Continue to check whether it is significant, then register it.' },
    possible: { heading: 'It might be a partnership', explanation: 'You can register it; the approver will judge whether it should be on the register.' },
    'not-a-partnership': { heading: 'This is not a partnership', explanation: 'It will not be entered on the register. Your answers and this decision have been kept.' },
  },
  instead: (what: string, where: string) => `It is ${what}. ${where}`,
  significantHeading: 'This is a significant partnership',
  notSignificantHeading: 'This is not a significant partnership',
  significantExplanation: 'Significant partnerships need a risk assessment and may go through a second approval stage. Continue to register it.',
  notSignificantExplanation: 'None of the significance triggers apply. Continue to register it.',

  // The proposal's summary and submission
  screening: 'Screening',
  screeningSummary: { partnership: 'A partnership', possible: 'Possibly a partnership (for the approver to judge)', 'not-a-partnership': 'Not a partnership' },
  significant: 'Significant',
  significantBecause: (reasons: readonly string[]) => `Yes: ${reasons.join('; ')}`,
  notDone: 'Not done',
  yes: 'Yes',
  no: 'No',
  draftSaved: 'Draft saved',
  draftSavedText: (title: string) => `"${title}" is saved. Come back any time, from any device: choose Continue, or type "my partnerships".`,
  pendingSyncNote: 'SharePoint is not reachable just now; your proposal is saved and will appear in the register shortly.',
  proposalSubmitted: 'Proposal submitted',
  proposalSubmittedText: (name: string) => `"${name}" is waiting for approval. I will tell you when it has been decided.`,
  status: 'Status',
  submitted: 'Submitted',

  // Welcome and help
  welcomeHeading: 'Welcome to the Partnership Register',
  helpHeading: 'How I can help',
  commands: [
    { command: 'register', description: 'Register a partnership' },
    { command: 'check', description: 'Is it a partnership?' },
    { command: 'my partnerships', description: 'Your drafts and proposals' },
    { command: 'pending approvals', description: 'Proposals waiting for your decision' },
    { command: 'due', description: 'What is due on the partnerships you lead or represent' },
    { command: 'review PR-2026-001', description: 'Annual assessment of a partnership (its reference or name)' },
    { command: 'agreement PR-2026-001', description: 'Agreement checklist' },
    { command: 'handover PR-2026-001', description: 'Hand over as representative' },
    { command: 'exit PR-2026-001', description: 'Exit and evaluation' },
    { command: 'help', description: 'What I can do' },
  ] as readonly { readonly command: string; readonly description: string }[],

  // My partnerships
  readyToComplete: 'Ready to complete',
  journeyWhere: { 'screening-outcome': 'Screening outcome', 'significance-outcome': 'Significance outcome', summary: 'Ready to submit' } as Readonly<Record<string, string>>,
  reviewDue: (date: string) => `review due ${date}`,
  agreementState: (state: string) => `agreement ${state}`,
  notChecked: 'not checked',
  olderHidden: (count: number) => `${count} older items are not shown.`,
  entriesUnavailable: 'The partnerships you lead or represent cannot be listed just now (the register is not reachable); try again in a few minutes.',

  // The forms after approval
  partnership: 'Partnership',
  averageScore: 'Average score',
  featuresNeedingAction: 'Features needing action',
  featuresOf: (count: number) => `${count} of 10`,
  decision: 'Decision',
  nextReviewDue: 'Next review due',
  agreement: 'Agreement',
  gaps: 'Gaps',
  recorded: 'Recorded',
  formRecorded: (title: string) => `${title} recorded`,
  completedText: {
    exiting: (startExit: string) => `Recorded in the register. The partnership is now marked as exiting: complete its exit and evaluation next ("exit ${startExit}").`,
    exit: 'The partnership is closed on the register. The evaluation is kept in Partnership Records and the register owners have been told.',
    handover: 'The register now names the incoming representative, and they have been told in Teams.',
    changeToApprove: 'This is a significant change, so it has gone to the approvers; they see each old and new value. The register changes once they approve it, and I will tell you.',
    changeApplied: "The change is applied to the register and recorded with your name and today's date.",
    recorded: 'Recorded in the register, with your answers kept in Partnership Records.',
  },
  reference: 'Reference',
  leadOfficer: 'Lead officer',
  notSet: 'Not set',
  notCheckedYet: 'Not checked yet',
  remindersNotDelivered: 'Reminders not delivered',
  nowRepresentativeHeading: (name: string) => `You now represent us on ${name}`,
  nowRepresentativeText: (aims: string, startReview: string) =>
    `A handover has made you our representative on this partnership.${aims ? ` Its aims: ${aims}` : ''} You can now complete its forms, for example "review ${startReview}".`,
  closedHeading: (name: string) => `${name} has closed`,
  closedText: (by: string) => `${by} completed its exit and evaluation; the evaluation is kept in Partnership Records.`,
  ended: 'Ended',
  whichPartnership: (title: string) => `${title}: which partnership?`,
  moreThanOneMatches: 'More than one partnership matches. Choose one:',
  moreMatch: (count: number) => `${count} more match: type the reference to choose one.`,
  dueDetail: (reference: string, overdue: boolean, date: string) => `${reference} - ${overdue ? 'overdue since' : 'due'} ${date}`,
  moreDue: (count: number) => `${count} more are due.`,
  saved: 'Saved',
  theSubject: 'the partnership',
  formSavedText: (form: string, subject: string) => `Your ${form} for ${subject} is saved. Come back any time: choose Continue, or type "my partnerships".`,

  // Approval cards
  decidedBy: (decided: string, name: string, date: string) => `${decided} by ${name} on ${date}`,
  firstStageApproved: (decision: string) => `Stage 1 approved; waiting for the second stage (${decision})`,
  waitingForDecision: 'Waiting for a decision',
  approvedWithReference: (decision: string, reference: string) => `${decision}. Reference ${reference}`,
  active: 'Active',
  rejected: 'Rejected',
  sentBack: 'Sent back for changes',
  proposalForApproval: 'Proposal for approval',
  proposalDecided: 'Proposal decided',
  stageOf: (stage: number, stages: number) => `${stage} of ${stages}`,
  givenOnApproval: 'Given on approval',
  screeningForApprover: { partnership: 'a partnership', possible: 'possibly a partnership (your judgement is needed)', 'not-a-partnership': 'not a partnership' },
  yesLower: 'yes',
  noLower: 'no',
  pendingDetail: (proposer: string, submitted: string, significant: boolean) => `From ${proposer}, submitted ${submitted}${significant ? ' - significant' : ''}`,
  moreWaiting: (count: number) => `${count} more are waiting.`,

  // Change cards
  changeField: {
    financialContribution: 'Our financial contribution, per year',
    aims: 'Aims and main purpose',
    partnerOrganisations: 'Partner organisations',
    leadOfficer: 'Lead officer',
    meetingLocation: 'Where it meets',
    proposedEndDate: 'Proposed end date',
  },
  notGiven: 'Not given',
  changeForApproval: 'A change for approval',
  changeDecided: 'Change decided',
  waitingForNextStage: (decision: string) => `Waiting for the next stage (${decision})`,
  decided: 'Decided',

  // Register-wide review
  categoryWords: { statutory: 'Statutory', community: 'Non-statutory: community-based', network: 'Network group or forum' } as Readonly<Record<string, string>>,
  reviewsOverdue: 'Reviews overdue',
  agreementsMissing: 'Agreements missing',
  handoversDue: 'Handovers due',
  exitsDue: 'Exits due',
};

export type ViewText = typeof VIEW_TEXT_EN;
