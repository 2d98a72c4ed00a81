import { randomUUID } from 'node:crypto';
import {
  COMPUTED_VIEW_FIELDS,
  coerce,
  defaultFields,
  fieldFromSchemaXml,
  isoSeconds,
  propertyName,
  type Field,
  type StoredValue,
} from './fields';
import { compareValues, conjuncts, evaluate, fieldsOf, parseFilter, parseOrderBy, ODataSyntaxError, type FilterNode, type OrderKey } from './odata';
import { SP_CODE, SpError } from './sp-error';

/**
 * The state behind the double: lists, their columns, views and items, and the
 * site's users, with the rules SharePoint Online enforces on them:
 * - a query that filters or sorts without an index fails once a list holds more
 *   than 5,000 items (the list view threshold);
 * - at most 20 indexed columns a list; a unique column must be indexed; a
 *   duplicate value in a unique column fails with a 500 (compared case-insensitively;
 *   blank values are not compared);
 * - every item has a version: its ETag is `"<version>"`, and a write carrying an
 *   IF-MATCH that is not the current ETag (nor `*`) fails with 412.
 */

export interface SiteOptions {
  readonly url: string;
  /** The list view threshold (5,000 in SharePoint Online). */
  readonly threshold?: number;
  readonly maxIndexes?: number;
  /** The site's time zone as minutes east of UTC, for dates written without a time. */
  readonly utcOffsetMinutes?: number;
  readonly now?: () => Date;
}

export interface Item {
  readonly id: number;
  version: number;
  created: string;
  modified: string;
  readonly values: Map<string, StoredValue>;
}

export interface View {
  Id: string;
  Title: string;
  ViewQuery: string;
  RowLimit: number;
  PersonalView: boolean;
  DefaultView: boolean;
  Paged: boolean;
  fields: string[];
}

export interface List {
  Id: string;
  Title: string;
  Description: string;
  BaseTemplate: number;
  EntityTypeName: string;
  Created: string;
  fields: Field[];
  views: View[];
  items: Map<number, Item>;
  nextId: number;
}

export interface User {
  readonly Id: number;
  readonly Title: string;
  readonly Email: string;
  readonly LoginName: string;
}

export interface SiteSnapshot {
  readonly lists: List[];
  readonly users: User[];
}

export interface ItemQuery {
  readonly filter?: string | null;
  readonly orderby?: string | null;
  readonly top?: string | null;
  readonly skiptoken?: string | null;
  readonly select?: readonly string[];
  readonly expand?: readonly string[];
}

export interface ItemPage {
  readonly rows: Item[];
  readonly skiptoken?: string;
}

const LIST_VIEW_THRESHOLD = 5000;
const MAX_INDEXES = 20;
const DEFAULT_TOP = 100;

function entityNameOf(title: string): string {
  return `${title.replace(/[^A-Za-z0-9]/g, (c) => (c === ' ' ? '_x0020_' : ''))}List`;
}

export class Site {
  readonly url: string;
  readonly lists: List[] = [];
  readonly users: User[] = [];
  private readonly threshold: number;
  private readonly maxIndexes: number;
  readonly utcOffsetMinutes: number;
  private readonly now: () => Date;

  constructor(options: SiteOptions) {
    this.url = options.url;
    this.threshold = options.threshold ?? LIST_VIEW_THRESHOLD;
    this.maxIndexes = options.maxIndexes ?? MAX_INDEXES;
    this.utcOffsetMinutes = options.utcOffsetMinutes ?? 0;
    this.now = options.now ?? (() => new Date());
    this.users.push({ Id: 1, Title: 'SharePoint App', Email: '', LoginName: 'i:0i.t|ms.sp.ext|app' });
  }

  /** Everything the site holds, to put back later with `restore` (tests provision once, then reset). */
  snapshot(): SiteSnapshot {
    return structuredClone({ lists: this.lists, users: this.users });
  }

  restore(snapshot: SiteSnapshot): void {
    const copy = structuredClone(snapshot);
    this.lists.splice(0, this.lists.length, ...copy.lists);
    this.users.splice(0, this.users.length, ...copy.users);
  }

  // Lists

