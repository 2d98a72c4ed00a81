import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { selfSignedFor127, type SelfSigned } from './self-signed';

/**
 * A double of Application Insights ingestion on 127.0.0.1, recording what it
 * receives. It speaks https (self-signed for 127.0.0.1: give the bot
 * NODE_EXTRA_CA_CERTS with `tls.cert`) because the exporter turns an
 * http:// IngestionEndpoint into https://. Answers as the service documents:
 * POST /v2.1/track takes a JSON array of envelopes (possibly gzip'd) and
 * answers 200 `{ itemsReceived, itemsAccepted, errors: [] }`; the live
 * metrics (QuickPulse) calls get 200 with `x-ms-qps-subscribed: false`.
 */
export interface Envelope {
  readonly name: string;
  readonly iKey?: string;
  readonly time?: string;
  readonly data?: { baseType?: string; baseData?: Record<string, unknown> };
  readonly tags?: Record<string, string>;
}

export interface AppInsightsDouble {
  readonly url: string;
  readonly tls: SelfSigned;
  /** Every request: method, path, and for /track the envelopes. */
  readonly requests: readonly { method: string; path: string; envelopes: readonly Envelope[] }[];
  readonly envelopes: readonly Envelope[];
  /** A connection string pointing ingestion and live metrics here. */
  connectionString(instrumentationKey?: string): string;
  close(): Promise<void>;
}

export async function startAppInsightsDouble(): Promise<AppInsightsDouble> {
  const tls = selfSignedFor127();
  const requests: { method: string; path: string; envelopes: Envelope[] }[] = [];
  const envelopes: Envelope[] = [];
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (/gzip/i.test(String(req.headers['content-encoding'] ?? ''))) body = gunzipSync(body);
      const path = req.url ?? '/';
      const got: Envelope[] = [];
      if (req.method === 'POST' && /\/v2(\.1)?\/track/i.test(path)) {
        const text = body.toString('utf8').trim();
        // A JSON array, or newline-delimited envelopes.
        const parsed = text.startsWith('[') ? (JSON.parse(text) as Envelope[]) : text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Envelope);
        got.push(...parsed);
        envelopes.push(...parsed);
        requests.push({ method: req.method, path, envelopes: got });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ itemsReceived: parsed.length, itemsAccepted: parsed.length, errors: [] }));
        return;
      }
      requests.push({ method: req.method ?? '', path, envelopes: got });
      res.writeHead(200, { 'content-type': 'application/json', 'x-ms-qps-subscribed': 'false' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    tls,
    requests,
    envelopes,
    connectionString: (ikey = '00000000-0000-0000-0000-00000000a1a1') => `InstrumentationKey=${ikey};IngestionEndpoint=${url}/;LiveEndpoint=${url}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
