import type { ApprovalRoute, DecisionRecord, RouteNote } from '../domain/approval';
import type { DraftStatus, PartnershipStatus } from '../domain/lifecycle';
import type { Journey } from '../domain/journey';
import type { ArrangementKind } from '../domain/screening';
import { FUNDING_OVER_THRESHOLD, type SignificanceResult } from '../domain/significance';
import type { Problem } from '../domain/questionnaire';
import type { CommentProblem } from '../use-cases/decide-proposal';
import { VIEW_TEXT_EN, type ViewText } from './words-en';

export type { ViewText } from './words-en';

/**
 * The engine's own words, one dictionary per language; a definition's words
 * (questions, choices) live in its JSON. Welsh (`cy`) falls back to English
 * word by word, never to a blank: the catalogue is the groundwork, the
 * translation a later piece of work.
 */
export type Locale = 'en' | 'cy';

type ProblemWords = { readonly [C in Problem['code']]: (p: Extract<Problem, { code: C }>) => string };

interface Phrases {
  /** Said when something failed unexpectedly; the card is left as it was, answers and all. */
  readonly tryAgain: string;
  readonly buttonRetired: string;
  /** Under the help card, when a typed message is not a command. */
  readonly notRecognised: string;
  readonly proposalDecided: string;
  readonly changeDecided: string;
  readonly commentRequired: (decision: 'reject' | 'request-changes') => string;
  readonly commentTooLong: (limit: number, length: number) => string;
  readonly decided: (decision: DecisionRecord['decision']) => string;
  readonly alreadyDecided: (what: string) => string;
  readonly approverUnreachableHeading: string;
  readonly approverUnreachable: (name: string, count: number, who: string) => string;
  readonly pendingSyncOnCard: string;
  readonly routeNote: Readonly<Record<RouteNote, string>>;
  readonly tamperedHeading: string;
  readonly tampered: (name: string) => string;
  /** Repeatable rows on a card (risks, actions): what one is called when the definition does not say, and the buttons. */
  readonly row: string;
  readonly newRow: (name: string, first: boolean) => string;
  readonly addRow: string;
  readonly removeRow: string;
}

interface Words {
  readonly problem: ProblemWords;
  readonly say: Phrases;
}

const EN: Words = {
  problem: {
    required: () => 'This answer is required.',
    'yes-or-no': () => 'Please choose Yes or No.',
    'choose-option': () => 'Please choose one of the options.',
    'choose-listed': () => 'Please choose from the options listed.',
    date: () => 'Please enter a real date (YYYY-MM-DD).',
    'date-before': (p) => `This date must not be before ${p.other}.`,
    amount: () => 'Please enter an amount of 0 or more, in pounds (for example 1500, 1,500.50 or £1,500).',
    url: () => 'Please enter a web link starting with https://',
    email: () => 'Please enter an email address, for example sam.smith@example.org.',
    'too-long': (p) => `Please keep this under ${p.limit} characters (you entered ${p.length}).`,
    clipped: (p) => `That was ${p.length} characters; the limit is ${p.limit}, so only the first ${p.limit} were kept. Please shorten it.`,
    'list-too-long': (p) => `Please list at most ${p.max} entries.`,
    person: () => 'Please choose a person, or type their work email.',
    contradicts: (p) => `This does not agree with "${p.other}" (${p.answer}). Please check both answers.`,
    'unknown-person': (p) => `No one called ${p.value} was found in the directory. Check the email, or choose them from the list.`,
    'people-unavailable': () => 'The directory could not be asked just now. Your answers are kept: please try again in a minute.',
  },
  say: {
    tryAgain: 'Sorry, I could not do that just now. Nothing you entered is lost: your answers are still on the card, so please try again in a minute.',
    buttonRetired: 'That button is no longer in use.',
    notRecognised: 'I did not recognise that. Choose a button, or type one of the commands above.',
    proposalDecided: 'Your proposal has been decided',
    changeDecided: 'Your change has been decided',
    commentRequired: (decision) => (decision === 'reject' ? 'Please say why it is rejected.' : 'Please say what needs to change.'),
    commentTooLong: (limit, length) => `Please keep the comment under ${limit} characters (it has ${length}).`,
    decided: (decision) => ({ approve: 'approved', 'request-changes': 'sent back for changes', reject: 'rejected' })[decision],
    alreadyDecided: (what) => `Already ${what}. Nothing was changed.`,
    approverUnreachableHeading: 'An approver could not be reached',
    approverUnreachable: (name, count, who) =>
      `The approval request for "${name}" could not be delivered to ${count} approver(s) (${who}): they may have left, blocked the bot or not installed it. The proposal is kept and still waiting.`,
    pendingSyncOnCard: 'SharePoint is not reachable just now; this is saved and the register will be updated shortly.',
    routeNote: {
      'local-mode': 'Local mode: no approvers are configured, so you approve your own proposals.',
      'no-manager': 'Your line manager could not be found in the directory, so this went to the central approvers.',
      'manager-is-second-stage': 'Your line manager is the second-stage approver, so the first stage went to the central approvers.',
      'additional-funds': 'Additional funds are needed, so senior management decides a second stage (even though it is not significant).',
    },
    row: 'Entry',
    newRow: (name, first) => (first ? `${name} 1` : `Another ${name.toLowerCase()} (leave blank if none)`),
    addRow: 'Save and add another',
    removeRow: 'Remove',
    tamperedHeading: 'A register item needs checking',
    tampered: (name) =>
      `Someone tried to decide "${name}", but its approval details (who proposed it, who may decide) were changed outside the bot, so the decision was refused. Please check the item's version history in SharePoint and resubmit or correct it.`,
  },
};

