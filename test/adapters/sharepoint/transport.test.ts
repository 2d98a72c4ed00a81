import { createSharePointClient, DEFAULT_RETRY, INTERACTIVE_RETRY, SharePointUnavailableError, type RetrySettings } from '../../../src/adapters/sharepoint';
import { retryAfterMs } from '../../../src/adapters/sharepoint/transport';
import { settingsFor } from '../../doubles/sharepoint/connect';
import { startSharePointDouble, type SharePointDouble } from '../../doubles/sharepoint';

let double: SharePointDouble;
beforeAll(async () => {
  double = await startSharePointDouble();
  double.site.addList({ Title: 'Anything' });
});
afterAll(() => double.close());
beforeEach(() => {
  double.clearFaults();
  double.requests.splice(0);
});

/** A client whose waits are recorded instead of slept. */
function clientWith(retry: Parameters<typeof settingsFor>[1], random = () => 0.5) {
  const waits: number[] = [];
  const sp = createSharePointClient(settingsFor(double, retry), { sleep: async (ms) => void waits.push(ms), random });
  return { sp, waits, list: () => sp.web.lists.getByTitle('Anything').select('Title')() };
}

/** A client on a fake clock: waits are recorded and move the clock on, nothing is slept. */
function clientOnFakeClock(policy: RetrySettings, random = () => 0) {
  let now = 1_000_000;
  const started = now;
  const waits: number[] = [];
  const sleep = async (ms: number) => {
    waits.push(ms);
    now += ms;
  };
  const sp = createSharePointClient(settingsFor(double), { sleep, now: () => now, random }, policy);
  return { waits, elapsed: () => now - started, list: () => sp.web.lists.getByTitle('Anything').select('Title')() };
}

describe('the SharePoint client’s retry behaviour', () => {
  it('waits as long as Retry-After says on 429 and 503, then succeeds', async () => {
    double.injectFault({ status: 429, retryAfter: '2', times: 1 });
    double.injectFault({ status: 503, retryAfter: '7', times: 1 });
    const { waits, list } = clientWith({ maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 60_000 }, () => 0);

    await expect(list()).resolves.toMatchObject({ Title: 'Anything' });
    expect(waits).toEqual([2000, 7000]);
  });

  it('caps a wait at the maximum delay', async () => {
    double.injectFault({ status: 429, retryAfter: '120', times: 1 });
    const { waits, list } = clientWith({ maxAttempts: 2, maxDelayMs: 5 });

    await list();
    expect(waits).toEqual([5]);
  });

  it('backs off exponentially with jitter when there is no Retry-After', async () => {
    double.injectFault({ status: 504, times: 3 });
    const { waits, list } = clientWith({ maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 60_000 }, () => 0.5);

    await list();
    expect(waits).toEqual([50, 100, 200]);
  });

  it('gives up after the last attempt and says SharePoint is unavailable', async () => {
    double.injectFault({ status: 503, retryAfter: '0' });
    const { list } = clientWith({ maxAttempts: 3 });

    await expect(list()).rejects.toMatchObject({ status: 503 });
    expect(double.requests).toHaveLength(3);
  });

  it('times out an attempt that gets no answer, retries it, and reports the outage when none comes', async () => {
    double.injectFault({ delayMs: 300 });
    const { list } = clientWith({ maxAttempts: 2, timeoutMs: 50 });

    await expect(list()).rejects.toBeInstanceOf(SharePointUnavailableError);
    expect(double.requests).toHaveLength(2);
  });

  it('does not retry an answer that is not a fault (404, 412, a duplicate value)', async () => {
    const { sp } = clientWith({ maxAttempts: 5 });

    await expect(sp.web.lists.getByTitle('No such list')()).rejects.toMatchObject({ status: 404 });
    expect(double.requests).toHaveLength(1);
  });

  it('with the interactive policy, gives up at once on a Retry-After that ends past its deadline, returning that answer', async () => {
    double.injectFault({ status: 503, retryAfter: '120' });
    const { waits, elapsed, list } = clientOnFakeClock(INTERACTIVE_RETRY);

    await expect(list()).rejects.toMatchObject({ status: 503 });
    expect(double.requests).toHaveLength(1);
    expect(waits).toEqual([]);
    expect(elapsed()).toBe(0);
  });

  it('with the background policy, still waits out the same Retry-After and succeeds', async () => {
    double.injectFault({ status: 503, retryAfter: '120', times: 2 });
    const { waits, list } = clientOnFakeClock(DEFAULT_RETRY);

    await expect(list()).resolves.toMatchObject({ Title: 'Anything' });
    expect(waits).toEqual([120_000, 120_000]);
    expect(double.requests).toHaveLength(3);
  });

  it('starts no attempt after the deadline, however many attempts are left', async () => {
    double.injectFault({ status: 429, retryAfter: '1' });
    const { waits, elapsed, list } = clientOnFakeClock({ ...INTERACTIVE_RETRY, maxAttempts: 20 });

    await expect(list()).rejects.toMatchObject({ status: 429 });
    // Attempts at 0, 1, 2, 3, 4 and 5 s; a sixth wait would end at the 6 s deadline.
    expect(double.requests).toHaveLength(6);
    expect(waits).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(elapsed()).toBeLessThan(INTERACTIVE_RETRY.deadlineMs);
  });

  it('does not back off past the deadline after a transient failure', async () => {
    double.injectFault({ status: 502 });
    const { waits, elapsed, list } = clientOnFakeClock({ ...INTERACTIVE_RETRY, maxAttempts: 20, baseDelayMs: 2000, maxDelayMs: 4000 }, () => 1);

    await expect(list()).rejects.toMatchObject({ status: 502 });
    // Waits of 2 s, then 4 s: the second would end at the 6 s deadline, so it is not waited.
    expect(waits).toEqual([2000]);
    expect(double.requests).toHaveLength(2);
    expect(elapsed()).toBe(2000);
  });

  it('cuts each attempt’s timeout to what is left of the deadline when SharePoint does not answer', async () => {
    double.injectFault({ delayMs: 600 });
    const sp = createSharePointClient(settingsFor(double), {}, { maxAttempts: 10, timeoutMs: 100, baseDelayMs: 1, maxDelayMs: 1, deadlineMs: 250 });
    const started = Date.now();

    const failure = await sp.web.lists.getByTitle('Anything').select('Title')().catch((err: unknown) => err);

    expect(failure).toBeInstanceOf(SharePointUnavailableError);
    expect(String((failure as Error).message)).toMatch(/deadline/);
    expect(double.requests).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(600);
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
