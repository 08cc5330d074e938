import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOutboundUrl, createGuardedFetch, forbiddenRange, type HostResolver } from './url-guard.js';

const resolveTo =
  (...addresses: string[]): HostResolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
const publicDns = resolveTo('93.184.216.34');

describe('checkOutboundUrl', () => {
  it.each([
    'http://127.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]:8080/',
    'http://10.0.0.1/',
    'http://192.168.1.20/',
    'http://172.16.5.4/',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://224.0.0.1/',
    'http://[fc00::1]/',
    'http://[fe80::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://017700000001/',
    'http://0177.0.0.1/',
    // IPv6 forms that carry an IPv4 address (the URL parser rewrites [::127.0.0.1] as [::7f00:1]).
    'http://[::127.0.0.1]/',
    'http://[::7f00:1]/',
    'http://[::a9fe:a9fe]/',
    'http://[::8.8.8.8]/',
    'http://[::ffff:7f00:1]/',
    'http://[::ffff:8.8.8.8]/',
    'http://[0:0:0:0:0:ffff:127.0.0.1]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[64:ff9b::a00:1]/',
    'http://[64:ff9b:1::a9fe:a9fe]/',
    'http://[2002:7f00:1::]/',
    'http://[2002:a00:1::1]/',
    'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/',
    // Outside public unicast: documentation, discard, site-local, reserved.
    'http://[2001:db8::1]/',
    'http://[100::1]/',
    'http://[fec0::1]/',
    'http://192.0.2.1/',
    'http://198.18.0.1/',
    'http://240.0.0.1/',
    'http://255.255.255.255/',
  ])('refuses %s', async (url) => {
    await expect(checkOutboundUrl(url, { allowPrivate: false, lookup: publicDns })).rejects.toMatchObject({
      code: 'validation',
    });
  });

  it('refuses a name that resolves to loopback, and one with any private address among its answers', async () => {
    await expect(
      checkOutboundUrl('https://hooks.example.com/x', {
        allowPrivate: false,
        lookup: resolveTo('127.0.0.1'),
      }),
    ).rejects.toThrow(/loopback/);
    await expect(
      checkOutboundUrl('https://hooks.example.com/x', {
        allowPrivate: false,
        lookup: resolveTo('93.184.216.34', '10.1.2.3'),
      }),
    ).rejects.toThrow(/private/);
  });

  it('refuses other schemes, credentials in the URL and unresolvable hosts', async () => {
    const options = { allowPrivate: true, lookup: publicDns };
    await expect(checkOutboundUrl('file:///etc/passwd', options)).rejects.toThrow(/scheme file:/);
    await expect(checkOutboundUrl('gopher://example.com/', options)).rejects.toThrow(/scheme/);
    await expect(checkOutboundUrl('https://user:pass@example.com/', options)).rejects.toThrow(/credentials/);
    await expect(checkOutboundUrl('not a url', options)).rejects.toThrow(/valid URL/);
    await expect(
      checkOutboundUrl('https://nowhere.invalid/', {
        allowPrivate: false,
        lookup: async () => {
          throw new Error('ENOTFOUND');
        },
      }),
    ).rejects.toThrow(/does not resolve/);
  });

  it('names the field in the error', async () => {
    await expect(
      checkOutboundUrl('http://10.0.0.1/', { allowPrivate: false, field: 'webhook_url' }),
    ).rejects.toMatchObject({
      message: 'webhook_url: URL refused: the host resolves to a private address',
      issues: [{ field: 'webhook_url', message: 'the host resolves to a private address' }],
    });
  });

  it('allows a public address and returns it pinned', async () => {
    const checked = await checkOutboundUrl('https://hooks.example.com/x', {
      allowPrivate: false,
      lookup: publicDns,
    });
    expect(checked).toMatchObject({ address: '93.184.216.34', family: 4 });
    expect(checked.url.hostname).toBe('hooks.example.com');
  });

  it('allows private targets when allowPrivate is set', async () => {
    await expect(checkOutboundUrl('http://127.0.0.1:9/', { allowPrivate: true })).resolves.toMatchObject({
      address: '127.0.0.1',
    });
    await expect(checkOutboundUrl('http://[::1]:9/', { allowPrivate: true })).resolves.toMatchObject({
      address: '::1',
      family: 6,
    });
  });

  it.each([
    ['::ffff:10.0.0.1', 'ipv4Mapped'],
    ['::7f00:1', 'ipv4Compatible'],
    ['64:ff9b::a00:1', 'rfc6052'],
    ['2002:a00:1::1', '6to4'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
  ])('refuses every IPv6 form that carries an IPv4 address: %s is %s', (address, range) => {
    expect(forbiddenRange(address)).toBe(range);
  });

  it('refuses a name whose answers include an address that embeds a private IPv4 one', async () => {
    for (const answer of ['::7f00:1', '::ffff:a9fe:a9fe', '64:ff9b::a00:1', '2002:a00:1::1']) {
      await expect(
        checkOutboundUrl('https://hooks.example.com/x', {
          allowPrivate: false,
          lookup: resolveTo('93.184.216.34', answer),
        }),
      ).rejects.toMatchObject({ code: 'validation' });
    }
  });

  it('names the range of a forbidden address', () => {
    expect(forbiddenRange('169.254.169.254')).toBe('linkLocal');
    expect(forbiddenRange('8.8.8.8')).toBeUndefined();
    expect(forbiddenRange('2606:4700::1111')).toBeUndefined();
  });
});

describe('createGuardedFetch', () => {
  let server: Server;
  let port = 0;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.host}`);
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/target` }).end();
        return;
      }
      req.resume();
      req.on('end', () => res.writeHead(204).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('connects to the pinned address of the checked host', async () => {
    const guarded = createGuardedFetch({ allowPrivate: true, lookup: resolveTo('127.0.0.1') });
    const response = await guarded(`http://receiver.test:${port}/hook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(204);
    expect(seen).toContain(`POST /hook receiver.test:${port}`);
  });

  it('does not follow redirects', async () => {
    seen.length = 0;
    const guarded = createGuardedFetch({ allowPrivate: true });
    const response = await guarded(`http://127.0.0.1:${port}/redirect`, {
      method: 'POST',
      headers: {},
      body: '',
    });
    expect(response.status).toBe(302);
    expect(seen).toEqual([`POST /redirect 127.0.0.1:${port}`]);
  });

  it('refuses before connecting when the host is private', async () => {
    seen.length = 0;
    const guarded = createGuardedFetch({ allowPrivate: false });
    await expect(guarded(`http://127.0.0.1:${port}/hook`, { method: 'POST', headers: {} })).rejects.toThrow(
      /loopback/,
    );
    expect(seen).toEqual([]);
  });
});