  /** getByTitle: SharePoint matches list titles case-insensitively. */
  list(title: string): List {
    const found = this.lists.find((l) => l.Title.toLowerCase() === title.toLowerCase());
    if (!found) throw new SpError(404, SP_CODE.listMissing, `List '${title}' does not exist at site with URL '${this.url}'.`);
    return found;
  }

  listById(id: string): List {
    const found = this.lists.find((l) => l.Id.toLowerCase() === id.toLowerCase());
    if (!found) throw new SpError(404, SP_CODE.listMissing, `List with id '${id}' does not exist at site with URL '${this.url}'.`);
    return found;
  }

  addList(props: Record<string, unknown>): List {
    const title = String(props.Title ?? '').trim();
    if (!title) throw new SpError(400, SP_CODE.argument, 'A list needs a Title.');
    if (this.lists.some((l) => l.Title.toLowerCase() === title.toLowerCase())) {
      throw new SpError(500, SP_CODE.general, 'A list, survey, discussion board, or document library with the specified title already exists in this Web site.');
    }
    const list: List = {
      Id: randomUUID(),
      Title: title,
      Description: String(props.Description ?? ''),
      BaseTemplate: Number(props.BaseTemplate ?? 100),
      EntityTypeName: entityNameOf(title),
      Created: isoSeconds(this.now().getTime()),
      fields: defaultFields(),
      views: [],
      items: new Map(),
      nextId: 1,
    };
    list.views.push({ Id: randomUUID(), Title: 'All Items', ViewQuery: '', RowLimit: 30, PersonalView: false, DefaultView: true, Paged: true, fields: ['LinkTitle'] });
    this.lists.push(list);
    return list;
  }

