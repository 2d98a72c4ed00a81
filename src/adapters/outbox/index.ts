export { OutboxRegister, type DrainReport, type OutboxConflict, type Renumbered } from './outbox-register';
export { startOutboxDrain, type Drainable } from './drain-loop';
