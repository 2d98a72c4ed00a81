import type { SPFI } from './client';
import { fieldSchemaXml, MAX_INDEXED_COLUMNS, typeAsString, type ColumnSpec, type ListSpec, type RegisterSchema, type ViewSpec } from './schema';
import { failureOf } from './sp-errors';

/**
 * Creates or brings up to date the register's lists, columns, indexes and views,
 * idempotently: a second run changes nothing. It only ever adds (a list, a
 * column, a choice, an index, a view) or corrects a title or a view; it never
 * deletes a list, a column, a choice or an item. A column of the wrong type is
 * reported, not replaced: changing it could lose data.
 *
 * The existence check asks for the list and treats only a 404 as missing (PnPjs's
 * lists.ensure treats any error, throttling too, as missing and tries to create).
 */

export interface ProvisionChange {
  readonly list: string;
  readonly change: string;
}

export interface ProvisionReport {
  readonly changes: readonly ProvisionChange[];
  /** Things it would not do on its own (a column of another type, no index left). */
  readonly warnings: readonly ProvisionChange[];
}

/** AddFieldInternalNameHint (8) keeps our internal name; AddToAllContentTypes (4) shows the column in forms. */
const ADD_FIELD_OPTIONS = 8 | 4;

interface ExistingField {
  readonly InternalName: string;
  readonly Title: string;
  readonly TypeAsString: string;
  readonly Indexed: boolean;
  readonly EnforceUniqueValues: boolean;
  readonly Choices?: string[] | { results: string[] };
}

interface ExistingView {
  readonly Title: string;
  readonly ViewQuery: string;
  readonly RowLimit: number;
}

function listOf(value: string[] | { results: string[] } | undefined): string[] {
  if (!value) return [];
  return Array.isArray(value) ? value : value.results;
}

/** SharePoint may give a view query back re-spaced; compare what it means, not how it is typed. */
function normalisedCaml(caml: string): string {
  return caml
    .replace(/>\s+</g, '><')
    .replace(/\s*\/>/g, '/>')
    .replace(/\s+/g, ' ')
    .trim();
}

export async function provisionLists(sp: SPFI, schema: RegisterSchema): Promise<ProvisionReport> {
  const changes: ProvisionChange[] = [];
  const warnings: ProvisionChange[] = [];
  const listIds = new Map<string, string>();
  for (const spec of [schema.register, schema.records]) {
    const note = (change: string) => changes.push({ list: spec.title, change });
    const warn = (change: string) => warnings.push({ list: spec.title, change });
    listIds.set(spec.title, await ensureList(sp, spec, note));
    await ensureColumns(sp, spec, listIds, note, warn);
    await ensureViews(sp, spec, note);
  }
  return { changes, warnings };
}

async function ensureList(sp: SPFI, spec: ListSpec, note: (change: string) => void): Promise<string> {
  const list = sp.web.lists.getByTitle(spec.title);
  try {
    const info = await list.select('Id', 'Title', 'Description')<{ Id: string; Description: string }>();
    if (info.Description !== spec.description) {
      await list.update({ Description: spec.description });
      note('updated the list description');
    }
    return info.Id;
  } catch (err) {
    if ((await failureOf(err))?.status !== 404) throw err;
  }
  const created = (await sp.web.lists.add(spec.title, spec.description, 100, false)) as { Id?: string; data?: { Id?: string } };
  note('created the list');
  const id = created.Id ?? created.data?.Id;
  if (id) return id;
  return (await list.select('Id')<{ Id: string }>()).Id;
}

