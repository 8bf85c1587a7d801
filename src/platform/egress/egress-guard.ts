import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import ipaddr from 'ipaddr.js';

/**
 * The SSRF guard of every outbound request the gateway makes on a customer's behalf (webhook deliveries,
 * media fetched from a `source_url`).
 *
 * By default a request may only reach a public unicast address: loopback, private (RFC 1918, IPv6 ULA),
 * link-local (and so the 169.254.169.254 cloud metadata service), CGNAT, multicast, broadcast, unspecified,
 * reserved and benchmarking ranges are refused, for IPv4 and IPv6 alike. IPv4-mapped IPv6 addresses are
 * judged as the IPv4 address they carry; translation prefixes that can smuggle an IPv4 address (6to4,
 * Teredo, NAT64) are not unicast and are refused too.
 *
 * The check runs on the address actually connected to, inside the socket's DNS lookup, so a host name that
 * resolves to an internal address — at registration or only later (DNS rebinding) — is refused when used.
 * `EGRESS_ALLOWED_HOSTS` lists exceptions: host names (exact, case-insensitive), IP addresses and CIDRs.
 *
 * Use:
 * - `guard.assertAllowedUrl(url)`: a cheap check before storing or using a URL (scheme, literal addresses,
 *   `localhost`); throws an `EgressRefusedError`. It does not resolve names: the agent does, when connecting.
 * - `guard.agentFor(url)`: a keep-alive http(s).Agent that refuses forbidden addresses at connect time; pass
 *   it as `agent` to `http.request`/`https.request`. A refused connection fails the request with an
 *   `EgressRefusedError` (its `code` is `EGRESS_REFUSED`).
 * - `guard.lookup`: the same check as a `dns.lookup`-compatible function, for clients that take one
 *   (e.g. undici's `new Agent({ connect: { lookup: guard.lookup } })`). Connections to literal IP
 *   addresses skip DNS lookup, so call `assertAllowedUrl` first as well.
 */
export class EgressRefusedError extends Error {
  override readonly name = 'EgressRefusedError';
  readonly code = 'EGRESS_REFUSED';

  constructor(
    message: string,
    readonly address?: string,
  ) {
    super(message);
  }
}

