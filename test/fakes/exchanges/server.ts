/**
 * A local websocket server that stands in for an exchange's public stream endpoint. A protocol (binance.ts,
 * bybit.ts, okx.ts) answers subscriptions and pings the way the exchange documents; tests publish messages
 * to whoever subscribed to a topic, drop sockets, and wait for subscriptions instead of sleeping.
 */
import { WebSocketServer, type WebSocket } from 'ws';

export class FakeConnection {
  /** Topics this connection subscribed to, in the protocol's own naming. */
  readonly topics = new Set<string>();
  constructor(
    readonly ws: WebSocket,
    /** The request path (`/v5/public/linear`, `/ws/v5/public`, …). */
    readonly path: string,
  ) {}

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }
}

export interface Protocol {
  /** A frame from the client: answer it, and record subscriptions with `conn.topics.add`. */
  onFrame(conn: FakeConnection, text: string): void;
}

type Waiter = { topic: string; resolve: (c: FakeConnection) => void; timer?: NodeJS.Timeout };

export class FakeExchangeServer {
  /** Every connection ever accepted, oldest first. */
  readonly connections: FakeConnection[] = [];
  /** Frames received from clients, in order. */
  readonly received: string[] = [];
  private waiters: Waiter[] = [];

  private constructor(
    private readonly wss: WebSocketServer,
    private readonly protocol: Protocol,
  ) {
    wss.on('connection', (ws, req) => {
      const conn = new FakeConnection(ws, req.url ?? '/');
      this.connections.push(conn);
      ws.on('message', (data) => {
        const text = data.toString();
        this.received.push(text);
        this.protocol.onFrame(conn, text);
        this.settleWaiters();
      });
      ws.on('error', () => undefined);
    });
  }

  static async start(protocol: Protocol): Promise<FakeExchangeServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', resolve);
      wss.once('error', reject);
    });
    return new FakeExchangeServer(wss, protocol);
  }

  /** `ws://127.0.0.1:PORT`, for ExchangeOverride.ws. */
  get url(): string {
    const addr = this.wss.address();
    if (addr === null || typeof addr === 'string') throw new Error('the fake server is not listening on a TCP port');
    return `ws://127.0.0.1:${addr.port}`;
  }

  get open(): FakeConnection[] {
    return this.connections.filter((c) => c.open);
  }

  /** Resolves with the open connection subscribed to `topic`, as soon as there is one. */
  subscribed(topic: string, timeoutMs = 5_000): Promise<FakeConnection> {
    const now = this.open.find((c) => c.topics.has(topic));
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        topic,
        resolve: (c) => {
          clearTimeout(timer);
          resolve(c);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no subscription to ${topic} within ${timeoutMs} ms (received: ${this.received.slice(-5).join(' | ')})`));
      }, timeoutMs);
      waiter.timer = timer;
      this.waiters.push(waiter);
    });
  }

  /** Send to every open connection subscribed to `topic`; returns how many got it. */
  publish(topic: string, message: unknown): number {
    const targets = this.open.filter((c) => c.topics.has(topic));
    for (const c of targets) c.send(message);
    return targets.length;
  }

  /** Cut every open socket without a closing handshake (the client sees 1006), as a network failure would. */
  dropAll(): number {
    const open = this.open;
    for (const c of open) c.ws.terminate();
    return open.length;
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.ws.terminate();
    for (const w of this.waiters) clearTimeout(w.timer);
    this.waiters = [];
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private settleWaiters(): void {
    this.waiters = this.waiters.filter((w) => {
      const conn = this.open.find((c) => c.topics.has(w.topic));
      if (conn) w.resolve(conn);
      return !conn;
    });
  }
}