const CY: { readonly problem: Partial<ProblemWords>; readonly say: Partial<Phrases> } = { problem: {}, say: {} };

/** A phrase of the engine's own, in the locale's language where there is one. */
export function say<K extends keyof Phrases>(locale: Locale, key: K): Phrases[K] {
  return (locale === 'cy' ? CY.say[key] : undefined) ?? EN.say[key];
}

/** The card's note on an unusual route: from its code, or the words an older build stored. */
export function routeNoteText(route: ApprovalRoute | undefined, locale: Locale = 'en'): string {
  if (!route) return '';
  return route.routeNote ? say(locale, 'routeNote')[route.routeNote] : route.note ?? '';
}

export function commentProblemText(locale: Locale, problem: CommentProblem | undefined): string {
  if (!problem) return '';
  return problem.code === 'comment-required' ? say(locale, 'commentRequired')(problem.decision) : say(locale, 'commentTooLong')(problem.limit, problem.length);
}

/** Statuses as people read them on cards (SharePoint's Choice column keeps its own fixed table). */
export const STATUS_LABEL: Readonly<Record<PartnershipStatus | DraftStatus, string>> = {
  draft: 'Draft',
  'screened-out': 'Not a partnership',
  submitted: 'Submitted',
  proposed: 'Awaiting approval',
  'changes-requested': 'Changes requested',
  active: 'Active',
  rejected: 'Rejected',
  exiting: 'Exiting',
  closed: 'Closed',
};

/**
 * What an arrangement is instead of a partnership ("It is ..."), and where it
 * is managed (DOMAIN 1.1).
 */
export const ARRANGEMENT_LABEL: Readonly<Record<ArrangementKind, { readonly what: string; readonly where: string }>> = {
  'service-agreement': { what: 'a service agreement', where: 'Agree it as a service level agreement with the service that provides it.' },
  contract: { what: 'a contract: one side delivers a service for the other, for payment', where: 'It is managed through procurement and contract management.' },
  grant: { what: 'joint working through grant funding', where: 'It is managed through the grants process.' },
  sponsorship: { what: 'a sponsorship', where: 'It is agreed and managed under the sponsorship arrangements, not the register.' },
  'one-off': { what: 'a one-off activity or service', where: 'The service doing it manages it; it is not registered.' },
  'statutory-duty': { what: 'a statutory duty we carry out ourselves', where: 'The service responsible for the duty manages it.' },
  consortium: { what: 'a consortium', where: 'It is managed through the bid or purchasing arrangements it serves.' },
  'shared-service': { what: 'a shared service', where: 'It is managed through the shared service agreement between the authorities.' },
  'joint-working': { what: 'joint working', where: 'Record it in the service plan of the team taking part; it is not registered.' },
  'one-sided': { what: 'help that benefits one side only', where: 'If we provide it, it is a service; if we fund it, a grant: manage it that way.' },
  'core-service': { what: 'a service we must provide', where: 'The service responsible manages it through its own plans.' },
};

