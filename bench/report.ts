import { statsOf, TURN_TYPES, type TurnRecorder, type TurnStats, type TurnType } from './turns';

/** Figures for one bot's turns, by type. */
export type TurnTable = Partial<Record<TurnType, TurnStats>>;

export function turnTable(recorder: TurnRecorder): TurnTable {
  const table: TurnTable = {};
  for (const type of TURN_TYPES) {
    const stats = statsOf(recorder, type);
    if (stats) table[type] = stats;
  }
  return table;
}

export interface Target {
  readonly name: string;
  readonly value: number | null;
  readonly limit: string;
  /** null: not measured in this run (the section says why). */
  readonly pass: boolean | null;
  readonly unit: string;
}

export function target(name: string, value: number | undefined, limit: number, unit: string, pass: (v: number) => boolean, limitText: string): Target {
  const measured = value !== undefined && Number.isFinite(value);
  return { name, value: measured ? round(value) : null, limit: limitText ?? String(limit), pass: measured ? pass(value) : null, unit };
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || !(b > 0) ? undefined : round(a / b);
}

const pad = (text: string, width: number) => (text.length >= width ? text : text + ' '.repeat(width - text.length));
const padStart = (text: string, width: number) => (text.length >= width ? text : ' '.repeat(width - text.length) + text);

export function table(title: string, header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined ? '-' : typeof c === 'number' ? String(round(c)) : c)));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  // Figures right-aligned, words left-aligned.
  const line = (r: readonly string[]) => r.map((c, i) => (i === 0 || !/^[-\d.,]+( \w+)?$/.test(c) ? pad(c, widths[i]) : padStart(c, widths[i]))).join('  ');
  return [`\n${title}`, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

export function mb(bytes: number | undefined): number | undefined {
  return bytes === undefined ? undefined : round(bytes / (1024 * 1024), 1);
}
