import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { evaluate, parseFilter, parseList } from './odata';
import { Site, etagOf, type Item, type List, type SiteOptions, type View } from './site';
import { SP_CODE, SpError } from './sp-error';

/**
 * A local SharePoint Online double: a small HTTP server on 127.0.0.1 that answers
 * the subset of SharePoint REST the adapter uses, the way SharePoint documents it:
 * lists (getByTitle, case-insensitive), fields (createfieldasxml, update), views
 * and view fields, items (create, read with $select/$filter/$orderby/$top/$expand
 * and paging through odata.nextLink or __next, update and delete with IF-MATCH),
 * web/ensureuser, the list view threshold, unique columns, and faults that tests
 * switch on (429/503 with Retry-After, slow answers).
 * https://learn.microsoft.com/sharepoint/dev/sp-add-ins/working-with-lists-and-list-items-with-rest
 */

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  /** The answer's status, once answered. */
  status?: number;
  /** How many items an item read answered with (one page). */
  rows?: number;
}

export interface FaultRule {
  /** Which requests it applies to; every request when absent. */
  readonly match?: (request: RecordedRequest) => boolean;
  /** Answer with this status instead (429 and 503 carry `retryAfter`). */
  readonly status?: number;
  readonly retryAfter?: string;
  /** Answer this many milliseconds late. */
  readonly delayMs?: number;
  /** Carry the request out first, then answer late or with `status`: the write happened, the caller cannot tell. */
  readonly afterApplying?: boolean;
  /** How many matching requests it affects; unlimited when absent. */
  readonly times?: number;
  /** The share (0-1) of matching requests it affects, drawn from the double's seeded random numbers. */
  readonly rate?: number;
}

export interface SharePointDoubleOptions extends Partial<Omit<SiteOptions, 'url'>> {
  /** The site's path on the server. */
  readonly sitePath?: string;
  /** Seed for the random numbers `rate` faults draw (the runs are repeatable). */
  readonly seed?: number;
}

export interface SharePointDouble {
  readonly siteUrl: string;
  readonly site: Site;
  /** Every request received, oldest first (the last 20,000). */
  readonly requests: RecordedRequest[];
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  close(): Promise<void>;
}

interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

interface Segment {
  readonly name: string;
  readonly arg?: string;
}

