export { OutboxRegister, type DrainReport, type OutboxConflict, type Renumbered } from './outbox-register';
export { drainOnce, startOutboxDrain, type Drainable } from './drain-loop';
