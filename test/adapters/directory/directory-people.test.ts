import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirectoryPeople, playgroundUsers } from '../../../src/adapters/directory/directory-people';
import { MemoryConversationDirectory } from '../../../src/adapters/memory/memory-stores';
import { StoreUnavailableError } from '../../../src/domain/errors';
import { startGraphDouble, type GraphDouble } from '../../doubles/graph';
import { aConversation } from '../../fixtures/builders';

const NIA = { id: '5a1b2c3d-0000-4000-8000-00000000000a', displayName: 'Nia New', mail: 'Nia.New@example.org', userPrincipalName: 'nia.new@example.org' };

describe('people named in answers, found in the directory', () => {
  let graph: GraphDouble;
  let people: DirectoryPeople;
  let conversations: MemoryConversationDirectory;

  beforeEach(async () => {
    graph = await startGraphDouble();
    graph.setUser(NIA);
    conversations = new MemoryConversationDirectory();
    people = new DirectoryPeople(conversations, { graph: { baseUrl: graph.url, token: async () => 'local-double' } });
  });
  afterEach(async () => {
    await graph.close();
  });

  it('finds someone who talked to the bot by id or email, without asking Graph', async () => {
    await conversations.save(aConversation({ userId: 'user-alice', name: 'Alice Adams', email: 'alice@example.org' }));
    expect(await people.find('alice@example.org')).toEqual({ id: 'user-alice', name: 'Alice Adams', email: 'alice@example.org' });
    expect(await people.find('user-alice')).toMatchObject({ name: 'Alice Adams' });
    expect(graph.requests).toHaveLength(0);
  });

  it('asks Graph by Entra id or by email, and caches what it found', async () => {
    expect(await people.find(NIA.id.toUpperCase())).toEqual({ id: NIA.id, name: 'Nia New', email: 'nia.new@example.org' });
    expect(await people.find('nia.new@example.org')).toMatchObject({ id: NIA.id });
    await people.find(NIA.id);
    expect(graph.requests.map((r) => r.path)).toEqual([`/v1.0/users/${NIA.id}`, '/v1.0/users/nia.new%40example.org']);
    expect(graph.requests[0].authorization).toBe('Bearer local-double');
  });

  it('says undefined for someone Graph does not know, and throws an outage as unavailable', async () => {
    expect(await people.find('nobody@example.org')).toBeUndefined();
    graph.failWith(503);
    await expect(new DirectoryPeople(conversations, { graph: { baseUrl: graph.url, token: async () => 'x' } }).find('someone@example.org')).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  it('knows the Agents Playground\'s mock users locally, from its config file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'prb-people-'));
    try {
      const file = join(dir, '.m365agentsplayground.yml');
      writeFileSync(file, 'version: "0.1.1"\ncurrentUser:\n  id: aaaa\n  aadObjectId: aaaa\n  name: Alex Wilber\n  email: alexw@example.com\nusers:\n  - id: bbbb\n    aadObjectId: bbbb\n    name: Megan Bowen\n    email: MeganB@example.com\n');
      const local = new DirectoryPeople(conversations, { mockUsers: playgroundUsers(file) });
      expect(await local.find('meganb@example.com')).toEqual({ id: 'bbbb', name: 'Megan Bowen', email: 'meganb@example.com' });
      expect(await local.find('bbbb')).toMatchObject({ name: 'Megan Bowen' });
      expect(await local.find('nobody@example.com')).toBeUndefined();
      expect(playgroundUsers(join(dir, 'missing.yml'))).toEqual([]);
      writeFileSync(file, ': not [ yaml');
      expect(playgroundUsers(file)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the committed Playground config: its users have GUID ids, as Entra object ids are', () => {
    const users = playgroundUsers('.m365agentsplayground.yml');
    expect(users.length).toBeGreaterThanOrEqual(5);
    for (const u of users) expect(u.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
