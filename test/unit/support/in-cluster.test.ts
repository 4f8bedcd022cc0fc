// The in-cluster configuration (RHOAI_TARGET=in-cluster): the server from KUBERNETES_SERVICE_*, the
// token and CA files from RHOAI_SERVICE_ACCOUNT_DIR, and an error naming what is missing.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { chooseTarget } from '../../../support/core/target/connect';
import { loadInCluster } from '../../../support/core/target/in-cluster';
import { loadSettings } from '../../../support/core/config';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function serviceAccountDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'rhoai-sa-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('in-cluster configuration', () => {
  test('the server from KUBERNETES_SERVICE_HOST/PORT (IPv6 in brackets), the token file as the credential', () => {
    const dir = serviceAccountDir({ token: 'tok-123\n', 'ca.crt': PEM });
    const loaded = loadInCluster(dir, { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' });
    assert.equal(loaded.server, 'https://[fd00::1]:443');
    assert.equal(loaded.token, 'tok-123');
    assert.equal(loaded.context, 'in-cluster');
    assert.equal(loaded.kubeConfig.getCurrentCluster()?.caFile, join(dir, 'ca.crt'));
  });

  test('says what is missing', () => {
    const dir = serviceAccountDir({ 'ca.crt': PEM });
    assert.throws(() => loadInCluster(dir, {}), /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not both set/);
    assert.throws(
      () => loadInCluster(dir, { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }),
      /token .* cannot be read \(ENOENT\); RHOAI_SERVICE_ACCOUNT_DIR names the directory/,
    );
    const noCa = serviceAccountDir({ token: 't', 'ca.crt': 'nothing' });
    assert.throws(
      () => loadInCluster(noCa, { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }),
      /holds no PEM certificate/,
    );
    assert.throws(
      () => loadInCluster(dir, { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: 'http' }),
      /KUBERNETES_SERVICE_PORT is "http"/,
    );
  });

  test('only RHOAI_TARGET=in-cluster chooses it; auto never does', () => {
    const home = mkdtempSync(join(tmpdir(), 'rhoai-home-'));
    assert.deepEqual(chooseTarget(loadSettings({ RHOAI_TARGET: 'in-cluster' }), home), { kind: 'cluster', files: [], inCluster: true });
    assert.deepEqual(chooseTarget(loadSettings({}), home), { kind: 'twin' });
  });
});
