import { randomBytes } from 'crypto';
import { Agent, type Server, createServer } from 'https';
import { Agent as UndiciAgent, buildConnector } from 'undici';
import type { AddressInfo } from 'net';
import type { IncomingMessage, ServerResponse } from 'http';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  cert: string;
  key: string;
}

let sharedTls: Promise<TlsMaterial> | undefined;

/** One certificate per process is enough: every simulator listens on 127.0.0.1. */
function tlsMaterial(): Promise<TlsMaterial> {
  sharedTls ??= generate([{ name: 'commonName', value: 'whatisup-simulator-media' }], {
    keyType: 'ec',
    curve: 'P-256',
    notAfterDate: new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  }).then((pems) => ({ cert: pems.cert, key: pems.private }));
  return sharedTls;
}

/** An https.Agent trusting only the media host's certificate (`caPem`); Baileys uploads through it. */
export function mediaAgent(caPem: string): Agent {
  return new Agent({ ca: caPem, keepAlive: false });
}

/**
 * The same trust for Node's fetch, which takes only an undici dispatcher. `host` is the media host's
 * host:port, as media_conn announces it: a simulator in another process is reached the same way.
 */
export function mediaDispatcher(host: string, caPem: string): UndiciAgent {
  // WhatsApp's clients fetch some media from its CDN's fixed name (a history sync points at
  // mmg.whatsapp.net by directPath alone): here, every media host name is this host.
  const { hostname, port } = new URL(`https://${host}`);
  const connector = buildConnector({ ca: caPem });
  return new UndiciAgent({
    connect: (options, callback) => connector({ ...options, hostname, host: hostname, servername: undefined, port }, callback),
  });
}

/**
 * The CDN stand-in: clients upload encrypted blobs here (the hostname comes
 * from media_conn) and download them by URL. Blobs live in memory.
 */
export class MediaHost {
  private server: Server | undefined;
  private readonly blobs = new Map<string, Buffer>();
  private tls: TlsMaterial | undefined;
  private origin = '';
  readonly authToken = randomBytes(16).toString('base64url');

  async start(host: string): Promise<void> {
    this.tls = await tlsMaterial();
    const server = createServer({ cert: this.tls.cert, key: this.tls.key }, (req, res) => this.handle(req, res));
    // longer than the clients' idle timeout, as the control API's (see http-server.ts)
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    this.origin = `https://${host}:${port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) {
      return;
    }
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** host[:port] as media_conn announces it. */
  get hostname(): string {
    return this.origin.replace('https://', '');
  }

  /** PEM of the self-signed certificate clients must trust. */
  get caPem(): string {
    return this.tls?.cert ?? '';
  }

  /** An agent that trusts only this host's certificate; Baileys uploads through it (`fetchAgent`). */
  createAgent(): Agent {
    return mediaAgent(this.caPem);
  }

  /**
   * The same trust for Node's fetch, which Baileys downloads with: fetch takes only an undici
   * dispatcher (`options.dispatcher`), not an https.Agent.
   */
  createDispatcher(): UndiciAgent {
    return mediaDispatcher(this.hostname, this.caPem);
  }

  /** Stores a blob as if it had been uploaded; returns its URL and direct path. */
  put(blob: Buffer, kind: string): { url: string; directPath: string } {
    const directPath = `/v/t62.${kind}/${randomBytes(16).toString('hex')}.enc`;
    this.blobs.set(directPath, blob);
    return { url: `${this.origin}${directPath}`, directPath };
  }

  /** A stored blob by URL or direct path; undefined if it is not ours. */
  get(urlOrPath: string): Buffer | undefined {
    const path = urlOrPath.startsWith(this.origin) ? urlOrPath.slice(this.origin.length) : urlOrPath;
    return this.blobs.get(path.split('?')[0]);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', this.origin);
    // media (`/mms/<kind>/…`) and catalog product images (`/product/image/…`, uploaded unencrypted)
    if (req.method === 'POST' && (url.pathname.startsWith('/mms/') || url.pathname.startsWith('/product/image/'))) {
      if (url.searchParams.get('auth') !== this.authToken) {
        res.writeHead(401).end();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const kind = url.pathname.startsWith('/product/') ? 'product-catalog-image' : (url.pathname.split('/')[2] ?? 'media');
        const stored = this.put(Buffer.concat(chunks), kind);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ url: stored.url, direct_path: stored.directPath }));
      });
      return;
    }
    if (req.method === 'GET') {
      const blob = this.blobs.get(url.pathname);
      if (!blob) {
        res.writeHead(404).end();
        return;
      }
      const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
      if (range) {
        const start = range[1] ? Number(range[1]) : 0;
        const end = range[2] ? Math.min(Number(range[2]), blob.length - 1) : blob.length - 1;
        res.writeHead(206, {
          'content-type': 'application/octet-stream',
          'content-range': `bytes ${start}-${end}/${blob.length}`,
          'content-length': end - start + 1,
        });
        res.end(blob.subarray(start, end + 1));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': blob.length });
      res.end(blob);
      return;
    }
    res.writeHead(405).end();
  }
}
