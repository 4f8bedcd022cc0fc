// The harness's HTTP clients honour HTTPS_PROXY and NO_PROXY (support/core/http/proxy.ts): a request
// through a proxy on loopback (an HTTP CONNECT tunnel, TLS end to end), and NO_PROXY sending a host direct.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { resolvingHttpsAgent } from '../../../support/core/http/agent';
import { bypassed, proxyFor } from '../../../support/core/http/proxy';
import { loopbackCertificate } from './helpers/tls';

const saved = { HTTPS_PROXY: process.env.HTTPS_PROXY, NO_PROXY: process.env.NO_PROXY };
afterEach(() => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});

function get(url: string, agent: https.Agent, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { agent, ca }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A CONNECT proxy on loopback that remembers every tunnel it opened. */
function loopbackProxy(): { server: http.Server; tunnels: string[] } {
  const tunnels: string[] = [];
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client: net.Socket, head) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host === 'localhost' ? '127.0.0.1' : host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
  });
  return { server, tunnels };
}

describe('HTTPS_PROXY and NO_PROXY', () => {
  it('read NO_PROXY as curl does: names, domain suffixes, ports, CIDRs, *', () => {
    assert.equal(bypassed('api.example.com', 443, 'example.com'), true);
    assert.equal(bypassed('api.example.com', 443, '.example.com'), true);
    assert.equal(bypassed('example.com', 443, '.example.com'), true);
    assert.equal(bypassed('badexample.com', 443, 'example.com'), false);
    assert.equal(bypassed('svc.local', 8443, 'svc.local:443'), false);
    assert.equal(bypassed('svc.local', 443, 'svc.local:443'), true);
    assert.equal(bypassed('10.1.2.3', 443, '10.0.0.0/8'), true);
    assert.equal(bypassed('11.1.2.3', 443, '10.0.0.0/8'), false);
    assert.equal(bypassed('anything', 443, '*'), true);
    assert.equal(proxyFor('https', 'a.example.com', 443, { HTTPS_PROXY: 'proxy.local:3128' })?.host, 'proxy.local:3128');
    assert.equal(proxyFor('https', 'a.example.com', 443, { https_proxy: 'http://p:1', NO_PROXY: 'example.com' }), undefined);
    assert.throws(() => proxyFor('https', 'a', 443, { HTTPS_PROXY: 'socks5://p:1' }), /only an http:\/\/ proxy/);
  });

  it('send an https request through the proxy, in a CONNECT tunnel with TLS end to end', async () => {
    const { cert, key } = loopbackCertificate();
    const target = https.createServer({ cert, key }, (req, res) => res.end(`hello ${req.headers.host}`));
    const targetPort = await listen(target);
    const { server, tunnels } = loopbackProxy();
    const proxyPort = await listen(server);
    try {
      process.env.HTTPS_PROXY = `http://127.0.0.1:${proxyPort}`;
      delete process.env.NO_PROXY;
      const agent = resolvingHttpsAgent([], { keepAlive: false });
      const body = await get(`https://localhost:${targetPort}/`, agent, cert);
      assert.equal(body, `hello localhost:${targetPort}`);
      assert.deepEqual(tunnels, [`localhost:${targetPort}`], 'the request went through the proxy');
      agent.destroy();
    } finally {
      target.close();
      server.close();
    }
  });

  it('go direct for a host NO_PROXY names, and fail naming the proxy when it is down', async () => {
    const { cert, key } = loopbackCertificate();
    const target = https.createServer({ cert, key }, (_req, res) => res.end('direct'));
    const targetPort = await listen(target);
    const { server, tunnels } = loopbackProxy();
    const proxyPort = await listen(server);
    try {
      process.env.HTTPS_PROXY = `http://127.0.0.1:${proxyPort}`;
      process.env.NO_PROXY = 'localhost';
      const agent = resolvingHttpsAgent([], { keepAlive: false });
      assert.equal(await get(`https://localhost:${targetPort}/`, agent, cert), 'direct');
      assert.deepEqual(tunnels, [], 'NO_PROXY: no tunnel');
      agent.destroy();
      server.close();
      delete process.env.NO_PROXY;
      const down = resolvingHttpsAgent([], { keepAlive: false });
      await assert.rejects(get(`https://localhost:${targetPort}/`, down, cert), /cannot reach the proxy 127\.0\.0\.1:\d+ \(HTTPS_PROXY\)/);
      down.destroy();
    } finally {
      target.close();
      server.close();
    }
  });
});