/** Why screening reached its outcome, one line per reason code (DOMAIN 1.1). */
export const SCREENING_REASON: Readonly<Record<string, string>> = {
  'excluded:service-level-agreement': 'It is a service level agreement.',
  'excluded:service-for-payment': 'One side delivers a service to the other for payment, with no shared objectives.',
  'excluded:grant': 'It is a grant or community funding agreement.',
  'excluded:sponsorship': 'It is a sponsorship.',
  'excluded:one-off': 'It is a one-off activity or service.',
  'excluded:duty-only': 'It is a duty we carry out ourselves because the law or a management agreement requires it.',
  'excluded:consortium': 'We take part as a member of a consortium.',
  'excluded:shared-service': 'Another authority carries out our functions (a shared service).',
  'excluded:no-formal-agreement': 'It is a group or forum without a formal agreement signed by the partners.',
  'met:mutually-beneficial': 'It is mutually beneficial.',
  'met:adds-value': 'It adds value beyond what each organisation would achieve alone.',
  'met:voluntary': 'We take part voluntarily.',
  'met:discretionary': 'It is a discretionary activity for us.',
  'unmet:mutually-beneficial': 'It does not benefit both sides: a partnership must be mutually beneficial.',
  'unmet:adds-value': 'It adds nothing beyond what each organisation would do alone.',
  'unmet:voluntary': 'We are required to do it, rather than choosing to.',
  'unmet:discretionary': 'It is not a discretionary activity: it is something we must provide.',
  'statutory-body': 'The law requires us to take part in it as a partnership body: it is a statutory partnership, and the voluntary and discretionary criteria do not apply.',
  'added-value-on-top': 'We have to do it, but the way we do it adds extra, added-value activity.',
};

/** Why a partnership is significant, one line per reason code; sentences from older records are shown as they are. */
export function significanceReasonTexts(journey: Journey, result: SignificanceResult | undefined): string[] {
  if (!result) return [];
  const pounds = (n: number) => `£${n.toLocaleString('en-GB', { maximumFractionDigits: 2 })}`;
  const questions = new Map(journey.significance.sections.flatMap((s) => s.questions).map((q) => [q.id, q] as const));
  return result.reasons.map((reason) => {
    if (reason === FUNDING_OVER_THRESHOLD) {
      return `Funding at risk of ${pounds(result.fundingAtRisk ?? 0)} is over the ${pounds(result.threshold ?? journey.fundingThreshold)} threshold`;
    }
    const question = reason.startsWith('trigger:') ? questions.get(reason.slice('trigger:'.length)) : undefined;
    return question ? question.rule?.reason ?? question.label : reason;
  });
}

/** A screening reason in words; a record written before reasons were codes holds its sentence, shown as it is. */
export function screeningReasonText(reason: string): string {
  return SCREENING_REASON[reason] ?? reason;
}

/** The button that completes each form after approval. */
export const COMPLETE_TITLE: Readonly<Record<string, string>> = {
  assessment: 'Record the assessment',
  agreement: 'Record the checklist',
  handover: 'Record the handover',
  exit: 'Close the partnership',
  change: 'Record the change',
};

/** An annual assessment's decision. */
export const ASSESSMENT_DECISION_LABEL: Readonly<Record<string, string>> = {
  continue: 'Continue as it is',
  'continue-with-changes': 'Continue, with changes',
  exit: 'Exit the partnership',
};

/** Whether a partnership's agreement is in place, as the agreement checklist found it. */
export const AGREEMENT_LABEL: Readonly<Record<'yes' | 'partly' | 'no', string>> = { yes: 'In place', partly: 'Partly in place', no: 'Not in place' };

/** What each kind of task on "What's due" is. */
export const TASK_LABEL: Readonly<Record<'assessment' | 'agreement' | 'exit', string>> = {
  assessment: 'Annual assessment',
  agreement: 'Agreement checklist',
  exit: 'Exit and evaluation',
};

