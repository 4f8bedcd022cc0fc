import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { installConsoleRedaction } from '../../../support/core/log';
import { REDACTED, Redactor } from '../../../support/core/redact';

const KEY = `-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAvery-secret-key-material
-----END RSA PRIVATE KEY-----`;

describe('Redactor', () => {
  it('replaces registered secret values and their base64 forms', () => {
    const r = new Redactor();
    r.addSecret('hunter2-password', 'admin password');
    const b64 = Buffer.from('hunter2-password').toString('base64');
    assert.equal(r.redactText(`login -p hunter2-password (${b64})`), `login -p ${REDACTED} (${REDACTED})`);
  });

  it('ignores values too short to be redacted safely', () => {
    const r = new Redactor();
    r.addSecret('ab');
    assert.equal(r.redactText('abc'), 'abc');
  });

  it('replaces secret shapes: PEM private keys, sha256~ tokens, Bearer/Basic headers, JWTs, bcrypt hashes', () => {
    const r = new Redactor();
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLWJ5dGVz';
    const text = [
      KEY,
      'token sha256~AbCdEfGhIjKlMnOpQrStUvWxYz0123456789',
      'Authorization: Bearer abcdefghijklmnop1234',
      'Authorization: Basic dXNlcjpwYXNzd29yZA==',
      `id ${jwt}`,
      'admin:$2y$10$abcdefghijklmnopqrstuu5BQ1Rt1kUkzBkCxbqS7aLnVd5A7pm3K',
      '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
    ].join('\n');
    const out = r.redactText(text);
    assert.doesNotMatch(out, /very-secret-key-material/);
    assert.match(out, /-----BEGIN RSA PRIVATE KEY-----\n\[redacted\]\n-----END RSA PRIVATE KEY-----/);
    assert.doesNotMatch(out, /AbCdEfGhIj/);
    assert.doesNotMatch(out, /abcdefghijklmnop1234/);
    assert.doesNotMatch(out, /dXNlcjpwYXNzd29yZA/);
    assert.doesNotMatch(out, /eyJzdWIiOiJhZG1pbiJ9/);
    assert.doesNotMatch(out, /u5BQ1Rt1kUkzBkCxbqS7aLnVd5A7pm3K/);
    assert.match(out, /BEGIN CERTIFICATE-----\nMIIB/, 'certificates are public');
  });

  it('redacts Secret data and stringData values but keeps their keys', () => {
    const r = new Redactor();
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { htpasswd: 'YWRtaW46JDJ5', other: 'eA==' },
      stringData: { key: 'v' },
    };
    const out = r.redactValue(secret);
    assert.deepEqual(out.data, { htpasswd: REDACTED, other: REDACTED });
    assert.deepEqual(out.stringData, { key: REDACTED });
    assert.equal(secret.data.htpasswd, 'YWRtaW46JDJ5', 'the original is untouched');
  });

  it('redacts kubeconfig user credentials', () => {
    const r = new Redactor();
    const kubeconfig = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://api:6443', 'certificate-authority-data': 'Q0E=' } }],
      users: [{ name: 'u', user: { token: 'some-token-value', 'client-key-data': 'S0VZ', username: 'admin' } }],
    };
    const out = r.redactValue(kubeconfig);
    assert.deepEqual(out.users[0]!.user, { token: REDACTED, 'client-key-data': REDACTED, username: 'admin' });
    assert.equal(out.clusters[0]!.cluster.server, 'https://api:6443');
  });

  it('redacts credential-named fields and strings anywhere in an object', () => {
    const r = new Redactor();
    r.addSecret('s3-secret-key-value');
    const out = r.redactValue({ a: { password: 'pw123456', note: 'key is s3-secret-key-value' }, list: ['s3-secret-key-value'] });
    assert.deepEqual(out, { a: { password: REDACTED, note: `key is ${REDACTED}` }, list: [REDACTED] });
  });

  it('redacts errors in place: message, stack, actual and expected', () => {
    const r = new Redactor();
    r.addSecret('topsecretpw');
    const error = Object.assign(new Error('login failed for topsecretpw'), { actual: 'topsecretpw', expected: { p: 'topsecretpw' } });
    const same = r.redactError(error);
    assert.equal(same, error);
    assert.equal(error.message, `login failed for ${REDACTED}`);
    assert.doesNotMatch(error.stack ?? '', /topsecretpw/);
    assert.equal(error.actual, REDACTED);
    assert.deepEqual(error.expected, { p: REDACTED });
  });

  it('replaces the longest secret first', () => {
    const r = new Redactor();
    r.addSecret('abcd');
    r.addSecret('abcdefgh');
    assert.equal(r.redactText('xabcdefghx'), `x${REDACTED}x`);
  });
});

describe('installConsoleRedaction', () => {
  it("redacts console output with the latest run's redactor when a process runs the harness twice", () => {
    const lines: string[] = [];
    const write = process.stdout.write;
    const first = new Redactor();
    first.addSecret('first-run-password', 'admin password');
    const second = new Redactor();
    second.addSecret('second-run-password', 'admin password');
    process.stdout.write = ((chunk: string) => (lines.push(String(chunk)), true)) as typeof process.stdout.write;
    try {
      installConsoleRedaction(first);
      console.log('login with first-run-password');
      installConsoleRedaction(second);
      console.log('login with second-run-password');
    } finally {
      process.stdout.write = write;
    }
    assert.deepEqual(lines, [`login with ${REDACTED}\n`, `login with ${REDACTED}\n`]);
  });
});
