import { randomUUID } from 'node:crypto';
import { SpError } from './sp-error';

/**
 * List columns as SharePoint REST describes them (SP.Field and its subtypes),
 * the SchemaXml it accepts in createfieldasxml, and how it checks a value
 * written to an item.
 */

export type FieldType =
  | 'Counter'
  | 'Text'
  | 'Note'
  | 'DateTime'
  | 'Choice'
  | 'MultiChoice'
  | 'Boolean'
  | 'Number'
  | 'Currency'
  | 'URL'
  | 'User'
  | 'UserMulti'
  | 'Lookup';

export const FIELD_TYPE_KIND: Readonly<Record<FieldType, number>> = {
  Counter: 5,
  Text: 2,
  Note: 3,
  DateTime: 4,
  Choice: 6,
  MultiChoice: 15,
  Boolean: 8,
  Number: 9,
  Currency: 10,
  URL: 11,
  User: 20,
  UserMulti: 20,
  Lookup: 7,
};

export interface Field {
  Id: string;
  InternalName: string;
  StaticName: string;
  Title: string;
  TypeAsString: FieldType;
  FieldTypeKind: number;
  Indexed: boolean;
  EnforceUniqueValues: boolean;
  Required: boolean;
  Hidden: boolean;
  ReadOnlyField: boolean;
  MaxLength?: number;
  Choices?: string[];
  DisplayFormat?: number;
  AllowMultipleValues?: boolean;
  LookupList?: string;
  LookupField?: string;
  SchemaXml: string;
}

function field(internalName: string, type: FieldType, title: string, extra: Partial<Field> = {}): Field {
  return {
    Id: randomUUID(),
    InternalName: internalName,
    StaticName: internalName,
    Title: title,
    TypeAsString: type,
    FieldTypeKind: FIELD_TYPE_KIND[type],
    Indexed: false,
    EnforceUniqueValues: false,
    Required: false,
    Hidden: false,
    ReadOnlyField: false,
    SchemaXml: `<Field Type="${type}" Name="${internalName}" DisplayName="${title}" />`,
    ...extra,
  };
}

/** The columns every new custom list (template 100) starts with. */
export function defaultFields(): Field[] {
  return [
    field('ID', 'Counter', 'ID', { ReadOnlyField: true, Indexed: false }),
    field('Title', 'Text', 'Title', { MaxLength: 255 }),
    field('Created', 'DateTime', 'Created', { ReadOnlyField: true }),
    field('Modified', 'DateTime', 'Modified', { ReadOnlyField: true }),
    field('Author', 'User', 'Created By', { ReadOnlyField: true }),
    field('Editor', 'User', 'Modified By', { ReadOnlyField: true }),
    field('Attachments', 'Boolean', 'Attachments', { ReadOnlyField: true }),
  ];
}

/** View-only names SharePoint accepts in a view's fields. */
export const COMPUTED_VIEW_FIELDS: readonly string[] = ['LinkTitle', 'LinkTitleNoMenu', 'Edit', 'DocIcon'];

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z_:]+)\s*=\s*"([^"]*)"/g)) out[m[1]] = unescapeXml(m[2]);
  return out;
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

const KNOWN_TYPES: readonly FieldType[] = Object.keys(FIELD_TYPE_KIND) as FieldType[];

const ADD_FIELD_INTERNAL_NAME_HINT = 8;

/** Encodes a display name the way SharePoint derives an internal name from it. */
function internalNameFrom(displayName: string): string {
  return displayName
    .replace(/[^A-Za-z0-9_]/g, (c) => `_x${c.charCodeAt(0).toString(16).padStart(4, '0')}_`)
    .slice(0, 32);
}

/** createfieldasxml: the Field element's attributes and CHOICES, as SharePoint reads them. */
export function fieldFromSchemaXml(schemaXml: string, options: number): Field {
  const open = /<Field\b[^>]*>/.exec(schemaXml);
  if (!open) throw new SpError(400, '-2130575340, Microsoft.SharePoint.SPException', 'The SchemaXml is not a Field element.');
  const a = attributes(open[0]);
  const type = a.Type as FieldType;
  if (!KNOWN_TYPES.includes(type) || type === 'Counter') {
    throw new SpError(400, '-2130575340, Microsoft.SharePoint.SPException', `Field type ${a.Type} is not installed properly.`);
  }
  const displayName = a.DisplayName ?? a.Name;
  if (!displayName) throw new SpError(400, '-2130575340, Microsoft.SharePoint.SPException', 'A field needs a DisplayName.');
  const useName = (options & ADD_FIELD_INTERNAL_NAME_HINT) !== 0 && a.Name;
  const internalName = useName ? a.Name : internalNameFrom(displayName);
  const choices = [...schemaXml.matchAll(/<CHOICE>([^<]*)<\/CHOICE>/g)].map((m) => unescapeXml(m[1]));
  const multiUser = type === 'UserMulti' || (type === 'User' && a.Mult === 'TRUE');
  const resolved: FieldType = multiUser ? 'UserMulti' : type;
  return field(internalName, resolved, displayName, {
    Indexed: a.Indexed === 'TRUE',
    EnforceUniqueValues: a.EnforceUniqueValues === 'TRUE',
    Required: a.Required === 'TRUE',
    Hidden: a.Hidden === 'TRUE',
    MaxLength: resolved === 'Text' ? Number(a.MaxLength ?? 255) : undefined,
    Choices: resolved === 'Choice' || resolved === 'MultiChoice' ? choices : undefined,
    DisplayFormat: resolved === 'DateTime' ? (a.Format === 'DateOnly' ? 0 : 1) : undefined,
    AllowMultipleValues: resolved === 'UserMulti' ? true : resolved === 'User' ? false : undefined,
    LookupList: resolved === 'Lookup' ? a.List : undefined,
    LookupField: resolved === 'Lookup' ? (a.ShowField ?? 'Title') : undefined,
    SchemaXml: schemaXml,
  });
}