/**
 * The words on the cards (cards/*.card.json read them as `${$root.t.<key>}`), by
 * key. Phrases with values are built by the views; a definition's own words
 * (questions, choices) live in its JSON.
 */
const CARD_TEXT_EN = {
  orTypeTheirWorkEmails: 'or type their work emails, separated by commas',
  byStatus: 'By status',
  runningByCategory: 'Running partnerships by category',
  needingAttention: 'Needing attention',
  updated: "updated",
  submittedOn: "submitted",
  refresh: "Refresh",
  proposedBy: "Proposed by",
  submitted: "Submitted",
  category: "Category",
  stage: "Stage",
  reference: "Reference",
  screening: "Screening",
  significant: "Significant",
  history: "History",
  commentRequiredToRejectOr: "Comment (required to reject or request changes)",
  approve: "Approve",
  requestChanges: "Request changes",
  reject: "Reject",
  makeTheChanges: "Make the changes",
  on: "On",
  why: "Why",
  now: "Now: ",
  proposed: "Proposed: ",
  commentRequiredToReject: "Comment (required to reject)",
  approveTheChange: "Approve the change",
  rejectTheChange: "Reject the change",
  whatsDue: "What's due",
  nothingIsDueOnThe: "Nothing is due on the partnerships you lead or represent.",
  start: "Start",
  myPartnerships: "My partnerships",
  continue: "Continue",
  youHaveNoDraftsProposals: "You have no drafts, proposals or partnerships yet. Choose Register a partnership to start one.",
  drafts: "Drafts",
  partnershipsYouLeadOrRepresent: "Partnerships you lead or represent",
  review: "Review",
  agreement: "Agreement",
  handover: "Handover",
  exit: "Exit",
  proposals: "Proposals",
  registerAPartnership: "Register a partnership",
  waitingForMyDecision: "Waiting for my decision",
  because: "Because:",
  changeMyAnswers: "Change my answers",
  saveAndClose: "Save and close",
  waitingForYourDecision: "Waiting for your decision",
  nothingIsWaitingForYou: "Nothing is waiting for you.",
  open: "Open",
  theApproverAskedForChanges: "The approver asked for changes:",
  yes: "Yes",
  no: "No",
  choose: "Choose...",
  searchTheDirectory: "Search the directory",
  orTypeTheirWorkEmail: "or type their work email",
  back: "Back",
  checkYourAnswers: "Check your answers",
  edit: "Edit",
  iKeepTheOrganisationsPartnership: "I keep the organisation's partnership register. I can check whether an arrangement is a partnership, walk you through registering one for approval, and keep track of your drafts and proposals.",
  youCanAlsoType: "You can also type:",
  isItAPartnership: "Is it a partnership?",
  help: "Help",
  emailExample: "name@example.org",
  linkExample: "https://",
} as const;

export type CardWords = { readonly [K in keyof typeof CARD_TEXT_EN]: string };
const CARD_TEXT_CY: Partial<CardWords> = {};

/** Every word a card shows, in the locale's language where there is one, else English. */
export function cardWords(locale: Locale): CardWords {
  return locale === 'cy' ? { ...CARD_TEXT_EN, ...CARD_TEXT_CY } : CARD_TEXT_EN;
}

const VIEW_TEXT_CY: Partial<ViewText> = {};

/** The views' words (words-en.ts), in the locale's language where there is one, else English, key by key. */
export function viewText(locale: Locale): ViewText {
  return locale === 'cy' ? { ...VIEW_TEXT_EN, ...VIEW_TEXT_CY } : VIEW_TEXT_EN;
}

/** `Step 2 of 11`. */
export function stepText(locale: Locale, number: number, total: number): string {
  return locale === 'cy' ? `Cam ${number} o ${total}` : `Step ${number} of ${total}`;
}

/** DOMAIN 3's reminders, in words: what each is about and what each stage says (dates already formatted). */
type ReminderKindCode = 'assessment' | 'agreement' | 'handover' | 'exit';

