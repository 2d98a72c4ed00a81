/**
 * Every Action.Execute verb the cards use, in one table. Ids travel in the
 * action's `data`, never inside the verb. A test checks every verb in cards/ has
 * a route here and every route is used by a card.
 */
export const Verb = {
  register: 'menu.register',
  check: 'menu.check',
  mine: 'menu.mine',
  due: 'menu.due',
  help: 'menu.help',
  next: 'draft.next',
  back: 'draft.back',
  save: 'draft.save',
  /** Saves the card and shows it again: a row added or removed. */
  stay: 'draft.stay',
  edit: 'draft.edit',
  submit: 'draft.submit',
  resume: 'draft.resume',
  pending: 'proposal.pending',
  approve: 'proposal.approve',
  requestChanges: 'proposal.requestChanges',
  reject: 'proposal.reject',
  refresh: 'proposal.refresh',
  open: 'proposal.open',
  startForm: 'form.start',
  approveChange: 'change.approve',
  rejectChange: 'change.reject',
  openChange: 'change.open',
  snooze: 'reminder.snooze',
} as const;

export type VerbName = (typeof Verb)[keyof typeof Verb];
