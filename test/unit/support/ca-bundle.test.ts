// The CA bundle domain's judgements: which namespaces are reserved or opted out, certificate sets
// compared by fingerprint, what is wrong with an odh-trusted-ca-bundle ConfigMap, and how a bad
// RHOAI_CUSTOM_CA_FILE is reported.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import forge from 'node-forge';
import { bundleProblem, fingerprints, hasOptedOut, isReservedNamespace, readCustomCaFile } from '../../../support/install/ca-bundle';
import type { KObject } from '../../../support/core/cluster';

function selfSigned(cn: string): string {
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '0a';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: cn }]);
  cert.setIssuer([{ name: 'commonName', value: cn }]);
  cert.setExtensions([{ name: 'basicConstraints', cA: true }]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

const custom = selfSigned('custom-root');
const ingress = selfSigned('ingress-operator');
const api = selfSigned('kube-apiserver');
const cluster = ingress + api;
const labels = { 'app.kubernetes.io/part-of': 'opendatahub-operator', 'config.openshift.io/inject-trusted-cabundle': 'true' };
const cm = (data: Record<string, string>, l: Record<string, string> = labels): KObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'odh-trusted-ca-bundle', namespace: 'team', labels: l },
  data,
});

describe('namespaces', () => {
  test('reserved: openshift-*, kube-*, default, openshift', () => {
    assert.deepEqual(
      ['openshift-config', 'kube-system', 'default', 'openshift', 'openshift2', 'kubeflow', 'team'].map(isReservedNamespace),
      [true, true, true, true, false, false, false],
    );
  });

  test('opted out by the annotation parsing as false, as Go parses booleans', () => {
    const ns = (v?: string): KObject => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'n', annotations: v === undefined ? {} : { 'security.opendatahub.io/inject-trusted-ca-bundle': v } },
    });
    assert.deepEqual(
      [undefined, 'false', 'False', '0', 'f', 'true', 'no'].map((v) => hasOptedOut(ns(v))),
      [false, true, true, true, true, false, false],
    );
  });
});

describe('bundleProblem', () => {
  test('nothing wrong when the custom and cluster certificates are there, in any order and layout', () => {
    assert.equal(
      bundleProblem(cm({ 'odh-ca-bundle.crt': `\n${custom}\n`, 'ca-bundle.crt': api + ingress }), 'team', custom, cluster),
      undefined,
    );
    assert.deepEqual(fingerprints(api + ingress), fingerprints(cluster));
  });

  test('names what is wrong: missing ConfigMap, label, stale custom CA, missing cluster bundle', () => {
    assert.match(bundleProblem(undefined, 'team', custom, cluster)!, /namespace team has no ConfigMap odh-trusted-ca-bundle/);
    assert.match(
      bundleProblem(
        cm({ 'odh-ca-bundle.crt': custom, 'ca-bundle.crt': cluster }, { 'app.kubernetes.io/part-of': 'opendatahub-operator' }),
        'team',
        custom,
        cluster,
      )!,
      /lacks the label\(s\) config.openshift.io\/inject-trusted-cabundle=true/,
    );
    assert.match(
      bundleProblem(cm({ 'odh-ca-bundle.crt': '', 'ca-bundle.crt': cluster }), 'team', custom, cluster)!,
      /odh-ca-bundle.crt holds no certificate, not the custom CA "CN=custom-root".*not propagated/,
    );
    assert.match(
      bundleProblem(cm({ 'odh-ca-bundle.crt': custom, 'ca-bundle.crt': ingress }), 'team', custom, cluster)!,
      /ca-bundle.crt holds 1 certificate\(s\), not the 2 of the cluster-wide bundle/,
    );
  });
});

describe('readCustomCaFile', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ca-bundle-test-'));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  test('keeps the certificates, re-encoded, whatever else the file holds', () => {
    const ca = readCustomCaFile(file('two.pem', `# our roots\n${custom}\n${ingress}`));
    assert.equal(ca.certificates.length, 2);
    assert.deepEqual(fingerprints(ca.pem), fingerprints(custom + ingress));
    assert.ok(!ca.pem.includes('# our roots'));
    assert.match(ca.source, /RHOAI_CUSTOM_CA_FILE=.*two\.pem/);
  });

  test('a file without a certificate, or with a broken one, is named', () => {
    assert.throws(() => readCustomCaFile(file('empty.pem', 'hello')), /RHOAI_CUSTOM_CA_FILE=.*empty\.pem holds no PEM certificate/);
    assert.throws(
      () => readCustomCaFile(file('broken.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n')),
      /broken\.pem holds a certificate block that is not a valid X.509 certificate/,
    );
  });
});
