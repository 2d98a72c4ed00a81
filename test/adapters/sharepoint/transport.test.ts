import { createSharePointClient, SharePointUnavailableError } from '../../../src/adapters/sharepoint';
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

  it('reads Retry-After as seconds or as a date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
