import type { AddressInfo } from 'net';
import { WebSocketServer } from 'ws';
import { Connection, type ConnectionEvents } from './connection';
import type { KeyPair } from './noise';

export interface WsServerOptions {
  host: string;
  port: number;
  serverStatic: KeyPair;
  settleMs: number;
  /** Asked for every new socket; false drops it at once (simulated outage). */
  accept: () => boolean;
  /** Asked for every socket accepted; false keeps it open but never answers it (a server gone silent). */
  answer: () => boolean;
}

/** Accepts WebSocket clients and hands each one to a Noise-speaking Connection. */
export class WsServer {
  private server: WebSocketServer | undefined;
  private readonly connections = new Set<Connection>();

  constructor(
    private readonly options: WsServerOptions,
    private readonly events: ConnectionEvents,
  ) {}

  async start(): Promise<string> {
    const server = new WebSocketServer({ host: this.options.host, port: this.options.port });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    server.on('connection', (socket) => {
      if (!this.options.accept()) {
        socket.terminate();
        return;
      }
      if (!this.options.answer()) {
        // read and dropped: the client's hello gets no reply; stop() terminates it with every other client
        socket.on('message', () => undefined);
        socket.on('error', () => undefined);
        return;
      }
      const connection = new Connection(
        socket,
        {
          authenticated: (c, key, payload) => this.events.authenticated(c, key, payload),
          node: (c, node) => this.events.node(c, node),
          error: (c, error) => this.events.error(c, error),
          closed: (c) => {
            this.connections.delete(c);
            this.events.closed(c);
          },
        },
        { serverStatic: this.options.serverStatic, settleMs: this.options.settleMs },
      );
      this.connections.add(connection);
    });
    const { port } = server.address() as AddressInfo;
    return `ws://${this.options.host}:${port}/ws/chat`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) {
      return;
    }
    for (const connection of [...this.connections]) {
      connection.terminate();
    }
    for (const client of server.clients) {
      client.terminate();
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
