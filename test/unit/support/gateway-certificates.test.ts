// The secure gateway's certificates (support/gateway/certificates.ts) made with the machine's
// OpenSSL: files and modes, what OpenSSL verifies, reuse while valid, renewal when not, taking
// over a fresh work directory from the cluster's Secret, and the errors a person needs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigurationError, loadSettings } from '../../../support/core/config';
import {
  assertKeyPrivate,
  assertPrivateDirectory,
  assertRootCertificate,
  assertWildcardCertificate,
  ensureRootCertificate,
  FILES,
  gatewayCertificates,
  opensslVerify,
  sanConfigText,
  sanOfConfig,
  type GatewayWorld,
} from '../../../support/gateway/certificates';
import { commonNameOf } from '../../../support/gateway/apps-domain';
import { OpenSslError, parseOpenSslVersion } from '../../../support/gateway/openssl';

interface FakeWorld extends GatewayWorld {
  secrets: string[];
  notes: string[];
}

/** A World with a cluster that knows the apps domain and, optionally, the Secret istio-system/wildcard-certs. */
function fakeWorld(workDir: string, opts: { domain?: string; secret?: object; env?: Record<string, string> } = {}): FakeWorld {
  const secrets: string[] = [];
  const notes: string[] = [];
  const world = {
    settings: loadSettings({ RHOAI_WORK_DIR: workDir, ...opts.env }),
    facts: {},
    secrets,
    notes,
    secret: <T extends string>(value: T) => (secrets.push(value), value),
    report: { text: (name: string, text: string) => notes.push(`${name}: ${text}`), yaml: () => undefined },
    cluster: {
      get: async (ref: { kind: string; name: string; namespace?: string }) => {
        if (ref.kind === 'Ingress' && ref.name === 'cluster') return { spec: { domain: opts.domain ?? 'apps.test.example.com' } };
        if (ref.kind === 'Secret' && ref.name === 'wildcard-certs' && ref.namespace === 'istio-system') return opts.secret;
        return undefined;
      },
    },
  };
  return world as unknown as FakeWorld;
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'rhoai-gateway-'));
const mode = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);
const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

describe('OpenSSL version check', () => {
  it('accepts OpenSSL 3.x', () => {
    assert.deepEqual(parseOpenSslVersion('OpenSSL 3.0.19 27 Jan 2026 (Library: OpenSSL 3.0.19 27 Jan 2026)\n'), {
      text: 'OpenSSL 3.0.19 27 Jan 2026 (Library: OpenSSL 3.0.19 27 Jan 2026)',
      major: 3,
      minor: 0,
    });
  });

  it('refuses OpenSSL 1.1.x and LibreSSL, saying what lacks and which setting to use', () => {
    assert.throws(
      () => parseOpenSslVersion('OpenSSL 1.1.1k  FIPS 25 Mar 2021'),
      (e: Error) => e instanceof OpenSslError && /needs OpenSSL >= 3\.0/.test(e.message) && /RHOAI_OPENSSL/.test(e.message),
    );
    assert.throws(
      () => parseOpenSslVersion('LibreSSL 3.3.6'),
      (e: Error) =>
        e instanceof OpenSslError && /LibreSSL/.test(e.message) && /-CA\/-CAkey/.test(e.message) && /RHOAI_OPENSSL/.test(e.message),
    );
  });

  it('names a missing openssl command and the setting', async () => {
    const world = fakeWorld(tmp(), { env: { RHOAI_OPENSSL: '/nonexistent/openssl' } });
    await assert.rejects(
      gatewayCertificates(world as never),
      (e: Error) =>
        e instanceof OpenSslError && /\/nonexistent\/openssl": no such command/.test(e.message) && /RHOAI_OPENSSL/.test(e.message),
    );
  });
});

describe('settings of the secure gateway', () => {
  it('refuse an organisation that would break the -subj argument', () => {
    assert.throws(
      () => loadSettings({ RHOAI_GATEWAY_CERT_ORGANIZATION: 'Evil/CN=x' }),
      (e: Error) => e instanceof ConfigurationError && /RHOAI_GATEWAY_CERT_ORGANIZATION="Evil\/CN=x" is not valid/.test(e.message),
    );
    assert.equal(loadSettings({}).gatewayCertOrganization, 'Example Inc.');
  });
});

describe('the OpenSSL SAN configuration', () => {
  it('is the file of the docs, and its subjectAltName reads back', () => {
    const text = sanConfigText('apps.c1.example.com');
    assert.equal(text, '[ req ]\ndistinguished_name = req\n[ san ]\nsubjectAltName = DNS:*.apps.c1.example.com\n');
    assert.equal(sanOfConfig(text), 'DNS:*.apps.c1.example.com');
    assert.equal(sanOfConfig('[ req ]\nsubjectAltName = DNS:wrong\n'), undefined);
  });

  it("takes the common name from the last two labels of the apps domain, as the docs' awk does", () => {
    assert.equal(commonNameOf('apps.cluster-x.sandbox.example.com'), 'example.com');
  });
});

