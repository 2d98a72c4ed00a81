import pino from 'pino';

export type Logger = pino.Logger;

/** Structured JSON logs to stdout; never shown to a user. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { app: 'partnership-register' }, redact: ['req.headers.authorization'] });
}
