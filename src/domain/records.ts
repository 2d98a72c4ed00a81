import type { ApprovalState } from './approval';
import type { ChangeProposal } from './change';
import type { Person, PersonRef } from './person';

export type { Person, PersonRef } from './person';
import type { DraftStatus, PartnershipStatus } from './lifecycle';
import type { RawAnswers } from './questionnaire';
import type { ScreeningResult } from './screening';
import type { SignificanceResult } from './significance';

/**
 * A proposal being written. Answers are the strings the cards submitted, keyed by
 * question id; `step` is a stable step key (see journey.ts), so adding questions
 * never breaks a draft saved before. `version` is owned by the store: a write based
 * on an older version is refused.
 */
export interface Draft {
  readonly id: string;
  /**
   * The form this response belongs to: absent (or 'proposal') for the proposal
   * journey, which drafts written before forms existed are; otherwise a flow
   * definition's id, answered for the register entry `subjectId`.
   */
  readonly flowId?: string;
  readonly flowVersion?: number;
  readonly subjectId?: string;
  /** The entry's reference and name when the form was started, for the card's title. */
  readonly subjectTitle?: string;
  /** The people the person questions name, resolved through the directory, by Entra id. */
  readonly people?: Readonly<Record<string, PersonRef>>;
  readonly ownerId: string;
  readonly ownerName: string;
  readonly status: DraftStatus;
  readonly answers: RawAnswers;
  readonly step: string;
  readonly returnToSummary: boolean;
  readonly screening?: ScreeningResult;
  readonly significance?: SignificanceResult;
  /** Set once submitted: the register item it became. */
  readonly partnershipId?: string;
  /** Comment from an approver who sent it back. */
  readonly changesRequested?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly version: number;
}

export type NewDraft = Omit<Draft, 'version'>;

/**
 * One item of the Partnership Register. `etag` is the store's concurrency token
 * (SharePoint's odata.etag, or a version in SQLite): an update must carry the etag
 * it read and is refused if the item changed since.
 */
export interface Partnership {
  readonly id: string;
  readonly reference?: string;
  readonly name: string;
  readonly status: PartnershipStatus;
  readonly category: string;
  readonly proposer: Person;
  /** The lead's email (older records: what was typed); `lead` names them as a person. */
  readonly leadOfficer: string;
  /** The lead, an officer or an elected Member, as a person (Entra id), from the registration. */
  readonly lead?: PersonRef;
  /** Who the person answers name, by Entra id, so cards and the register show names. */
  readonly people?: Readonly<Record<string, PersonRef>>;
  readonly significant: boolean;
  readonly screening: ScreeningResult;
  readonly significance: SignificanceResult;
  readonly answers: RawAnswers;
  readonly draftId: string;
  readonly submittedAt: string;
  readonly updatedAt: string;
  readonly nextReviewDue?: string;
  readonly approvedAt?: string;
  /** Set by the annual assessment (DOMAIN 1.7). */
  readonly lastReviewedAt?: string;
  readonly latestAssessment?: LatestAssessment;
  /**
   * The representatives as people (Entra ids), with the date each started: from
   * the registration, then kept by handovers. Records registered before people
   * were ids have none here; their free-text answers stay for what they said.
   */
  readonly representatives?: readonly (PersonRef & { readonly since?: string; /** Their last day (YYYY-MM-DD), when known: the handover reminder's date. */ readonly until?: string })[];
  /** Set when the exit and evaluation is completed (YYYY-MM-DD). */
  readonly endedAt?: string;
  /** A significant change waiting for the approvers (at most one at a time). */
  readonly pendingChange?: ChangeProposal;
  /** Significant changes decided, oldest first. */
  readonly changeLog?: readonly ChangeProposal[];
  /** Set by the agreement checklist. */
  readonly agreement?: AgreementOnEntry;
  /** Reminders that could not reach their person (DOMAIN 3: the register shows it), newest last, the last few kept. */
  readonly undeliveredReminders?: readonly UndeliveredReminder[];
  /** Who may decide, at which stage, and every decision taken (DOMAIN 1.4). */
  readonly approval?: ApprovalState;
  /**
   * Set by a store whose copy of what authorises (proposer, approval route and
   * decisions) was altered outside the bot, e.g. the SharePoint item's sealed
   * BotRecord no longer verifies. Nobody may decide such a record and only the
   * register owners may see it, until they put it right.
   */
  readonly tampered?: boolean;
  readonly etag: string;
}

export type NewPartnership = Omit<Partnership, 'etag'>;

export interface LatestAssessment {
  readonly at: string;
  readonly averageScore: number;
  readonly needingAction: number;
  readonly decision: string;
}

export interface UndeliveredReminder {
  readonly at: string;
  readonly kind: string;
  readonly stage: string;
  readonly due: string;
  /** Who it was for, as the register or configuration names them. */
  readonly recipient: string;
  /** Who it went to instead, if anyone was left in the chain. */
  readonly handedTo?: string;
}

export interface AgreementOnEntry {
  readonly at: string;
  readonly state: 'yes' | 'partly' | 'no';
  readonly link: string;
  readonly documentType: string;
  /** Element codes not fully covered. */
  readonly gaps: readonly string[];
}

/**
 * One completed form about a register entry (DOMAIN 4, the Partnership Records
 * list): an assessment, an agreement check, a handover, an evaluation. Codes in
 * `outcome`; `answers` as the engine stored them, with the definition they were
 * written against.
 */
export interface PartnershipRecord {
  readonly id: string;
  readonly kind: string;
  readonly subjectId: string;
  readonly reference?: string;
  readonly at: string;
  readonly by: Person;
  readonly flowId: string;
  readonly flowVersion: number;
  readonly summary: string;
  readonly score?: number;
  readonly decision?: string;
  readonly outcome: Readonly<Record<string, unknown>>;
  readonly answers: RawAnswers;
}

/**
 * The etag of an item whose latest write is kept locally because the register
 * could not be reached: it is not in the register yet, and will be shortly.
 */
export const PENDING_SYNC_ETAG_PREFIX = 'pending-sync:';

export function isPendingSync(partnership: Pick<Partnership, 'etag'>): boolean {
  return partnership.etag.startsWith(PENDING_SYNC_ETAG_PREFIX);
}

export interface AuditEntry {
  readonly subjectId: string;
  readonly at: string;
  readonly actor: Person;
  readonly action: string;
  readonly comment?: string;
  readonly data?: Readonly<Record<string, unknown>>;
}