/** Splits an _api path on slashes that are not inside quotes. */
function segmentsOf(path: string): Segment[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const c of path) {
    if (c === "'") quoted = !quoted;
    if (c === '/' && !quoted) {
      if (current) parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (current) parts.push(current);
  return parts.map((part) => {
    const m = /^([^(]+)(?:\((.*)\))?$/s.exec(part);
    if (!m) return { name: part.toLowerCase() };
    return { name: m[1].toLowerCase(), arg: m[2] === undefined ? undefined : unquote(m[2]) };
  });
}

function unquote(arg: string): string {
  const guid = /^guid'(.*)'$/i.exec(arg);
  if (guid) return guid[1];
  const quoted = /^'(.*)'$/s.exec(arg);
  return quoted ? quoted[1].replace(/''/g, "'") : arg;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pick(object: Record<string, unknown>, select: readonly string[]): Record<string, unknown> {
  if (select.length === 0) return object;
  return Object.fromEntries(select.filter((k) => k in object).map((k) => [k, object[k]]));
}

export async function startSharePointDouble(options: SharePointDoubleOptions = {}): Promise<SharePointDouble> {
  const sitePath = options.sitePath ?? '/sites/partnerships';
  const requests: RecordedRequest[] = [];
  let faults: { rule: FaultRule; left: number }[] = [];
  const random = mulberry32(options.seed ?? 20260303);

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(err));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const siteUrl = `http://127.0.0.1:${port}${sitePath}`;
  const site = new Site({ ...options, url: siteUrl });

  function faultFor(request: RecordedRequest): FaultRule | undefined {
    for (const entry of faults) {
      if (entry.left <= 0 || (entry.rule.match && !entry.rule.match(request))) continue;
      if (entry.rule.rate !== undefined && random() >= entry.rule.rate) continue;
      entry.left -= 1;
      return entry.rule;
    }
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', siteUrl);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const override = String(req.headers['x-http-method'] ?? '').toUpperCase();
    const method = req.method === 'POST' && override ? override : (req.method ?? 'GET');
    const request: RecordedRequest = { method, path: decodeURIComponent(url.pathname), query: url.searchParams, headers: req.headers };
    requests.push(request);
    if (requests.length > 20_000) requests.shift();
    const verbose = String(req.headers.accept ?? '').includes('odata=verbose');

    const fault = faultFor(request);
    if (fault?.delayMs && !fault.afterApplying) await sleep(fault.delayMs);
    let reply: Reply;
    if (fault?.status && !fault.afterApplying) {
      reply = failure(new SpError(fault.status, SP_CODE.throttled, 'The request has been throttled.', fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter }), verbose);
    } else {
      reply = route(request, url, text, verbose);
      if (fault?.afterApplying) {
        if (fault.delayMs) await sleep(fault.delayMs);
        if (fault.status) reply = failure(new SpError(fault.status, SP_CODE.throttled, 'The server is busy.', fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter }), verbose);
      }
    }
    request.status = reply.status;
    if (res.destroyed || req.socket.destroyed) return;
    const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, {
      ...(payload ? { 'Content-Type': `application/json;odata=${verbose ? 'verbose' : 'minimalmetadata'};charset=utf-8` } : {}),
      ...reply.headers,
    });
    res.end(payload);
  }

  function failure(error: SpError, verbose: boolean): Reply {
    const inner = { code: error.code, message: { lang: 'en-US', value: error.message } };
    return { status: error.status, body: verbose ? { error: inner } : { 'odata.error': inner }, headers: error.headers };
  }

  function route(request: RecordedRequest, url: URL, text: string, verbose: boolean): Reply {
    try {
      const prefix = `${sitePath}/_api/`.toLowerCase();
      if (!request.path.toLowerCase().startsWith(prefix)) throw new SpError(404, SP_CODE.argument, `No such endpoint: ${request.path}`);
      let body: Record<string, unknown> = {};
      if (text.trim() !== '') {
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          throw new SpError(400, SP_CODE.badQuery, 'The request body is not valid JSON.');
        }
      }
      const segments = segmentsOf(request.path.slice(prefix.length));
      return new Api(site, request, url, body, verbose).dispatch(segments);
    } catch (err) {
      if (err instanceof SpError) return failure(err, verbose);
      throw err;
    }
  }

  return {
    siteUrl,
    site,
    requests,
    injectFault(rule: FaultRule): void {
      faults.push({ rule, left: rule.times ?? Number.POSITIVE_INFINITY });
    },
    clearFaults(): void {
      faults = [];
    },
    async close(): Promise<void> {
      faults = [];
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One request against the site: the route table of the _api endpoints the double answers. */
class Api {
  constructor(
    private readonly site: Site,
    private readonly request: RecordedRequest,
    private readonly url: URL,
    private readonly body: Record<string, unknown>,
    private readonly verbose: boolean,
  ) {}

  private get method(): string {
    return this.request.method;
  }

  private get select(): string[] {
    return parseList(this.request.query.get('$select'));
  }

  private notAllowed(): never {
    throw new SpError(405, SP_CODE.badQuery, `${this.method} is not supported on ${this.request.path}`);
  }

  dispatch(segments: Segment[]): Reply {
    const [web, next, third] = segments;
    if (web?.name !== 'web') throw new SpError(404, SP_CODE.argument, `No such endpoint: ${this.request.path}`);
    if (!next) return this.method === 'GET' ? this.entity('SP.Web', { Title: 'Partnerships', Url: this.site.url }) : this.notAllowed();
    if (next.name === 'ensureuser' && this.method === 'POST') {
      const user = this.site.ensureUser(String(this.body.logonName ?? ''));
      return this.entity('SP.User', { Id: user.Id, Title: user.Title, Email: user.Email, LoginName: user.LoginName, UserPrincipalName: user.Email });
    }
    if (next.name !== 'lists') throw new SpError(404, SP_CODE.argument, `No such endpoint: ${this.request.path}`);
    if (next.arg !== undefined) return this.onList(this.site.listById(next.arg), segments.slice(2));
    if (!third) {
      if (this.method === 'GET') return this.collection(this.site.lists.map((l) => this.listJson(l)));
      if (this.method === 'POST') return { ...this.entity('SP.List', this.listJson(this.site.addList(this.body))), status: 201 };
      return this.notAllowed();
    }
    if (third.name === 'getbytitle' && third.arg !== undefined) return this.onList(this.site.list(third.arg), segments.slice(3));
    throw new SpError(404, SP_CODE.argument, `No such endpoint: ${this.request.path}`);
  }

  private onList(list: List, rest: Segment[]): Reply {
    const [head, second] = rest;
    if (!head) {
      if (this.method === 'GET') return this.entity('SP.List', pick(this.listJson(list), this.select));
      if (this.method === 'MERGE' || this.method === 'PATCH') {
        this.site.updateList(list, this.body);
        return { status: 204 };
      }
      return this.notAllowed();
    }
    if (head.name === 'items') {
      if (head.arg !== undefined) return this.onItem(list, Number(head.arg));
      if (second?.name === 'getbyid' && second.arg !== undefined) return this.onItem(list, Number(second.arg));
      if (this.method === 'GET') return this.items(list);
      if (this.method === 'POST') {
        const item = this.site.addItem(list, this.body);
        return { ...this.itemEntity(list, item, [], []), status: 201 };
      }
      return this.notAllowed();
    }
    if (head.name === 'fields') return this.onFields(list, rest.slice(1));
    if (head.name === 'views') return this.onViews(list, rest.slice(1));
    throw new SpError(404, SP_CODE.argument, `No such endpoint: ${this.request.path}`);
  }

  private onItem(list: List, id: number): Reply {
    const ifMatch = this.request.headers['if-match'] as string | undefined;
    switch (this.method) {
      case 'GET':
        return this.itemEntity(list, this.site.item(list, id), this.select, parseList(this.request.query.get('$expand')));
      case 'MERGE':
      case 'PATCH': {
        const item = this.site.updateItem(list, id, this.body, ifMatch);
        return { status: 204, headers: { ETag: etagOf(item) } };
      }
      case 'DELETE':
        this.site.deleteItem(list, id, ifMatch);
        return { status: 200 };
      default:
        return this.notAllowed();
    }
  }

  private items(list: List): Reply {
    const q = this.request.query;
    const expand = parseList(q.get('$expand'));
    const select = this.select;
    const page = this.site.query(list, {
      filter: q.get('$filter'),
      orderby: q.get('$orderby'),
      top: q.get('$top'),
      skiptoken: q.get('$skiptoken'),
      select,
      expand,
    });
    for (const name of select) if (page.rows[0]) this.site.resolve(list, page.rows[0], name, expand);
    const rows = page.rows.map((item) => this.itemBody(list, item, select, expand));
    this.request.rows = rows.length;
    let nextLink: string | undefined;
    if (page.skiptoken) {
      const next = new URL(this.url.toString());
      next.searchParams.set('$skiptoken', page.skiptoken);
      nextLink = next.toString();
    }
    return this.collection(rows, nextLink);
  }

  private onFields(list: List, rest: Segment[]): Reply {
    const [head] = rest;
    if (!head) {
      if (this.method !== 'GET') throw new SpError(400, SP_CODE.badQuery, 'The double creates columns through createfieldasxml only.');
      const filter = this.request.query.get('$filter');
      const tree = filter ? parseFilter(filter) : undefined;
      const fields = list.fields.filter((f) => !tree || evaluate(tree, (n) => (f as unknown as Record<string, unknown>)[n]));
      return this.collection(fields.map((f) => pick({ ...f }, this.select)));
    }
    if (head.name === 'createfieldasxml' && this.method === 'POST') {
      const parameters = (this.body.parameters ?? {}) as { SchemaXml?: string; Options?: number };
      const created = this.site.addFieldXml(list, String(parameters.SchemaXml ?? ''), Number(parameters.Options ?? 0));
      return { ...this.entity(`SP.Field${created.TypeAsString}`, { ...created }), status: 201 };
    }
    if ((head.name === 'getbyinternalnameortitle' || head.name === 'getbytitle') && head.arg !== undefined) {
      const target = this.site.field(list, head.arg);
      if (this.method === 'GET') return this.entity(`SP.Field${target.TypeAsString}`, pick({ ...target }, this.select));
      if (this.method === 'MERGE' || this.method === 'PATCH') {
        this.site.updateField(list, target, this.body);
        return { status: 204 };
      }
      return this.notAllowed();
    }
    throw new SpError(404, SP_CODE.argument, `No such endpoint: ${this.request.path}`);
  }

  private onViews(list: List, rest: Segment[]): Reply {
    const [head, second, third] = rest;
    if (!head) {
      if (this.method === 'GET') return this.collection(list.views.map((v) => pick(viewJson(v), this.select)));
      if (this.method === 'POST') return { ...this.entity('SP.View', viewJson(this.site.addView(list, this.body))), status: 201 };
      return this.notAllowed();
    }
    if (head.name !== 'getbytitle' || head.arg === undefined) throw new SpError(404, SP_CODE.argument, `No such endpoint: ${this.request.path}`);
    const view = this.site.view(list, head.arg);
    if (!second) {
      if (this.method === 'GET') return this.entity('SP.View', pick(viewJson(view), this.select));
      if (this.method === 'MERGE' || this.method === 'PATCH') {
        this.site.updateView(list, view, this.body);
        return { status: 204 };
      }
      return this.notAllowed();
    }
    if (second.name !== 'viewfields' && second.name !== 'fields') throw new SpError(404, SP_CODE.argument, `No such endpoint: ${this.request.path}`);
    if (!third && this.method === 'GET') {
      return this.entity('SP.ViewFieldCollection', {
        SchemaXml: `<FieldRefs>${view.fields.map((f) => `<FieldRef Name="${f}" />`).join('')}</FieldRefs>`,
        Items: this.verbose ? { results: view.fields } : [...view.fields],
      });
    }
    if (third?.name === 'removeallviewfields' && this.method === 'POST') {
      view.fields = [];
      return { status: 200, body: {} };
    }
    if (third?.name === 'addviewfield' && third.arg !== undefined && this.method === 'POST') {
      this.site.addViewField(list, view, third.arg);
      return { status: 200, body: {} };
    }
    throw new SpError(404, SP_CODE.argument, `No such endpoint: ${this.request.path}`);
  }

  private listJson(list: List): Record<string, unknown> {
    return {
      Id: list.Id,
      Title: list.Title,
      Description: list.Description,
      BaseTemplate: list.BaseTemplate,
      ItemCount: list.items.size,
      EntityTypeName: list.EntityTypeName,
      ListItemEntityTypeFullName: `SP.Data.${list.EntityTypeName}Item`,
      Created: list.Created,
    };
  }

  private itemBody(list: List, item: Item, select: readonly string[], expand: readonly string[]): Record<string, unknown> {
    const type = `SP.Data.${list.EntityTypeName}Item`;
    const uri = `${this.site.url}/_api/Web/Lists(guid'${list.Id}')/Items(${item.id})`;
    const values = this.site.itemJson(list, item, select, expand);
    if (this.verbose) {
      for (const [k, v] of Object.entries(values)) if (Array.isArray(v)) values[k] = { results: v };
      return { __metadata: { id: uri, uri, etag: etagOf(item), type }, ...values };
    }
    return {
      'odata.type': type,
      'odata.id': uri,
      'odata.etag': etagOf(item),
      'odata.editLink': `Web/Lists(guid'${list.Id}')/Items(${item.id})`,
      ...values,
    };
  }

  private itemEntity(list: List, item: Item, select: readonly string[], expand: readonly string[]): Reply {
    const body = this.itemBody(list, item, select, expand);
    return { status: 200, body: this.verbose ? { d: body } : { 'odata.metadata': `${this.site.url}/_api/$metadata#SP.ListData.${list.EntityTypeName}Items/@Element`, ...body }, headers: { ETag: etagOf(item) } };
  }

  private entity(type: string, values: Record<string, unknown>): Reply {
    if (this.verbose) return { status: 200, body: { d: { __metadata: { type }, ...values } } };
    return { status: 200, body: { 'odata.metadata': `${this.site.url}/_api/$metadata#${type}`, 'odata.type': type, ...values } };
  }

  private collection(values: unknown[], nextLink?: string): Reply {
    if (this.verbose) return { status: 200, body: { d: { results: values, ...(nextLink ? { __next: nextLink } : {}) } } };
    return { status: 200, body: { 'odata.metadata': `${this.site.url}/_api/$metadata`, value: values, ...(nextLink ? { 'odata.nextLink': nextLink } : {}) } };
  }
}

function viewJson(view: View): Record<string, unknown> {
  const { fields: _fields, ...rest } = view;
  return { ...rest };
}
