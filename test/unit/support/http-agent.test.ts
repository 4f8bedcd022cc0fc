import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolvingHttpAgent, resolvingHttpsAgent } from '../../../support/core/http/agent';
import { parseResolveRules } from '../../../support/core/http/resolve-rules';
import { loopbackCertificate } from './helpers/tls';

function get(url: string, agent: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : http;
    client
      .get(url, { agent }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('RHOAI_RESOLVE agents', () => {
  it('connect a matching host to IP:PORT, keeping the Host header and SNI', async () => {
    const { cert, key } = loopbackCertificate();
    let sni = '';
    const server = https.createServer({ cert, key, SNICallback: (name, cb) => ((sni = name), cb(null, undefined as never)) }, (req, res) =>
      res.end(`host=${req.headers.host}`),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const agent = resolvingHttpsAgent(parseResolveRules(`*.apps.twin.local=127.0.0.1:${port}`), { rejectUnauthorized: false });
      const answer = await get('https://rhods-dashboard.apps.twin.local/x', agent);
      assert.equal(answer.body, 'host=rhods-dashboard.apps.twin.local');
      assert.equal(sni, 'rhods-dashboard.apps.twin.local');
      agent.destroy();
    } finally {
      server.close();
    }
  });

  it('does the same over plain HTTP and leaves other hosts alone', async () => {
    const server = http.createServer((req, res) => res.end(`host=${req.headers.host}`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const agent = resolvingHttpAgent(parseResolveRules(`minio.example=127.0.0.1:${port}`));
      assert.equal((await get('http://minio.example:9000/', agent)).body, 'host=minio.example:9000');
      assert.equal((await get(`http://127.0.0.1:${port}/`, agent)).body, `host=127.0.0.1:${port}`);
      agent.destroy();
    } finally {
      server.close();
    }
  });
});