async function ensureColumns(
  sp: SPFI,
  spec: ListSpec,
  listIds: ReadonlyMap<string, string>,
  note: (change: string) => void,
  warn: (change: string) => void,
): Promise<void> {
  const fields = sp.web.lists.getByTitle(spec.title).fields;
  // No $select: Choices belongs to SP.FieldChoice, not to SP.Field, so it comes only with the whole entity.
  const existing = await fields<ExistingField[]>();
  const byName = new Map(existing.map((f) => [f.InternalName, f]));
  let indexes = existing.filter((f) => f.Indexed && f.InternalName !== 'ID').length;

  const title = byName.get('Title');
  if (title && title.Title !== spec.titleColumn) {
    await fields.getByInternalNameOrTitle('Title').update({ Title: spec.titleColumn });
    note(`renamed the Title column to "${spec.titleColumn}"`);
  }

  for (const column of spec.columns) {
    const found = byName.get(column.name);
    if (!found) {
      const indexed = column.indexed && indexes < MAX_INDEXED_COLUMNS;
      if (column.indexed && !indexed) warn(`column ${column.name} added without its index: the list already has ${MAX_INDEXED_COLUMNS} indexed columns`);
      const lookupId = column.lookupList ? listIds.get(column.lookupList) : undefined;
      const xml = fieldSchemaXml(indexed ? column : { ...column, indexed: false, unique: false }, lookupId);
      await fields.createFieldAsXml({ SchemaXml: xml, Options: ADD_FIELD_OPTIONS });
      if (indexed) indexes += 1;
      note(`added column "${column.title}" (${column.name}, ${column.kind}${indexed ? ', indexed' : ''}${indexed && column.unique ? ', unique' : ''})`);
      continue;
    }
    if (found.TypeAsString !== typeAsString(column.kind)) {
      warn(`column ${column.name} is ${found.TypeAsString}, expected ${typeAsString(column.kind)}: left as it is (changing it could lose data)`);
      continue;
    }
    indexes = await updateColumn(fields.getByInternalNameOrTitle(column.name), column, found, indexes, note, warn);
  }
  for (const retired of spec.retired ?? []) {
    if (byName.has(retired.name)) warn(`column ${retired.name} is ${retired.why}`);
  }
}

async function updateColumn(
  field: { update(props: Record<string, unknown>): Promise<unknown> },
  column: ColumnSpec,
  found: ExistingField,
  indexes: number,
  note: (change: string) => void,
  warn: (change: string) => void,
): Promise<number> {
  const patch: Record<string, unknown> = {};
  const what: string[] = [];
  if (found.Title !== column.title) {
    patch.Title = column.title;
    what.push('title');
  }
  if (column.choices) {
    const current = listOf(found.Choices);
    // Ours in the register's order, then any a person added: a choice is never removed.
    const wanted = [...column.choices, ...current.filter((c) => !column.choices!.includes(c))];
    if (wanted.join('\n') !== current.join('\n')) {
      patch.Choices = wanted;
      what.push('choices');
    }
  }
  if (what.length > 0) await field.update(patch);
  if (column.indexed && !found.Indexed) {
    if (indexes >= MAX_INDEXED_COLUMNS) {
      warn(`column ${column.name} needs an index, but the list already has ${MAX_INDEXED_COLUMNS}`);
      return indexes;
    }
    await field.update({ Indexed: true });
    indexes += 1;
    what.push('index');
  }
  if (column.unique && !found.EnforceUniqueValues && (found.Indexed || what.includes('index'))) {
    try {
      await field.update({ EnforceUniqueValues: true });
      what.push('unique values');
    } catch (err) {
      const failure = await failureOf(err);
      if (!failure || failure.status === 429 || failure.status >= 502) throw err;
      warn(`column ${column.name} could not be made unique (${failure.message}): remove the duplicate values and run again`);
    }
  }
  if (what.length > 0) note(`updated column "${column.title}": ${what.join(', ')}`);
  return indexes;
}

async function ensureViews(sp: SPFI, spec: ListSpec, note: (change: string) => void): Promise<void> {
  const views = sp.web.lists.getByTitle(spec.title).views;
  const existing = await views.select('Title', 'ViewQuery', 'RowLimit')<ExistingView[]>();
  for (const view of spec.views) {
    const found = existing.find((v) => v.Title === view.title);
    if (!found) {
      await views.add(view.title, false, { ViewQuery: view.query, RowLimit: view.rowLimit, Paged: true });
      await setViewFields(sp, spec, view);
      note(`added view "${view.title}"`);
      continue;
    }
    const what: string[] = [];
    if (normalisedCaml(found.ViewQuery) !== normalisedCaml(view.query) || found.RowLimit !== view.rowLimit) {
      await views.getByTitle(view.title).update({ ViewQuery: view.query, RowLimit: view.rowLimit });
      what.push('filter and order');
    }
    const fields = (await views.getByTitle(view.title).fields()) as unknown as { Items?: string[] | { results: string[] } };
    if (listOf(fields.Items).join('\n') !== view.fields.join('\n')) {
      await setViewFields(sp, spec, view);
      what.push('columns');
    }
    if (what.length > 0) note(`updated view "${view.title}": ${what.join(', ')}`);
  }
}

async function setViewFields(sp: SPFI, spec: ListSpec, view: ViewSpec): Promise<void> {
  const fields = sp.web.lists.getByTitle(spec.title).views.getByTitle(view.title).fields;
  await fields.removeAll();
  for (const name of view.fields) await fields.add(name);
}
