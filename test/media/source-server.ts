import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Route {
  status?: number;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Milliseconds before answering. */
  delayMs?: number;
  /** Send the body chunked, without a Content-Length. */
  chunked?: boolean;
}

/** A local HTTP server to fetch media from; counts the requests of each path. */
export class SourceServer {
  private readonly routes = new Map<string, Route>();
  private readonly hits = new Map<string, number>();

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<SourceServer> {
    const server = http.createServer();
    const source = new SourceServer(server);
    server.on('request', (request, response) => source.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return source;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  serve(path: string, route: Route): string {
    this.routes.set(path, route);
    return this.url(path);
  }

  hitsOf(path: string): number {
    return this.hits.get(path) ?? 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0];
    this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
    const route = this.routes.get(path);
    if (!route) {
      response.statusCode = 404;
      response.end('not found');
      return;
    }
    const answer = () => {
      if (response.destroyed) return;
      const length = route.body && !route.chunked ? { 'Content-Length': String(route.body.length) } : {};
      response.writeHead(route.status ?? 200, { ...length, ...route.headers });
      if (route.chunked && route.body) {
        const half = Math.floor(route.body.length / 2);
        response.write(route.body.subarray(0, half));
        response.end(route.body.subarray(half));
      } else {
        response.end(route.body);
      }
    };
    if (route.delayMs) setTimeout(answer, route.delayMs).unref();
    else answer();
  }
}

const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

/** Small files whose first bytes are what their type says; `fill` pads them to a size. */
export const SAMPLES = {
  png: (fill = 256) => Buffer.concat([bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d], 'IHDR'), pseudoRandom(fill)]),
  jpeg: (fill = 256) => Buffer.concat([bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF'), pseudoRandom(fill)]),
  pdf: (fill = 256) => Buffer.concat([bytes('%PDF-1.7\n'), pseudoRandom(fill)]),
  mp4: (fill = 256) => Buffer.concat([bytes([0, 0, 0, 0x18], 'ftypmp42', [0, 0, 0, 0], 'isom'), pseudoRandom(fill)]),
};

let seed = 1;
/** Bytes that differ between calls (so files do not dedupe by accident). */
export function pseudoRandom(length: number): Buffer {
  const out = Buffer.alloc(length);
  seed = (seed * 48271 + Date.now()) % 2147483647;
  let state = seed;
  for (let i = 0; i < length; i += 1) {
    state = (state * 48271) % 2147483647;
    out[i] = state & 0xff;
  }
  return out;
}
