import { startSharePointDouble, type SharePointDouble } from './index';

/**
 * The double answers as SharePoint REST is documented to, for the subset the
 * adapter uses. These tests speak plain HTTP, not PnPjs, so the double is held
 * to the protocol rather than to one client.
 */

let double: SharePointDouble;
let api: string;
beforeEach(async () => {
  double = await startSharePointDouble();
  api = `${double.siteUrl}/_api/web`;
});
afterEach(() => double.close());

const JSON_LIGHT = { Accept: 'application/json', 'Content-Type': 'application/json' };

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${api}${path}`, { method, headers: { ...JSON_LIGHT, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Record<string, any>) : {} };
}

const merge = (path: string, body: unknown, etag: string) => call('POST', path, body, { 'X-HTTP-Method': 'MERGE', 'IF-MATCH': etag });

async function aListWith(...fields: string[]): Promise<void> {
  expect((await call('POST', '/lists', { Title: 'Things', BaseTemplate: 100 })).status).toBe(201);
  for (const xml of fields) {
    const added = await call('POST', "/lists/getByTitle('Things')/fields/createfieldasxml", { parameters: { SchemaXml: xml, Options: 8 } });
    expect(added.status).toBe(201);
  }
}

const CODE = '<Field Type="Text" Name="Code" DisplayName="Code" Indexed="TRUE" EnforceUniqueValues="TRUE" />';
const COLOUR = '<Field Type="Text" Name="Colour" DisplayName="Colour" />';
const SIZE = '<Field Type="Number" Name="Size" DisplayName="Size" Indexed="TRUE" />';

describe('the SharePoint double', () => {
  it('finds a list by title whatever its case, and says when there is none', async () => {
    await aListWith();

    expect((await call('GET', "/lists/getByTitle('THINGS')")).json.Title).toBe('Things');
    const missing = await call('GET', "/lists/getByTitle('Nothing')");
    expect(missing.status).toBe(404);
    expect(missing.json['odata.error'].code).toContain('System.ArgumentException');
  });

  it('creates items with an etag and answers $select, $filter, $orderby and $top', async () => {
    await aListWith(CODE, COLOUR, SIZE);
    for (const [code, colour, size] of [['a', 'red', 3], ['b', 'blue', 1], ['c', 'red', 2]] as const) {
      const created = await call('POST', "/lists/getByTitle('Things')/items", { Title: code, Code: code, Colour: colour, Size: size });
      expect(created.status).toBe(201);
      expect(created.json['odata.etag']).toBe('"1"');
    }

    const red = await call('GET', `/lists/getByTitle('Things')/items?$select=Code,Size&$filter=${encodeURIComponent("Colour eq 'RED'")}&$orderby=Size desc&$top=1`);

    expect(red.json.value.map((i: Record<string, unknown>) => [i.Code, i.Size])).toEqual([['a', 3]]);
    expect(red.json['odata.nextLink']).toEqual(expect.stringContaining('%24skiptoken=Paged%3DTRUE'));
  });

  it('pages through odata.nextLink, and __next in verbose mode', async () => {
    await aListWith();
    double.site.seed(double.site.list('Things'), Array.from({ length: 250 }, (_, i) => ({ Title: `t${i}` })));

    const seen: string[] = [];
    let next: string | undefined = `${api}/lists/getByTitle('Things')/items?$select=Title&$top=100`;
    while (next) {
      const page = (await (await fetch(next, { headers: JSON_LIGHT })).json()) as { value: { Title: string }[]; 'odata.nextLink'?: string };
      seen.push(...page.value.map((i) => i.Title));
      next = page['odata.nextLink'];
    }
    const verbose = (await (await fetch(`${api}/lists/getByTitle('Things')/items?$top=200`, { headers: { Accept: 'application/json;odata=verbose' } })).json()) as {
      d: { results: unknown[]; __next?: string };
    };

    expect(seen).toHaveLength(250);
    expect(new Set(seen).size).toBe(250);
    expect(verbose.d.results).toHaveLength(200);
    expect(verbose.d.__next).toContain('p_ID%3D200');
  });

  it('updates only with the current etag (IF-MATCH), answering 412 to a stale one', async () => {
    await aListWith(COLOUR);
    await call('POST', "/lists/getByTitle('Things')/items", { Title: 'x' });

    const first = await merge("/lists/getByTitle('Things')/items(1)", { Colour: 'green' }, '"1"');
    const stale = await merge("/lists/getByTitle('Things')/items(1)", { Colour: 'pink' }, '"1"');
    const forced = await merge("/lists/getByTitle('Things')/items(1)", { Colour: 'grey' }, '*');

    expect([first.status, first.headers.get('etag')]).toEqual([204, '"2"']);
    expect(stale.status).toBe(412);
    expect(forced.status).toBe(204);
    expect((await call('GET', "/lists/getByTitle('Things')/items(1)")).json).toMatchObject({ Colour: 'grey', 'odata.etag': '"3"' });
    expect((await call('DELETE', "/lists/getByTitle('Things')/items(1)", undefined, { 'IF-MATCH': '"1"' })).status).toBe(412);
    expect((await call('DELETE', "/lists/getByTitle('Things')/items(1)", undefined, { 'IF-MATCH': '"3"' })).status).toBe(200);
  });

  it('refuses a duplicate in a unique column with a 500, case-insensitively, but lets many items leave it blank', async () => {
    await aListWith(CODE);
    await call('POST', "/lists/getByTitle('Things')/items", { Code: 'PR-001' });

    const duplicate = await call('POST', "/lists/getByTitle('Things')/items", { Code: 'pr-001' });

    expect(duplicate.status).toBe(500);
    expect(duplicate.json['odata.error'].code).toContain('SPDuplicateValuesFoundException');
    expect((await call('POST', "/lists/getByTitle('Things')/items", { Title: 'no code' })).status).toBe(201);
    expect((await call('POST', "/lists/getByTitle('Things')/items", { Title: 'no code either' })).status).toBe(201);
  });

  it('refuses a unique column without an index, and a 21st index', async () => {
    await aListWith();
    const path = "/lists/getByTitle('Things')/fields/createfieldasxml";
    const unindexed = await call('POST', path, { parameters: { SchemaXml: '<Field Type="Text" Name="U" DisplayName="U" EnforceUniqueValues="TRUE" />', Options: 8 } });
    for (let i = 0; i < 20; i++) {
      expect((await call('POST', path, { parameters: { SchemaXml: `<Field Type="Text" Name="I${i}" DisplayName="I${i}" Indexed="TRUE" />`, Options: 8 } })).status).toBe(201);
    }
    const oneTooMany = await call('POST', path, { parameters: { SchemaXml: '<Field Type="Text" Name="I20" DisplayName="I20" Indexed="TRUE" />', Options: 8 } });

    expect(unindexed.status).toBe(400);
    expect(oneTooMany.status).toBe(400);
  });

  it('refuses a filter or sort on a column without an index once the list holds more than 5,000 items', async () => {
    await aListWith(COLOUR, SIZE);
    double.site.seed(double.site.list('Things'), Array.from({ length: 5001 }, (_, i) => ({ Title: `t${i}`, Colour: i % 2 ? 'red' : 'blue', Size: i })));
    const items = "/lists/getByTitle('Things')/items";

    const byColour = await call('GET', `${items}?$filter=${encodeURIComponent("Colour eq 'red'")}`);
    const sortedByColour = await call('GET', `${items}?$orderby=Colour`);
    const bySize = await call('GET', `${items}?$filter=${encodeURIComponent("Size eq 42 and Colour eq 'blue'")}`);
    const wideIndexedRange = await call('GET', `${items}?$filter=${encodeURIComponent('Size ge 0')}`);
    const unfiltered = await call('GET', `${items}?$top=5000`);

    expect(byColour.status).toBe(500);
    expect(byColour.json['odata.error']).toMatchObject({
      code: expect.stringContaining('SPQueryThrottledException'),
      message: { lang: 'en-US', value: 'The attempted operation is prohibited because it exceeds the list view threshold.' },
    });
    expect(sortedByColour.status).toBe(500);
    expect(bySize.json.value.map((i: Record<string, unknown>) => i.Title)).toEqual(['t42']);
    expect(wideIndexedRange.status).toBe(500);
    expect(unfiltered.json.value).toHaveLength(5000);
  });

  it('refuses a property the list does not have', async () => {
    await aListWith();
    const created = await call('POST', "/lists/getByTitle('Things')/items", { Title: 'x', Nope: 1 });

    expect(created.status).toBe(400);
    expect(created.json['odata.error'].message.value).toMatch(/The property 'Nope' does not exist/);
  });

  it('resolves people through ensureUser, and expands a Person column', async () => {
    await aListWith('<Field Type="User" Name="Owner" DisplayName="Owner" />');
    double.site.addUser('alice@example.org', 'Alice Adams');

    const alice = await call('POST', '/ensureuser', { logonName: 'i:0#.f|membership|Alice@Example.org' });
    const unknown = await call('POST', '/ensureuser', { logonName: 'nobody@example.org' });
    await call('POST', "/lists/getByTitle('Things')/items", { Title: 'x', OwnerId: alice.json.Id });
    const read = await call('GET', "/lists/getByTitle('Things')/items(1)?$select=Title,Owner/EMail,Owner/Title&$expand=Owner");

    expect(alice.json).toMatchObject({ Title: 'Alice Adams', Email: 'alice@example.org' });
    expect(unknown.status).toBe(500);
    expect(read.json.Owner).toEqual({ EMail: 'alice@example.org', Title: 'Alice Adams' });
  });

  it('throttles on request with Retry-After, and answers late when told to', async () => {
    await aListWith();
    double.injectFault({ status: 429, retryAfter: '3', times: 1 });
    double.injectFault({ delayMs: 120, times: 1 });

    const throttled = await call('GET', "/lists/getByTitle('Things')");
    const started = Date.now();
    const slow = await call('GET', "/lists/getByTitle('Things')");

    expect([throttled.status, throttled.headers.get('retry-after')]).toEqual([429, '3']);
    expect(slow.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });
});
