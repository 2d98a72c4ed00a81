import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type Stack } from './harness';

describe('the bot in the Agents Playground', () => {
  let dataDir: string;
  let stack: Stack | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'e2e-smoke-'));
    stack = await startStack({ dataDir });
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers "help" with a message', async () => {
    const s = stack!;
    try {
      expect(await s.sendMessage('help')).toBe(200);
      const reply = await s.waitForReply();
      expect((await reply.innerText()).trim()).not.toBe('');
    } finally {
      await s.screenshot('smoke-help');
    }
  });
});