/** A refusal of a host or address, which the operator can lift: the message says how. */
function refusedHost(reason: string, address?: string): EgressRefusedError {
  return new EgressRefusedError(`${reason} (the operator can allow it with EGRESS_ALLOWED_HOSTS)`, address);
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

export interface EgressGuardOptions {
  /** Host names, IP addresses and CIDRs that may be reached even though they are internal. */
  allowedHosts?: readonly string[];
  /** Keep-alive sockets per origin for the agents (default 64). */
  maxSockets?: number;
}

export class EgressGuard {
  private readonly allowedNames = new Set<string>();
  private readonly allowedRanges: Array<[Address, number]> = [];
  readonly httpAgent: http.Agent;
  readonly httpsAgent: https.Agent;

  constructor(options: EgressGuardOptions = {}) {
    for (const raw of options.allowedHosts ?? []) {
      const entry = raw
        .trim()
        .toLowerCase()
        .replace(/^\[(.*)\]$/, '$1');
      if (!entry) continue;
      if (entry.includes('/')) {
        const [address, bits] = ipaddr.parseCIDR(entry);
        const mapped = address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96;
        this.allowedRanges.push(mapped ? [normalize(address), bits - 96] : [address, bits]);
      } else if (ipaddr.isValid(entry)) {
        const address = normalize(ipaddr.parse(entry));
        this.allowedRanges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
      } else {
        this.allowedNames.add(entry);
      }
    }
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64, lookup: this.lookup };
    this.httpAgent = guardedAgent(new http.Agent(agentOptions), this);
    this.httpsAgent = guardedAgent(new https.Agent(agentOptions), this);
  }

  /** Why an address may not be reached, or undefined when it may. */
  refusalFor(address: string, host?: string): string | undefined {
    if (host && this.allowedNames.has(host.toLowerCase())) return undefined;
    if (!ipaddr.isValid(address)) return `"${address}" is not an IP address`;
    const parsed = normalize(ipaddr.parse(address));
    if (this.isAllowedAddress(parsed)) return undefined;
    const range = parsed.range();
    return range === 'unicast' ? undefined : `${address} is a ${range} address`;
  }

  /** Throws an EgressRefusedError unless the URL is http(s) and not obviously internal. Does not resolve DNS. */
  assertAllowedUrl(url: string | URL): void {
    let parsed: URL;
    try {
      parsed = typeof url === 'string' ? new URL(url) : url;
    } catch {
      throw new EgressRefusedError('not an absolute URL');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
      throw new EgressRefusedError(`scheme ${parsed.protocol} is not allowed`);
    const host = parsed.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
    if (this.allowedNames.has(host)) return;
    if (ipaddr.isValid(host) && net.isIP(host) !== 0) {
      const refusal = this.refusalFor(host);
      if (refusal) throw refusedHost(refusal, host);
      return;
    }
    if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || !host.includes('.')) {
      throw refusedHost(`${host} is an internal host name`);
    }
  }

  /** The agent to pass to http.request / https.request for this URL. */
  agentFor(url: string | URL): http.Agent {
    const protocol = typeof url === 'string' ? new URL(url).protocol : url.protocol;
    return protocol === 'https:' ? this.httpsAgent : this.httpAgent;
  }

  /** A dns.lookup that fails with EgressRefusedError when a resolved address may not be reached. */
  readonly lookup = (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      for (const { address } of addresses) {
        const refusal = this.refusalFor(address, hostname);
        if (refusal) return callback(refusedHost(`${hostname}: ${refusal}`, address), []);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      callback(null, first.address, first.family);
    });
  };

  destroy(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private isAllowedAddress(address: Address): boolean {
    return this.allowedRanges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
  }
}

/**
 * Judges IPv6 addresses that carry an IPv4 address in their last 32 bits as that IPv4 address: mapped
 * (::ffff:a.b.c.d) and the deprecated IPv4-compatible form (::a.b.c.d), which ipaddr.js calls plain unicast
 * but Linux still routes to the IPv4 address (so `[::127.0.0.1]` reached loopback). The other forms that
 * embed IPv4 (NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4 2002::/16, Teredo 2001::/32) have ranges of their
 * own in ipaddr.js's table and are refused as such, whatever they carry.
 */
function normalize(address: Address): Address {
  if (address.kind() !== 'ipv6') return address;
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  const [a, b, c, d, e, f, g, h] = v6.parts;
  const compatible = a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0 && (g !== 0 || h > 1);
  return compatible ? ipaddr.fromByteArray([g >> 8, g & 0xff, h >> 8, h & 0xff]) : address;
}

/**
 * Literal IP hosts never go through `lookup`, so the agent checks them when it opens a connection; the
 * refused socket fails the request before anything is written.
 */
function guardedAgent<A extends http.Agent>(agent: A, guard: EgressGuard): A {
  type Create = (...args: unknown[]) => Duplex | undefined;
  const withCreate = agent as unknown as { createConnection: Create };
  const original = withCreate.createConnection.bind(agent);
  withCreate.createConnection = (...args: unknown[]) => {
    const options = args.find((arg) => typeof arg === 'object' && arg !== null) as { host?: string } | undefined;
    const callback = args.find((arg) => typeof arg === 'function') as ((error: Error | null, socket?: Duplex) => void) | undefined;
    const host = (options?.host ?? '').replace(/^\[(.*)\]$/, '$1');
    const refusal = net.isIP(host) !== 0 ? guard.refusalFor(host) : undefined;
    if (!refusal) return original(...args);
    const error = refusedHost(refusal, host);
    if (callback) {
      callback(error);
      return undefined;
    }
    const socket = new net.Socket();
    process.nextTick(() => socket.destroy(error));
    return socket;
  };
  return agent;
}