  updateList(list: List, props: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(props)) {
      if (key === '__metadata') continue;
      if (key === 'Title' || key === 'Description') list[key] = String(value);
      else if (!['EnableVersioning', 'ContentTypesEnabled', 'AllowContentTypes', 'BaseTemplate'].includes(key)) {
        throw new SpError(400, SP_CODE.badQuery, `The property '${key}' does not exist on type 'SP.List'.`);
      }
    }
  }

  // Fields

  /** getByInternalNameOrTitle: the internal name first, then the display name. */
  field(list: List, name: string): Field {
    const found = list.fields.find((f) => f.InternalName === name) ?? list.fields.find((f) => f.Title === name);
    if (!found) throw new SpError(404, SP_CODE.argument, `Column '${name}' does not exist. It may have been deleted by another user.`);
    return found;
  }

  addFieldXml(list: List, schemaXml: string, options: number): Field {
    const created = fieldFromSchemaXml(schemaXml, options);
    if (list.fields.some((f) => f.InternalName.toLowerCase() === created.InternalName.toLowerCase())) {
      throw new SpError(500, SP_CODE.general, `A duplicate field name "${created.InternalName}" was found.`);
    }
    if (created.TypeAsString === 'Lookup' && created.LookupList) this.listById(created.LookupList.replace(/[{}]/g, ''));
    this.checkFieldRules(list, created, [...list.fields, created]);
    list.fields.push(created);
    return created;
  }

  updateField(list: List, target: Field, props: Record<string, unknown>): void {
    const next: Field = { ...target };
    for (const [key, value] of Object.entries(props)) {
      switch (key) {
        case '__metadata':
          break;
        case 'Title':
          next.Title = String(value);
          break;
        case 'Indexed':
        case 'EnforceUniqueValues':
        case 'Required':
        case 'Hidden':
          next[key] = value === true;
          break;
        case 'Choices': {
          const choices = Array.isArray(value) ? value : (value as { results?: unknown[] })?.results;
          if (!Array.isArray(choices) || (next.TypeAsString !== 'Choice' && next.TypeAsString !== 'MultiChoice')) {
            throw new SpError(400, SP_CODE.badQuery, `The property 'Choices' cannot be set on field ${target.InternalName}.`);
          }
          next.Choices = choices.map(String);
          break;
        }
        default:
          throw new SpError(400, SP_CODE.badQuery, `The property '${key}' does not exist on type 'SP.Field'.`);
      }
    }
    this.checkFieldRules(list, next, list.fields.map((f) => (f === target ? next : f)));
    Object.assign(target, next);
  }

  private checkFieldRules(list: List, changed: Field, all: readonly Field[]): void {
    if (changed.EnforceUniqueValues && !changed.Indexed) {
      throw new SpError(400, SP_CODE.general, `The column ${changed.InternalName} must be indexed before it can enforce unique values.`);
    }
    const indexed = all.filter((f) => f.Indexed && f.InternalName !== 'ID').length;
    if (indexed > this.maxIndexes) {
      throw new SpError(400, SP_CODE.general, `The list ${list.Title} already has the maximum of ${this.maxIndexes} indexed columns.`);
    }
    if (changed.EnforceUniqueValues) {
      const seen = new Set<string>();
      for (const item of list.items.values()) {
        const key = uniqueKey(item.values.get(changed.InternalName));
        if (key === undefined) continue;
        if (seen.has(key)) throw new SpError(500, SP_CODE.duplicate, 'This column contains duplicate values and cannot enforce unique values.');
        seen.add(key);
      }
    }
  }

  // Views

  view(list: List, title: string): View {
    const found = list.views.find((v) => v.Title === title);
    if (!found) throw new SpError(404, SP_CODE.argument, `The view '${title}' does not exist.`);
    return found;
  }

  addView(list: List, props: Record<string, unknown>): View {
    const title = String(props.Title ?? '').trim();
    if (!title) throw new SpError(400, SP_CODE.argument, 'A view needs a Title.');
    const view: View = {
      Id: randomUUID(),
      Title: title,
      ViewQuery: String(props.ViewQuery ?? ''),
      RowLimit: Number(props.RowLimit ?? 30),
      PersonalView: props.PersonalView === true,
      DefaultView: false,
      Paged: props.Paged !== false,
      fields: ['LinkTitle'],
    };
    this.updateView(list, view, props);
    list.views.push(view);
    return view;
  }

  updateView(list: List, view: View, props: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(props)) {
      if (key === 'Title') view.Title = String(value);
      else if (key === 'ViewQuery') view.ViewQuery = this.checkViewQuery(list, String(value));
      else if (key === 'RowLimit') view.RowLimit = Number(value);
      else if (key === 'Paged') view.Paged = value === true;
      else if (key === 'DefaultView') view.DefaultView = value === true;
      else if (key !== 'PersonalView' && key !== '__metadata') {
        throw new SpError(400, SP_CODE.badQuery, `The property '${key}' does not exist on type 'SP.View'.`);
      }
    }
  }

  /** A view query may only name columns the list has. */
  private checkViewQuery(list: List, query: string): string {
    for (const m of query.matchAll(/<FieldRef\b[^>]*Name="([^"]+)"/g)) {
      if (!list.fields.some((f) => f.InternalName === m[1])) {
        throw new SpError(400, SP_CODE.argument, `The view query names a column that does not exist: ${m[1]}.`);
      }
    }
    return query;
  }

  addViewField(list: List, view: View, name: string): void {
    const known = COMPUTED_VIEW_FIELDS.includes(name) || list.fields.some((f) => f.InternalName === name);
    if (!known) throw new SpError(404, SP_CODE.argument, `Column '${name}' does not exist. It may have been deleted by another user.`);
    if (!view.fields.includes(name)) view.fields.push(name);
  }

  // Users

  /** Adds a person the directory knows, as ensureUser would find them. */
  addUser(email: string, title: string): User {
    const existing = this.userByLogin(email);
    if (existing) return existing;
    const user: User = { Id: this.users.length + 10, Title: title, Email: email, LoginName: `i:0#.f|membership|${email.toLowerCase()}` };
    this.users.push(user);
    return user;
  }

  private userByLogin(logonName: string): User | undefined {
    const login = logonName.toLowerCase().replace(/^i:0#\.f\|membership\|/, '');
    return this.users.find((u) => u.Email.toLowerCase() === login || u.LoginName.toLowerCase() === logonName.toLowerCase());
  }

  ensureUser(logonName: string): User {
    const user = this.userByLogin(logonName);
    if (!user) throw new SpError(500, SP_CODE.userMissing, `The specified user ${logonName} could not be found.`);
    return user;
  }

  userById(id: number): User | undefined {
    return this.users.find((u) => u.Id === id);
  }

  // Items

  item(list: List, id: number): Item {
    const found = list.items.get(id);
    if (!found) throw new SpError(404, SP_CODE.argument, 'Item does not exist. It may have been deleted by another user.');
    return found;
  }

  addItem(list: List, body: Record<string, unknown>): Item {
    const values = this.valuesFrom(list, body);
    this.checkUnique(list, values, undefined);
    const at = isoSeconds(this.now().getTime());
    const item: Item = { id: list.nextId, version: 1, created: at, modified: at, values };
    list.nextId += 1;
    list.items.set(item.id, item);
    return item;
  }

  updateItem(list: List, id: number, body: Record<string, unknown>, ifMatch: string | undefined): Item {
    const item = this.item(list, id);
    this.checkETag(item, ifMatch);
    const changes = this.valuesFrom(list, body);
    const merged = new Map([...item.values, ...changes]);
    this.checkUnique(list, merged, item.id);
    for (const [k, v] of changes) item.values.set(k, v);
    item.version += 1;
    item.modified = isoSeconds(this.now().getTime());
    return item;
  }

  deleteItem(list: List, id: number, ifMatch: string | undefined): void {
    const item = this.item(list, id);
    this.checkETag(item, ifMatch);
    list.items.delete(id);
  }

  private checkETag(item: Item, ifMatch: string | undefined): void {
    if (ifMatch === undefined || ifMatch === '*') return;
    if (ifMatch !== etagOf(item)) {
      throw new SpError(412, SP_CODE.etag, `The request ETag value '${ifMatch}' does not match the object's ETag value '${etagOf(item)}'.`);
    }
  }

  private valuesFrom(list: List, body: Record<string, unknown>): Map<string, StoredValue> {
    const values = new Map<string, StoredValue>();
    for (const [key, value] of Object.entries(body)) {
      if (key === '__metadata' || key.startsWith('@odata') || key.startsWith('odata.')) continue;
      const f = list.fields.find((candidate) => propertyName(candidate) === key);
      if (!f || f.ReadOnlyField) {
        throw new SpError(
          400,
          SP_CODE.badQuery,
          `The property '${key}' does not exist on type 'SP.Data.${list.EntityTypeName}Item'. Make sure to only use property names that are defined by the type.`,
        );
      }
      const stored = coerce(f, value, this.utcOffsetMinutes);
      if (f.TypeAsString === 'User' && typeof stored === 'number' && !this.userById(stored)) {
        throw new SpError(400, SP_CODE.general, `User ${stored} does not exist in this site.`);
      }
      values.set(f.InternalName, stored);
    }
    return values;
  }

  private checkUnique(list: List, values: Map<string, StoredValue>, self: number | undefined): void {
    for (const f of list.fields) {
      if (!f.EnforceUniqueValues) continue;
      const key = uniqueKey(values.get(f.InternalName));
      if (key === undefined) continue;
      for (const other of list.items.values()) {
        if (other.id !== self && uniqueKey(other.values.get(f.InternalName)) === key) {
          throw new SpError(
            500,
            SP_CODE.duplicate,
            'The list item could not be added or updated because duplicate values were found in one or more fields in the list.',
          );
        }
      }
    }
  }

  /** An item's values as a write would send them (`XId` for people), e.g. to seed copies of it. */
  writable(list: List, item: Item): Record<string, unknown> {
    return Object.fromEntries([...item.values].map(([name, value]) => [propertyName(this.field(list, name)), value]));
  }

  /** Fills a list directly, without HTTP, for tests that need thousands of items. */
  seed(list: List, rows: readonly Record<string, unknown>[]): void {
    const uniques = list.fields.filter((f) => f.EnforceUniqueValues);
    const taken = new Map(uniques.map((f) => [f.InternalName, new Set([...list.items.values()].map((i) => uniqueKey(i.values.get(f.InternalName))))]));
    const at = isoSeconds(this.now().getTime());
    for (const row of rows) {
      const values = this.valuesFrom(list, row);
      for (const f of uniques) {
        const key = uniqueKey(values.get(f.InternalName));
        if (key === undefined) continue;
        if (taken.get(f.InternalName)!.has(key)) throw new SpError(500, SP_CODE.duplicate, `seed: duplicate ${f.InternalName} ${key}`);
        taken.get(f.InternalName)!.add(key);
      }
      const item: Item = { id: list.nextId, version: 1, created: at, modified: at, values };
      list.nextId += 1;
      list.items.set(item.id, item);
    }
  }

  // Queries

  /** The value a query names: a column, `XId` for a person or lookup, or `X/Prop` of an expanded person. */
  resolve(list: List, item: Item, name: string, expand: readonly string[] = []): unknown {
    if (name === 'ID' || name === 'Id') return item.id;
    if (name === 'Created') return item.created;
    if (name === 'Modified') return item.modified;
    if (name === 'AuthorId' || name === 'EditorId') return 1;
    const slash = name.indexOf('/');
    if (slash > 0) {
      const parent = name.slice(0, slash);
      const f = this.field(list, parent);
      if (!expand.includes(parent) || (f.TypeAsString !== 'User' && f.TypeAsString !== 'UserMulti')) {
        throw new SpError(400, SP_CODE.badQuery, `The query to field '${name}' is not valid. The $select query string must specify the target fields and the $expand query string must contains ${parent}.`);
      }
      const prop = name.slice(slash + 1);
      const ids = item.values.get(f.InternalName);
      const pick = (id: number) => {
        const user = this.userById(id) as unknown as Record<string, unknown> | undefined;
        if (!user) return null;
        return prop === 'EMail' ? user.Email : prop === 'Name' ? user.LoginName : user[prop];
      };
      if (Array.isArray(ids)) return (ids as number[]).map(pick);
      return typeof ids === 'number' ? pick(ids) : null;
    }
    const f = list.fields.find((candidate) => propertyName(candidate) === name);
    if (!f) throw new SpError(400, SP_CODE.badQuery, `The field or property '${name}' does not exist.`);
    return item.values.get(f.InternalName) ?? null;
  }

  /** `resolve` for one query, each plain column looked up once rather than once per item (lists of 50,000 items in the bench). */
  private resolverFor(list: List, expand: readonly string[]): (item: Item, name: string) => unknown {
    const columns = new Map<string, string>();
    return (item, name) => {
      let internal = columns.get(name);
      if (internal === undefined) {
        const plain = !['ID', 'Id', 'Created', 'Modified', 'AuthorId', 'EditorId'].includes(name) && !name.includes('/');
        const f = plain ? list.fields.find((candidate) => propertyName(candidate) === name) : undefined;
        if (!f) return this.resolve(list, item, name, expand);
        internal = f.InternalName;
        columns.set(name, internal);
      }
      return item.values.get(internal) ?? null;
    };
  }

  private indexedName(list: List, name: string): boolean {
    if (name === 'ID' || name === 'Id') return true;
    const base = name.split('/')[0];
    const f = list.fields.find((candidate) => propertyName(candidate) === base || candidate.InternalName === base);
    return f?.Indexed === true;
  }

  /** A clause SharePoint can answer from an index. */
  private usesIndex(list: List, node: FilterNode): boolean {
    switch (node.kind) {
      case 'and':
        return this.usesIndex(list, node.left) || this.usesIndex(list, node.right);
      case 'or':
        return this.usesIndex(list, node.left) && this.usesIndex(list, node.right);
      case 'compare':
        return node.op !== 'ne' && this.indexedName(list, node.field);
      default:
        return false;
    }
  }

  private throttled(): SpError {
    return new SpError(500, SP_CODE.throttled, 'The attempted operation is prohibited because it exceeds the list view threshold.');
  }

  query(list: List, query: ItemQuery): ItemPage {
    let filter: FilterNode | undefined;
    let order: OrderKey[] = [];
    try {
      filter = query.filter ? parseFilter(query.filter) : undefined;
      order = query.orderby ? parseOrderBy(query.orderby) : [];
    } catch (err) {
      if (err instanceof ODataSyntaxError) throw new SpError(400, SP_CODE.badQuery, `The expression is not valid: ${err.message}`);
      throw err;
    }
    const expand = query.expand ?? [];
    const resolveIn = this.resolverFor(list, expand);
    const items = [...list.items.values()];
    const probe = items[0];
    if (probe) {
      for (const name of [...(filter ? fieldsOf(filter) : []), ...order.map((o) => o.field)]) this.resolve(list, probe, name, expand);
    } else if (filter) {
      for (const name of fieldsOf(filter)) this.checkName(list, name);
    }
    const clauses = filter ? conjuncts(filter) : [];
    // A filter of one clause: the rows its threshold check found are the answer (not scanned twice).
    let matched: Item[] | undefined;
    if (items.length > this.threshold) {
      if (filter) {
        const narrowed = clauses.some((clause) => {
          if (!this.usesIndex(list, clause)) return false;
          const found = items.filter((i) => evaluate(clause, (n) => resolveIn(i, n)));
          if (clauses.length === 1) matched = found;
          return found.length <= this.threshold;
        });
        if (!narrowed) throw this.throttled();
      }
      if (order.some((o) => !this.indexedName(list, o.field))) throw this.throttled();
    }
    let rows = matched ?? (filter ? items.filter((i) => evaluate(filter, (n) => resolveIn(i, n))) : items);
    rows = rows.sort((a, b) => {
      for (const key of order) {
        const c = compareValues(resolveIn(a, key.field), resolveIn(b, key.field));
        if (c !== 0) return key.descending ? -c : c;
      }
      return a.id - b.id;
    });
    const top = Math.min(Number(query.top ?? DEFAULT_TOP) || DEFAULT_TOP, LIST_VIEW_THRESHOLD);
    const token = new URLSearchParams(query.skiptoken ?? '');
    const offset = Number(token.get('p_Offset') ?? 0);
    const afterId = Number(token.get('p_ID') ?? 0);
    const start = order.length > 0 ? offset : rows.findIndex((r) => r.id > afterId);
    const from = start < 0 ? rows.length : start;
    const page = rows.slice(from, from + top);
    const more = from + top < rows.length;
    if (!more) return { rows: page };
    const last = page[page.length - 1];
    const skiptoken = order.length > 0 ? `Paged=TRUE&p_Offset=${from + top}&p_ID=${last.id}` : `Paged=TRUE&p_ID=${last.id}`;
    return { rows: page, skiptoken };
  }

  private checkName(list: List, name: string): void {
    if (name === 'ID' || name === 'Id' || name === 'Created' || name === 'Modified') return;
    const base = name.split('/')[0];
    if (!list.fields.some((f) => propertyName(f) === base || f.InternalName === base)) {
      throw new SpError(400, SP_CODE.badQuery, `The field or property '${name}' does not exist.`);
    }
  }

  /** An item as JSON: the `$select`ed properties, or every column when none is named. */
  itemJson(list: List, item: Item, select: readonly string[] = [], expand: readonly string[] = []): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (select.length === 0) {
      out.ID = item.id;
      out.Id = item.id;
      out.Created = item.created;
      out.Modified = item.modified;
      for (const f of list.fields) {
        if (f.ReadOnlyField) continue;
        out[propertyName(f)] = item.values.get(f.InternalName) ?? (f.TypeAsString === 'UserMulti' || f.TypeAsString === 'MultiChoice' ? [] : null);
      }
      return out;
    }
    for (const name of select) {
      if (name.includes('/')) {
        const [parent, prop] = name.split('/');
        const value = this.resolve(list, item, name, expand);
        const holder = (out[parent] ??= Array.isArray(value) ? value.map(() => ({})) : value === null ? null : {}) as Record<string, unknown> | Record<string, unknown>[] | null;
        if (Array.isArray(holder) && Array.isArray(value)) holder.forEach((h, i) => (h[prop] = value[i]));
        else if (holder && !Array.isArray(holder)) holder[prop] = value;
      } else {
        out[name] = this.resolve(list, item, name, expand);
      }
    }
    return out;
  }
}

export function etagOf(item: Item): string {
  return `"${item.version}"`;
}

function uniqueKey(value: StoredValue | undefined): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return typeof value === 'string' ? value.toLowerCase() : JSON.stringify(value);
}

