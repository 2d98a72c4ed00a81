import { randomUUID } from 'node:crypto';
import type { Clock } from '../ports/clock';
import type { IdGenerator } from '../ports/ids';

export const systemClock: Clock = { now: () => new Date() };

export const randomIds: IdGenerator = { next: () => randomUUID() };
