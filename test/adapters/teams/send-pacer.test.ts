import { SendPacer } from '../../../src/adapters/teams/send-pacer';

/** Teams' limits per bot per conversation (7 per 1 s, 8 per 2 s, 60 per 30 s) and per app (about 50 per second). */
function fakeTime() {
  let now = 0;
  return { now: () => now, sleep: async (ms: number) => void (now += ms) };
}

function most(times: readonly number[], windowMs: number): number {
  return Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + windowMs).length));
}

describe('pacing proactive sends under Teams limits', () => {
  it('spreads 70 sends to one chat so no window holds more than Teams allows', async () => {
    const time = fakeTime();
    const pacer = new SendPacer(time);
    const at: number[] = [];
    for (let i = 0; i < 70; i++) {
      await pacer.turn('chat-a');
      at.push(time.now());
    }
    expect(most(at, 1000)).toBeLessThanOrEqual(7);
    expect(most(at, 2000)).toBeLessThanOrEqual(8);
    expect(most(at, 30_000)).toBeLessThanOrEqual(60);
    expect(at[at.length - 1]).toBeGreaterThanOrEqual(30_000);
  });

  it('lets sends to different chats go at once, up to the per-app rate', async () => {
    const time = fakeTime();
    const pacer = new SendPacer(time);
    const at: number[] = [];
    await Promise.all(Array.from({ length: 120 }, (_, i) => pacer.turn(`chat-${i}`).then(() => at.push(time.now()))));
    expect(at.filter((t) => t === 0)).toHaveLength(50);
    expect(most(at, 1000)).toBeLessThanOrEqual(50);
  });
});
