import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { EgressGuard, EgressRefusedError } from './egress-guard';

function get(guard: EgressGuard, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: guard.agentFor(url) }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
    });
    request.once('error', reject);
  });
}

describe(EgressGuard.name, () => {
  const guard = new EgressGuard();
  afterAll(() => guard.destroy());

  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b:1::a00:1',
    '::127.0.0.1',
    '::7f00:1',
    '::169.254.169.254',
    '::10.0.0.1',
    '0:0:0:0:0:0:a00:1',
    '2002:a00:1::1',
    '2002:7f00:1::1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
  ])('refuses %s by default', (address) => {
    expect(guard.refusalFor(address)).toEqual(expect.any(String));
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8'])('lets public %s through', (address) => {
    expect(guard.refusalFor(address)).toBeUndefined();
  });

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://10.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]:3000/',
    'http://[::ffff:7f00:1]/',
    'http://[::127.0.0.1]/',
    'http://[::169.254.169.254]/latest/meta-data/',
    'http://[::10.0.0.1]/',
    'http://[64:ff9b::127.0.0.1]/',
    'http://localhost:3000/',
    'http://metadata.google.internal/',
    'http://intranet/',
    'ftp://example.com/',
  ])('refuses the URL %s before any lookup', (url) => {
    expect(() => guard.assertAllowedUrl(url)).toThrow(EgressRefusedError);
  });

  it('names the setting that lifts a refusal of a host or address', () => {
    expect(() => guard.assertAllowedUrl('http://127.0.0.1/hook')).toThrow(/EGRESS_ALLOWED_HOSTS/);
    expect(() => guard.assertAllowedUrl('http://localhost/hook')).toThrow(/EGRESS_ALLOWED_HOSTS/);
  });

  it('accepts public URLs without resolving them', () => {
    expect(() => guard.assertAllowedUrl('https://hooks.example.com/whatisup')).not.toThrow();
    expect(() => guard.assertAllowedUrl('http://93.184.216.34/')).not.toThrow();
  });

  it('allows the hosts, addresses and CIDRs listed as exceptions', () => {
    const allowing = new EgressGuard({ allowedHosts: ['127.0.0.1', '10.1.0.0/16', 'hooks.internal', '::1'] });
    try {
      expect(allowing.refusalFor('127.0.0.1')).toBeUndefined();
      expect(allowing.refusalFor('::ffff:127.0.0.1')).toBeUndefined();
      expect(allowing.refusalFor('10.1.200.3')).toBeUndefined();
      expect(allowing.refusalFor('10.2.0.1')).toEqual(expect.any(String));
      expect(allowing.refusalFor('::1')).toBeUndefined();
      expect(allowing.refusalFor('127.0.0.2')).toEqual(expect.any(String));
      expect(allowing.refusalFor('192.168.0.10', 'hooks.internal')).toBeUndefined();
      expect(() => allowing.assertAllowedUrl('http://hooks.internal/x')).not.toThrow();
      expect(() => allowing.assertAllowedUrl('http://127.0.0.1:9/x')).not.toThrow();
    } finally {
      allowing.destroy();
    }
  });

  describe('at connection time', () => {
    let server: http.Server;
    let port: number;
    let hits = 0;
    beforeAll(async () => {
      server = http.createServer((_request, response) => {
        hits += 1;
        response.end('ok');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('refuses a literal internal address in the agent, before anything is sent', async () => {
      const before = hits;
      await expect(get(guard, `http://127.0.0.1:${port}/`)).rejects.toMatchObject({ code: 'EGRESS_REFUSED' });
      expect(hits).toBe(before);
    });

    it('refuses a host name that resolves to an internal address, on the address it resolved', async () => {
      const before = hits;
      await expect(get(guard, `http://localhost:${port}/`)).rejects.toMatchObject({ code: 'EGRESS_REFUSED' });
      expect(hits).toBe(before);
    });

    it('connects when the address is allowed', async () => {
      const allowing = new EgressGuard({ allowedHosts: ['127.0.0.1'] });
      try {
        expect(await get(allowing, `http://127.0.0.1:${port}/`)).toBe(200);
      } finally {
        allowing.destroy();
      }
    });

    it('offers a dns.lookup-compatible check for other clients', async () => {
      const error = await new Promise<Error | null>((resolve) => guard.lookup('localhost', { all: true }, (err) => resolve(err)));
      expect(error).toBeInstanceOf(EgressRefusedError);
    });
  });
});
