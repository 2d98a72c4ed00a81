/**
 * The subset of OData v3 query syntax SharePoint REST accepts in `$filter`,
 * `$orderby` and `$select`, parsed into a small tree the double evaluates.
 * https://learn.microsoft.com/sharepoint/dev/sp-add-ins/use-optional-query-parameters-with-sharepoint-rest-requests
 */

export type Literal = string | number | boolean | null | { readonly datetime: string };

export type FilterNode =
  | { readonly kind: 'and' | 'or'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'not'; readonly operand: FilterNode }
  | { readonly kind: 'compare'; readonly op: ComparisonOp; readonly field: string; readonly value: Literal }
  | { readonly kind: 'startswith'; readonly field: string; readonly value: string };

export type ComparisonOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

const OPS: readonly ComparisonOp[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];

export class ODataSyntaxError extends Error {}

type Token = { kind: 'word'; text: string } | { kind: 'literal'; value: Literal } | { kind: 'punct'; text: '(' | ')' | ',' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c });
      i += 1;
    } else if (c === "'") {
      const [value, next] = readQuoted(text, i);
      tokens.push({ kind: 'literal', value });
      i = next;
    } else {
      const m = /^[A-Za-z0-9_.:/+-]+/.exec(text.slice(i));
      if (!m) throw new ODataSyntaxError(`unexpected "${c}" at ${i}`);
      const word = m[0];
      i += word.length;
      if (word === 'datetime' && text[i] === "'") {
        const [value, next] = readQuoted(text, i);
        tokens.push({ kind: 'literal', value: { datetime: value } });
        i = next;
      } else if (/^-?\d+(\.\d+)?$/.test(word)) {
        tokens.push({ kind: 'literal', value: Number(word) });
      } else if (word === 'true' || word === 'false') {
        tokens.push({ kind: 'literal', value: word === 'true' });
      } else if (word === 'null') {
        tokens.push({ kind: 'literal', value: null });
      } else {
        tokens.push({ kind: 'word', text: word });
      }
    }
  }
  return tokens;
}

function readQuoted(text: string, start: number): [string, number] {
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw new ODataSyntaxError('unterminated string literal');
    if (text[i] === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return [value, i + 1];
    }
    value += text[i];
    i += 1;
  }
}

/** Parses a `$filter` expression: comparisons, and/or/not, parentheses and startswith(). */
export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peekWord = (): string | undefined => {
    const t = tokens[pos];
    return t?.kind === 'word' ? t.text.toLowerCase() : undefined;
  };
  const expect = (punct: '(' | ')' | ','): void => {
    const t = tokens[pos];
    if (t?.kind !== 'punct' || t.text !== punct) throw new ODataSyntaxError(`expected "${punct}"`);
    pos += 1;
  };
  const field = (): string => {
    const t = tokens[pos];
    if (t?.kind !== 'word') throw new ODataSyntaxError('expected a field name');
    pos += 1;
    return t.text;
  };
  const literal = (): Literal => {
    const t = tokens[pos];
    if (t?.kind !== 'literal') throw new ODataSyntaxError('expected a value');
    pos += 1;
    return t.value;
  };
  const primary = (): FilterNode => {
    const t = tokens[pos];
    if (t?.kind === 'punct' && t.text === '(') {
      pos += 1;
      const inner = or();
      expect(')');
      return inner;
    }
    if (peekWord() === 'not') {
      pos += 1;
      return { kind: 'not', operand: primary() };
    }
    if (peekWord() === 'startswith' && tokens[pos + 1]?.kind === 'punct') {
      pos += 1;
      expect('(');
      const name = field();
      expect(',');
      const value = literal();
      expect(')');
      if (typeof value !== 'string') throw new ODataSyntaxError('startswith needs a string');
      return { kind: 'startswith', field: name, value };
    }
    const name = field();
    const op = peekWord() as ComparisonOp | undefined;
    if (!op || !OPS.includes(op)) throw new ODataSyntaxError(`expected a comparison after ${name}`);
    pos += 1;
    return { kind: 'compare', op, field: name, value: literal() };
  };
  const and = (): FilterNode => {
    let left = primary();
    while (peekWord() === 'and') {
      pos += 1;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const or = (): FilterNode => {
    let left = and();
    while (peekWord() === 'or') {
      pos += 1;
      left = { kind: 'or', left, right: and() };
    }
    return left;
  };
  const tree = or();
  if (pos !== tokens.length) throw new ODataSyntaxError('unexpected text after the expression');
  return tree;
}

/** Every field a filter reads. */
export function fieldsOf(node: FilterNode): string[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      return [...fieldsOf(node.left), ...fieldsOf(node.right)];
    case 'not':
      return fieldsOf(node.operand);
    default:
      return [node.field];
  }
}

/** The clauses joined by top-level `and`s. */
export function conjuncts(node: FilterNode): FilterNode[] {
  return node.kind === 'and' ? [...conjuncts(node.left), ...conjuncts(node.right)] : [node];
}

export type Resolve = (field: string) => unknown;

function comparable(value: unknown): string | number | boolean | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'object' && value !== null && 'datetime' in value) return Date.parse((value as { datetime: string }).datetime);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return Date.parse(value);
  // SharePoint compares text with a case-insensitive collation.
  if (typeof value === 'string') return value.toLowerCase();
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value).toLowerCase();
}

function compare(op: ComparisonOp, actual: unknown, expected: Literal): boolean {
  const values = Array.isArray(actual) ? actual : [actual];
  const b = typeof expected === 'number' && values.some((v) => typeof v === 'boolean') ? expected !== 0 : comparable(expected);
  const test = (v: unknown): boolean => {
    const a = comparable(v);
    switch (op) {
      case 'eq':
        return a === b;
      case 'ne':
        return a !== b;
      default:
        if (a === null || b === null) return false;
        if (op === 'gt') return a > b;
        if (op === 'ge') return a >= b;
        if (op === 'lt') return a < b;
        return a <= b;
    }
  };
  return op === 'ne' ? values.every(test) : values.some(test);
}

export function evaluate(node: FilterNode, resolve: Resolve): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, resolve) && evaluate(node.right, resolve);
    case 'or':
      return evaluate(node.left, resolve) || evaluate(node.right, resolve);
    case 'not':
      return !evaluate(node.operand, resolve);
    case 'startswith': {
      const v = resolve(node.field);
      return typeof v === 'string' && v.toLowerCase().startsWith(node.value.toLowerCase());
    }
    case 'compare':
      return compare(node.op, resolve(node.field), node.value);
  }
}

export interface OrderKey {
  readonly field: string;
  readonly descending: boolean;
}

export function parseOrderBy(text: string): OrderKey[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const [field, direction = 'asc'] = part.split(/\s+/);
      if (!/^(asc|desc)$/i.test(direction)) throw new ODataSyntaxError(`bad $orderby direction "${direction}"`);
      return { field, descending: direction.toLowerCase() === 'desc' };
    });
}

export function compareValues(a: unknown, b: unknown): number {
  const x = comparable(a);
  const y = comparable(b);
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  return x < y ? -1 : 1;
}

export function parseList(text: string | null): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
