// How the secure gateway check explains a failed handshake (support/gateway/handshake.ts): the SAN
// check, the chain to the generated root, and which failures are worth another attempt.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { createCa, createServingCert } from '../../../twin/api/tls';
import { explainFailure, problemsOf } from '../../../support/gateway/handshake';

const domain = 'apps.c1.example.com';
const host = `rhoai-gateway-check.${domain}`;
const root = createCa('example.com');
const rootCert = new X509Certificate(root.certPem);
const leaf = (ca: ReturnType<typeof createCa>, names: string[]) => new X509Certificate(createServingCert(ca, names[0]!, names).certPem);

describe('the secure gateway handshake check', () => {
  it('finds nothing wrong with the wildcard certificate signed by the root', () => {
    assert.deepEqual(problemsOf([leaf(root, [`*.${domain}`])], host, rootCert), []);
  });

  it('names the host and the SANs when the certificate does not cover the host; not worth retrying', () => {
    const chain = [leaf(root, ['*.example.com'])];
    assert.deepEqual(problemsOf(chain, host, rootCert), [
      `its certificate does not cover ${host}: SANs DNS:*.example.com (subject "CN=*.example.com")`,
    ]);
    const { detail, transient } = explainFailure({ chain }, host, rootCert, domain, '127.0.0.1:443');
    assert.match(detail, /does not cover rhoai-gateway-check\.apps\.c1\.example\.com/);
    assert.equal(transient, false);
  });

  it('says the chain does not verify against the generated root (the router default certificate); a reload may fix it', () => {
    const router = createCa('ingress-operator@1700000000');
    const { detail, transient } = explainFailure({ chain: [leaf(router, [`*.${domain}`])] }, host, rootCert, domain, '127.0.0.1:443');
    assert.match(
      detail,
      /its chain does not verify against the generated root "CN=example.com": the certificate was issued by "CN=ingress-operator@1700000000"/,
    );
    assert.equal(transient, true);
  });

  it('tells a reset handshake (nothing served), an unresolvable host and an unreachable router apart', () => {
    const reset = explainFailure(
      { error: 'ECONNRESET: Client network socket disconnected before secure TLS connection was established' },
      host,
      rootCert,
      domain,
      '127.0.0.1:443',
    );
    assert.match(
      reset.detail,
      /presented no certificate .* does Gateway knative-ingress-gateway load its credential istio-system\/wildcard-certs\?/,
    );
    assert.equal(reset.transient, true);
    const dns = explainFailure({ error: `ENOTFOUND: getaddrinfo ENOTFOUND ${host}` }, host, rootCert, domain, `${host}:443`);
    assert.match(dns.detail, /does not resolve .* set RHOAI_RESOLVE, e\.g\. \*\.apps\.c1\.example\.com=<router IP>:443/);
    assert.equal(dns.transient, false);
    const refused = explainFailure({ error: 'ECONNREFUSED: connect ECONNREFUSED 10.0.0.1:443' }, host, rootCert, domain, '10.0.0.1:443');
    assert.match(refused.detail, /nothing answers at 10\.0\.0\.1:443/);
  });
});