describe('gatewayCertificates', () => {
  it('makes a private directory, the root and the wildcard certificate with OpenSSL, which verifies them', async () => {
    const work = tmp();
    const world = fakeWorld(work);
    const certs = await gatewayCertificates(world as never);
    assert.equal(certs.dir, path.join(work, 'gateway-certs', 'apps.test.example.com'));
    assert.equal(certs.domain, 'apps.test.example.com');
    assert.equal(mode(certs.dir), '700');
    assert.equal(mode(path.join(certs.dir, FILES.rootKey)), '600');
    assert.equal(mode(path.join(certs.dir, FILES.wildcardKey)), '600');
    assert.equal(fs.readFileSync(certs.rootCertFile, 'utf8'), certs.rootCertPem);
    const root = new X509Certificate(certs.rootCertPem);
    const wildcard = new X509Certificate(certs.wildcardCertPem);
    assert.equal(root.subject, 'O=Example Inc.\nCN=example.com');
    assert.ok(root.ca);
    assert.equal(wildcard.subjectAltName, 'DNS:*.apps.test.example.com');
    assert.equal(wildcard.issuer, root.subject);
    assert.ok(wildcard.verify(root.publicKey));
    assert.equal(await opensslVerify(world), 'wildcard.crt: OK');
    assert.equal(
      execFileSync('openssl', ['verify', '-CAfile', certs.rootCertFile, path.join(certs.dir, FILES.wildcardCert)], {
        encoding: 'utf8',
      }).trim(),
      `${path.join(certs.dir, FILES.wildcardCert)}: OK`,
    );
    await assertPrivateDirectory(world);
    await assertRootCertificate(world);
    await assertWildcardCertificate(world);
    await assertKeyPrivate(world, 'root');
    await assertKeyPrivate(world, 'wildcard');
    // Both private keys were registered for redaction; no note carries a key.
    for (const key of [FILES.rootKey, FILES.wildcardKey])
      assert.ok(world.secrets.includes(fs.readFileSync(path.join(certs.dir, key), 'utf8')), `${key} was not registered as a secret`);
    assert.ok(!world.notes.some((n) => n.includes('PRIVATE KEY')));
  });

  it('is idempotent: a second call (another scenario, another process) generates nothing', async () => {
    const work = tmp();
    const first = await gatewayCertificates(fakeWorld(work) as never);
    const before = fs.readdirSync(first.dir).map((f) => [f, fs.statSync(path.join(first.dir, f)).mtimeMs]);
    const world = fakeWorld(work);
    const second = await gatewayCertificates(world as never);
    assert.deepEqual(second, first);
    assert.deepEqual(
      fs.readdirSync(first.dir).map((f) => [f, fs.statSync(path.join(first.dir, f)).mtimeMs]),
      before,
    );
    assert.equal(world.facts.gateway?.root, 'kept');
    assert.equal(world.facts.gateway?.wildcard, 'kept');
  });

  it('gives another apps domain its own directory and certificates', async () => {
    const work = tmp();
    const a = await gatewayCertificates(fakeWorld(work, { domain: 'apps.a.example.com' }) as never);
    const b = await gatewayCertificates(fakeWorld(work, { domain: 'apps.b.example.org' }) as never);
    assert.notEqual(a.dir, b.dir);
    assert.equal(new X509Certificate(b.wildcardCertPem).subjectAltName, 'DNS:*.apps.b.example.org');
    assert.equal(new X509Certificate(b.rootCertPem).subject, 'O=Example Inc.\nCN=example.org');
  });

  it('renews a wildcard certificate that expires within 30 days, keeping the root', async () => {
    const work = tmp();
    const first = await gatewayCertificates(fakeWorld(work) as never);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-sha256',
        '-days',
        '5',
        '-nodes',
        '-subj',
        '/CN=example.com/O=Example Inc.',
        '-extensions',
        'san',
        '-config',
        FILES.sanConfig,
        '-CA',
        FILES.rootCert,
        '-CAkey',
        FILES.rootKey,
        '-keyout',
        FILES.wildcardKey,
        '-out',
        FILES.wildcardCert,
      ],
      { cwd: first.dir, stdio: 'ignore' },
    );
    const world = fakeWorld(work);
    const second = await gatewayCertificates(world as never);
    assert.equal(second.rootCertPem, first.rootCertPem);
    assert.ok(
      new X509Certificate(second.wildcardCertPem).validTo.endsWith(String(new Date().getUTCFullYear() + 9)) ||
        Date.parse(new X509Certificate(second.wildcardCertPem).validTo) > Date.now() + 3000 * 86_400_000,
    );
    assert.equal(world.facts.gateway?.wildcard, 'generated');
    assert.ok(
      world.notes.some((n) => /in less than 30 days/.test(n)),
      world.notes.join('\n'),
    );
  });

  it('renews the root (and so the wildcard) when the organisation setting changes', async () => {
    const work = tmp();
    const first = await gatewayCertificates(fakeWorld(work) as never);
    const second = await gatewayCertificates(fakeWorld(work, { env: { RHOAI_GATEWAY_CERT_ORGANIZATION: 'Acme Corp' } }) as never);
    assert.equal(new X509Certificate(second.rootCertPem).subject, 'O=Acme Corp\nCN=example.com');
    assert.notEqual(fingerprint(second.wildcardCertPem), fingerprint(first.wildcardCertPem));
    assert.ok(new X509Certificate(second.wildcardCertPem).verify(new X509Certificate(second.rootCertPem).publicKey));
  });

  it('takes a fresh work directory over from the cluster Secret (wildcard + root in tls.crt) instead of rotating', async () => {
    const first = await gatewayCertificates(fakeWorld(tmp()) as never);
    const keyPem = fs.readFileSync(path.join(first.dir, FILES.wildcardKey), 'utf8');
    const secret = {
      data: {
        'tls.crt': Buffer.from(first.wildcardCertPem + first.rootCertPem).toString('base64'),
        'tls.key': Buffer.from(keyPem).toString('base64'),
      },
    };
    const world = fakeWorld(tmp(), { secret });
    const second = await gatewayCertificates(world as never);
    assert.equal(second.rootCertPem.trim(), first.rootCertPem.trim());
    assert.equal(fingerprint(second.wildcardCertPem), fingerprint(first.wildcardCertPem));
    assert.equal(world.facts.gateway?.root, 'taken over from the cluster');
    assert.ok(!fs.existsSync(path.join(second.dir, FILES.rootKey)), 'the root key is never on the cluster');
    assert.equal(mode(path.join(second.dir, FILES.wildcardKey)), '600');
    assert.ok(world.secrets.includes(keyPem));
    await assertKeyPrivate(world, 'root'); // passes, saying where the root came from
    assert.ok(world.notes.some((n) => /taken over from the cluster's Secret/.test(n)));
    assert.equal(await opensslVerify(world), 'wildcard.crt: OK');
  });

  it('generates new material when the cluster Secret cannot be reused (no root in tls.crt)', async () => {
    const first = await gatewayCertificates(fakeWorld(tmp()) as never);
    const keyPem = fs.readFileSync(path.join(first.dir, FILES.wildcardKey), 'utf8');
    const secret = {
      data: { 'tls.crt': Buffer.from(first.wildcardCertPem).toString('base64'), 'tls.key': Buffer.from(keyPem).toString('base64') },
    };
    const world = fakeWorld(tmp(), { secret });
    const second = await gatewayCertificates(world as never);
    assert.notEqual(fingerprint(second.rootCertPem), fingerprint(first.rootCertPem));
    assert.equal(world.facts.gateway?.root, 'generated');
    assert.ok(
      world.notes.some((n) => /no root certificate after the wildcard certificate/.test(n)),
      world.notes.join('\n'),
    );
  });

  it('fails the key check when a key file is readable by others', async () => {
    const world = fakeWorld(tmp());
    const certs = await gatewayCertificates(world as never);
    fs.chmodSync(path.join(certs.dir, FILES.wildcardKey), 0o644);
    await assert.rejects(assertKeyPrivate(world, 'wildcard'), /wildcard\.key has mode 644, not 600/);
    fs.chmodSync(certs.dir, 0o755);
    await assert.rejects(assertPrivateDirectory(world), /has mode 755, not 700/);
  });

  it('serialises parallel callers: the same certificates for all', async () => {
    const work = tmp();
    const results = await Promise.all([1, 2, 3].map(() => gatewayCertificates(fakeWorld(work) as never)));
    assert.equal(new Set(results.map((r) => fingerprint(r.wildcardCertPem))).size, 1);
    assert.equal(new Set(results.map((r) => fingerprint(r.rootCertPem))).size, 1);
  });

  it("refuses a root that is not the docs' (wrong subject) by renewing it", async () => {
    const world = fakeWorld(tmp());
    const certs = await gatewayCertificates(world as never);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-sha256',
        '-nodes',
        '-days',
        '3650',
        '-newkey',
        'rsa:2048',
        '-subj',
        '/O=Other/CN=other.org',
        '-keyout',
        FILES.rootKey,
        '-out',
        FILES.rootCert,
      ],
      { cwd: certs.dir, stdio: 'ignore' },
    );
    const again = fakeWorld(path.dirname(path.dirname(certs.dir)));
    await ensureRootCertificate(again);
    assert.equal(again.facts.gateway?.root, 'generated');
    assert.ok(
      again.notes.some((n) => /its subject is "O=Other, CN=other.org"/.test(n)),
      again.notes.join('\n'),
    );
  });
});