export const REMINDER_WORDS = {
  what: { assessment: 'Annual assessment', agreement: 'Partnership agreement', handover: 'Representative handover', exit: 'Exit and evaluation' } as Readonly<Record<ReminderKindCode, string>>,
  button: { assessment: 'Start the assessment', agreement: 'Record the agreement', handover: 'Start the handover', exit: 'Start the exit' } as Readonly<Record<ReminderKindCode, string>>,
  dueLabel: { assessment: 'Review due', agreement: 'Agreement due', handover: 'Last day as representative', exit: 'Proposed end date' } as Readonly<Record<ReminderKindCode, string>>,
  heading(kind: ReminderKindCode, stage: string, escalation: boolean): string {
    const what = REMINDER_WORDS.what[kind];
    if (escalation) return `Overdue, for your attention: ${what.toLowerCase()}`;
    if (stage.startsWith('snoozed')) return `Reminder (snoozed): ${what.toLowerCase()}`;
    if (stage.startsWith('repeat') || stage === 'evaluation') return `Overdue: ${what.toLowerCase()}`;
    return `Reminder: ${what.toLowerCase()}`;
  },
  text(kind: ReminderKindCode, stage: string, due: string, partnership: string, escalation: boolean, handedFrom?: string): string {
    const lines: string[] = [];
    if (handedFrom) lines.push(`This reminder could not be delivered to ${handedFrom}, so it comes to you.`);
    if (escalation) lines.push(`${REMINDER_WORDS.what[kind]} for ${partnership} is overdue (due ${due}) and has been escalated to you.`);
    else if (kind === 'assessment') lines.push(stage === 'notice' ? `The annual assessment of ${partnership} is due on ${due}.` : `The annual assessment of ${partnership} was due on ${due}.`);
    else if (kind === 'agreement') lines.push(`${partnership} has no partnership agreement (or terms of reference) recorded in full. Please record it with the agreement checklist (due ${due}).`);
    else if (kind === 'handover') lines.push(`Your last day as representative on ${partnership} is ${due}. Please hand over to the incoming representative.`);
    else if (stage === 'plan') lines.push(`${partnership} is due to end on ${due}: time to plan the exit.`);
    else if (stage === 'end') lines.push(`${partnership} ends today (${due}). Please complete its exit and evaluation.`);
    else lines.push(`The exit evaluation of ${partnership}, which ended on ${due}, is due.`);
    return lines.join(' ');
  },
  snooze: (days: number) => `Snooze ${days} days`,
  notMe: 'Not me: hand over',
  snoozedHeading: 'Snoozed',
  snoozed: (when: string) => `I will remind you again on ${when}.`,
  notDue: 'This is no longer due: there is nothing to snooze.',
  undeliveredHeading: 'Reminder not delivered',
  reviewHeading: (year: string) => `Register-wide review ${year}`,
  reviewText: 'The annual review of the partnership register: the figures as they stand today.',
  failedJobsHeading: 'Some work could not be done',
  failedJobs: (count: number) =>
    `${count} piece${count === 1 ? '' : 's'} of work the bot does after answering people (cards, notices, reminders) failed after every retry and ${count === 1 ? 'is' : 'are'} kept as failed. The bot's logs name each one; please ask whoever runs the bot to look at them.`,
} as const;

/** `en-GB`, `cy-GB`, `cy`: the language of an activity's locale that we have words for. */
export function localeOf(tag: string | undefined): Locale {
  return typeof tag === 'string' && /^cy\b/i.test(tag) ? 'cy' : 'en';
}

/** A problem with an answer, in words. */
export function problemText(locale: Locale, problem: Problem | undefined): string {
  if (!problem) return '';
  const say = ((locale === 'cy' ? CY.problem[problem.code] : undefined) ?? EN.problem[problem.code]) as (p: Problem) => string;
  return say(problem);
}

/** Which problem codes, card words and view words have no Welsh yet (listed by a test, so the gap is visible). */
export function untranslated(): string[] {
  const problems = (Object.keys(EN.problem) as Problem['code'][]).filter((code) => CY.problem[code] === undefined);
  const cardText = (Object.keys(CARD_TEXT_EN) as (keyof CardWords)[]).filter((key) => CARD_TEXT_CY[key] === undefined).map((key) => `card:${key}`);
  const viewKeys = (Object.keys(VIEW_TEXT_EN) as (keyof ViewText)[]).filter((key) => VIEW_TEXT_CY[key] === undefined).map((key) => `view:${key}`);
  return [...problems, ...cardText, ...viewKeys];
}
