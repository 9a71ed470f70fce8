/**
 * A local HTTP server standing in for an exchange's public REST API (open interest, funding, mark price).
 * A venue module (binance.ts, bybit.ts, okx.ts) answers each path in the exchange's documented format from
 * a book of contracts the test sets; the test can take the server down (connections reset, as with no
 * network), wait for requests instead of sleeping, and read what was asked.
 */
import http from 'node:http';

/** One contract as the fake exchange states it, in the exchange's own units. */
export interface FakeContract {
  /** Open interest as the endpoint reports it (coins, contracts or USD, depending on the venue). */
  openInterest: number;
  markPrice: number;
  /** Funding rate per interval. */
  fundingRate: number;
  intervalHours?: number;
}

export interface Answer {
  status?: number;
  body: unknown;
}

/** Answers a GET for one path; `undefined` means 404. */
export type Routes = (path: string, query: URLSearchParams, book: Map<string, FakeContract>) => Answer | undefined;

export interface SeenRequest {
  path: string;
  query: URLSearchParams;
  at: number;
}

export class FakeRestServer {
  /** Contracts by the exchange's market id (`ETHUSDT`, `ETH-USDT-SWAP`). */
  readonly book = new Map<string, FakeContract>();
  readonly requests: SeenRequest[] = [];
  /** While true every request's connection is reset before an answer, as when the exchange is unreachable. */
  down = false;
  private waiters: { n: number; resolve: () => void }[] = [];

  private readonly server: http.Server;

  private constructor(routes: Routes) {
    this.server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      this.requests.push({ path: url.pathname, query: url.searchParams, at: Date.now() });
      this.settle();
      if (this.down) {
        req.socket.destroy();
        return;
      }
      const answer = routes(url.pathname, url.searchParams, this.book);
      res.statusCode = answer?.status ?? (answer ? 200 : 404);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(answer?.body ?? { error: `no route ${url.pathname}` }));
    });
  }

  static async start(routes: Routes): Promise<FakeRestServer> {
    const fake = new FakeRestServer(routes);
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(0, '127.0.0.1', resolve);
    });
    return fake;
  }

  /** `http://127.0.0.1:PORT`, for LeverageOverride.rest. */
  get url(): string {
    const addr = this.server.address();
    if (addr === null || typeof addr === 'string') throw new Error('the fake server is not listening on a TCP port');
    return `http://127.0.0.1:${addr.port}`;
  }

  /** Requests to `path` so far. */
  to(path: string): SeenRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Resolves once at least `n` requests have arrived in total. */
  requested(n: number, timeoutMs = 5_000): Promise<void> {
    if (this.requests.length >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.requests.length} of ${n} requests within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        n,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private settle(): void {
    this.waiters = this.waiters.filter((w) => {
      if (this.requests.length < w.n) return true;
      w.resolve();
      return false;
    });
  }
}

/** A port on 127.0.0.1 with nothing listening (connections are refused at once). */
export async function closedPort(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const addr = s.address();
  await new Promise<void>((resolve) => s.close(() => resolve()));
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  return `http://127.0.0.1:${addr.port}`;
}