/** The JSON property an item uses for a column: person and lookup columns are written by id. */
export function propertyName(f: Field): string {
  return f.TypeAsString === 'User' || f.TypeAsString === 'UserMulti' || f.TypeAsString === 'Lookup' ? `${f.InternalName}Id` : f.InternalName;
}

export type StoredValue = string | number | boolean | null | readonly string[] | readonly number[] | { Url: string; Description: string };

function invalid(f: Field, detail: string): SpError {
  return new SpError(400, '-2130575162, Microsoft.SharePoint.SPFieldValidationException', `Invalid value for field ${f.InternalName}: ${detail}`);
}

/** Verbose bodies wrap collections in `{ results: [...] }`. */
function collection(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object' && Array.isArray((value as { results?: unknown }).results)) {
    return (value as { results: unknown[] }).results;
  }
  return undefined;
}

/**
 * Checks and converts one written value. Choice values are not checked against
 * the choices: SharePoint REST stores any text in a Choice column.
 */
export function coerce(f: Field, value: unknown, siteUtcOffsetMinutes: number): StoredValue {
  if (value === null || value === undefined) return null;
  switch (f.TypeAsString) {
    case 'Text':
    case 'Choice':
    case 'Note': {
      if (typeof value !== 'string') throw invalid(f, 'expected text');
      if (f.MaxLength !== undefined && value.length > f.MaxLength) {
        throw new SpError(400, '-2130575162, Microsoft.SharePoint.SPFieldValidationException', `The value of field ${f.InternalName} is longer than ${f.MaxLength} characters.`);
      }
      return value === '' ? null : value;
    }
    case 'MultiChoice': {
      const list = collection(value);
      if (!list || !list.every((v) => typeof v === 'string')) throw invalid(f, 'expected a list of choices');
      return list as string[];
    }
    case 'Boolean':
      if (typeof value !== 'boolean') throw invalid(f, 'expected true or false');
      return value;
    case 'Number':
    case 'Currency': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(n)) throw invalid(f, 'expected a number');
      return n;
    }
    case 'DateTime':
      return dateValue(f, value, siteUtcOffsetMinutes);
    case 'URL': {
      const v = value as { Url?: unknown; Description?: unknown };
      if (typeof v !== 'object' || typeof v.Url !== 'string') throw invalid(f, 'expected { Url, Description }');
      if (!/^https?:\/\/\S+$/i.test(v.Url) || v.Url.length > 255) throw invalid(f, 'Invalid URL (absolute, at most 255 characters)');
      return { Url: v.Url, Description: typeof v.Description === 'string' ? v.Description : v.Url };
    }
    case 'User':
    case 'Lookup':
      if (typeof value !== 'number' || !Number.isInteger(value)) throw invalid(f, 'expected an id');
      return value;
    case 'UserMulti': {
      const list = collection(value);
      if (!list || !list.every((v) => typeof v === 'number')) throw invalid(f, 'expected a list of user ids');
      return list as number[];
    }
    default:
      throw invalid(f, 'read-only');
  }
}

/**
 * A date without a time is midnight in the site's time zone, stored in UTC, as
 * SharePoint does: with a site on UTC+1 "2026-03-03" comes back as 2026-03-02T23:00:00Z.
 */
function dateValue(f: Field, value: unknown, siteUtcOffsetMinutes: number): string {
  if (typeof value !== 'string') throw invalid(f, 'expected a date');
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const ms = dateOnly ? Date.UTC(Number(dateOnly[1]), Number(dateOnly[2]) - 1, Number(dateOnly[3])) - siteUtcOffsetMinutes * 60_000 : Date.parse(value);
  if (!Number.isFinite(ms)) throw invalid(f, `"${value}" is not a date`);
  return isoSeconds(ms);
}

/** SharePoint keeps date/times to the second and returns them as `2026-03-03T10:00:00Z`. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
