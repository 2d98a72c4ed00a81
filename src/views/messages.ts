import type { ErrorCode } from '../domain/errors';

/** The one place error codes become words a person reads. */
export const MESSAGE: Readonly<Record<ErrorCode, { readonly heading: string; readonly text: string }>> = {
  DRAFT_NOT_FOUND: { heading: 'Draft not found', text: 'That draft no longer exists. Your other drafts are listed under My partnerships.' },
  NOT_YOUR_DRAFT: { heading: 'Not your draft', text: 'That card belongs to someone else\'s draft, so I can\'t show or change it. Your own drafts are listed under My partnerships.' },
  STALE_CARD: { heading: 'This card was out of date', text: 'This card was out of date (the draft changed since, perhaps on another device), so nothing was changed. Here is where your draft stands now.' },
  INVALID_ANSWERS: { heading: 'Some answers need attention', text: 'Please check the answers marked below.' },
  ILLEGAL_TRANSITION: { heading: 'That step is not available', text: 'That is not possible at this stage, so nothing was changed. Here is where your draft stands.' },
  ALREADY_SUBMITTED: { heading: 'Already submitted', text: 'This proposal has already been submitted and is waiting for approval. Nothing was changed.' },
  VERSION_CONFLICT: { heading: 'Changed by someone else', text: 'Someone changed this at the same moment, so nothing was changed. Here is the current state.' },
  DUPLICATE: { heading: 'Already recorded', text: 'That has already been recorded. Nothing was changed.' },
  STORE_UNAVAILABLE: { heading: 'The register is unavailable', text: 'I could not reach the register just now. Nothing you entered is lost: please try again in a few minutes.' },
  PROPOSAL_NOT_FOUND: { heading: 'Proposal not found', text: 'That proposal no longer exists.' },
  NOT_AN_APPROVER: { heading: 'Not yours to decide', text: 'Only the approvers of this proposal can decide it, and a proposer cannot approve their own proposal. Nothing was changed.' },
  DECIDED_EARLIER_STAGE: { heading: 'Already decided by you', text: 'You approved an earlier stage of this proposal, so a different approver decides this stage. Nothing was changed.' },
  RECORD_TAMPERED: { heading: 'On hold for the register owners', text: 'This proposal\'s approval details were changed outside the bot, so nobody can decide it until the register owners have checked it. They have been told. Nothing was changed.' },
  STAGE_MOVED_ON: { heading: 'This card was out of date', text: 'The stage this card was sent for has already been decided, so nothing was changed. Here is where the proposal stands now.' },
  NO_ACCESS: { heading: 'No access', text: 'You do not have access to this proposal. It is shown to its proposer, its approvers and the register owners.' },
  ENTRY_NOT_FOUND: { heading: 'Partnership not found', text: 'No partnership on the register matches that. Type its reference (for example PR-2026-001) or part of its name.' },
  NOT_ON_THIS_ENTRY: { heading: 'Not yours to complete', text: 'This form is completed by the partnership\'s lead officer, one of its representatives, or a register owner. Ask one of them, or the register owners, if it should be you.' },
  FORM_NOT_AVAILABLE: { heading: 'Not available now', text: 'That form cannot be started for this partnership in its current status, so nothing was changed.' },
  OUTGOING_NOT_A_REPRESENTATIVE: { heading: 'Not a representative', text: 'The outgoing representative\'s email is not one of this partnership\'s representatives on the register, so nothing was changed. Check the email under "Who hands over to whom".' },
  NOTHING_CHANGED: { heading: 'Nothing to change', text: 'None of the new values differs from what the register holds, so nothing was recorded. Edit "What changes" to give at least one new value.' },
  CHANGE_PENDING: { heading: 'A change is already waiting', text: 'A significant change to this partnership is already waiting for the approvers. Once it is decided you can propose another; nothing was changed.' },
  OUTCOME_CHANGED: { heading: 'The outcome has changed', text: 'Your answers give a different outcome from the one shown before, so the proposal was not submitted. Here is the outcome now: change your answers, or save and close.' },
};
