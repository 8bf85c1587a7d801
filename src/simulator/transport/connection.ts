import type WebSocket from 'ws';
import { type BinaryNode, decodeBinaryNode, encodeBinaryNode, proto } from '@whiskeysockets/baileys';
import { FrameReader, encodeFrame } from './frames';
import { type KeyPair, NoiseServerHandshake, type TransportCipher } from './noise';

export interface ConnectionEvents {
  /** The handshake finished; the client's noise key and ClientPayload are known. */
  authenticated(connection: Connection, clientStatic: Buffer, payload: proto.ClientPayload): void | Promise<void>;
  node(connection: Connection, node: BinaryNode): void | Promise<void>;
  closed(connection: Connection): void;
  error(connection: Connection, error: unknown): void;
}

export interface ConnectionOptions {
  serverStatic: KeyPair;
  /**
   * Baileys starts its transport keys (an async WebCrypto HKDF) without
   * awaiting them after ClientFinish; a stanza that arrives earlier is
   * silently dropped, so the first server stanza waits this long.
   */
  settleMs: number;
}

let nextConnectionId = 1;

/** One client WebSocket: framing, Noise handshake and encrypted binary nodes. */
export class Connection {
  readonly id = nextConnectionId++;
  private readonly reader = new FrameReader();
  private readonly handshake: NoiseServerHandshake;
  private stage: 'hello' | 'finish' | 'open' | 'closed' = 'hello';
  private cipher: TransportCipher | undefined;
  private inbound: Promise<void> = Promise.resolve();
  private settleTimer: NodeJS.Timeout | undefined;
  private settleResolve: (() => void) | undefined;

  constructor(
    private readonly socket: WebSocket,
    private readonly events: ConnectionEvents,
    private readonly options: ConnectionOptions,
  ) {
    this.handshake = new NoiseServerHandshake(options.serverStatic);
    socket.on('message', (data: Buffer) => this.receive(data));
    socket.on('close', () => this.markClosed());
    socket.on('error', (error) => this.events.error(this, error));
  }

  get isOpen(): boolean {
    return this.stage === 'open';
  }

  get isClosed(): boolean {
    return this.stage === 'closed';
  }

  send(node: BinaryNode): void {
    if (this.stage !== 'open' || !this.cipher) {
      return;
    }
    const payload = this.cipher.encrypt(encodeBinaryNode(node));
    this.socket.send(encodeFrame(payload));
  }

  /** Sends a last stanza, then closes the socket. */
  end(node?: BinaryNode): void {
    if (node) {
      this.send(node);
    }
    this.close();
  }

  close(): void {
    if (this.stage === 'closed') {
      return;
    }
    this.markClosed();
    this.socket.close();
  }

  /** Drops the TCP connection without a closing handshake. */
  terminate(): void {
    this.markClosed();
    this.socket.terminate();
  }

  private settle(): Promise<void> {
    return new Promise((resolve) => {
      this.settleResolve = resolve;
      this.settleTimer = setTimeout(resolve, this.options.settleMs);
    });
  }

  private markClosed(): void {
    if (this.stage === 'closed') {
      return;
    }
    this.stage = 'closed';
    clearTimeout(this.settleTimer);
    this.settleResolve?.();
    this.events.closed(this);
  }

  private receive(data: Buffer): void {
    if (this.stage === 'closed') {
      return;
    }
    try {
      for (const frame of this.reader.push(data)) {
        this.receiveFrame(frame);
      }
    } catch (error) {
      this.events.error(this, error);
      this.terminate();
    }
  }

  private receiveFrame(frame: Buffer): void {
    switch (this.stage) {
      case 'hello': {
        const reply = this.handshake.respondToHello(this.reader.header!, frame);
        this.stage = 'finish';
        this.socket.send(encodeFrame(reply));
        return;
      }
      case 'finish': {
        const { clientStatic, payload } = this.handshake.readFinish(frame);
        this.cipher = this.handshake.split();
        this.stage = 'open';
        this.enqueue(async () => {
          await this.settle();
          await this.events.authenticated(this, clientStatic, payload);
        });
        return;
      }
      case 'open': {
        // the counter is the IV: decrypt strictly in arrival order, then decode
        const plain = this.cipher!.decrypt(frame);
        this.enqueue(async () => this.events.node(this, await decodeBinaryNode(plain)));
        return;
      }
      default:
        return;
    }
  }

  /** Handles stanzas one at a time, in order, so each handler sees a consistent state. */
  private enqueue(task: () => unknown): void {
    this.inbound = this.inbound.then(async () => {
      if (this.stage === 'closed') {
        return;
      }
      try {
        await task();
      } catch (error) {
        this.events.error(this, error);
      }
    });
  }
}
