import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { currentContextOf, credentialsOf, kubeconfigFiles, loadKubeconfig } from '../../../support/core/target/kubeconfig';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-test-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const GOOD = `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster: {server: "https://api.x.example:6443/", insecure-skip-tls-verify: true}
users:
- name: admin
  user: {token: sha256~secret-token-value}
contexts:
- name: admin
  context: {cluster: c1, user: admin}
current-context: admin
`;

describe('kubeconfig', () => {
  it('loads a valid file', () => {
    const loaded = loadKubeconfig([write('good', GOOD)]);
    assert.equal(loaded.context, 'admin');
    assert.equal(loaded.server, 'https://api.x.example:6443');
    assert.deepEqual(credentialsOf(loaded.kubeConfig), ['sha256~secret-token-value']);
  });

  it('merges several files, the first to name something wins', () => {
    const first = write('first', 'current-context: other\ncontexts:\n- name: other\n  context: {cluster: c1, user: admin}\n');
    const loaded = loadKubeconfig([first, write('good2', GOOD)]);
    assert.equal(loaded.context, 'other');
    assert.equal(loaded.server, 'https://api.x.example:6443');
  });

  it('names the file and the problem', () => {
    const bad = write('bad-yaml', 'clusters: [\n');
    assert.throws(() => loadKubeconfig([bad]), new RegExp(`kubeconfig ${bad}: is not valid YAML`));
    const noCurrent = write('no-current', GOOD.replace('current-context: admin\n', ''));
    assert.throws(() => loadKubeconfig([noCurrent]), /has no current-context/);
    const noContext = write('no-context', GOOD.replace('current-context: admin', 'current-context: ghost'));
    assert.throws(() => loadKubeconfig([noContext]), /current-context "ghost" is not defined under contexts/);
    const noCluster = write('no-cluster', GOOD.replace('{cluster: c1, user: admin}', '{cluster: c2, user: admin}'));
    assert.throws(() => loadKubeconfig([noCluster]), /cluster "c2" of context "admin" is not defined under clusters/);
    const noUser = write('no-user', GOOD.replace('{cluster: c1, user: admin}', '{cluster: c1, user: nobody}'));
    assert.throws(() => loadKubeconfig([noUser]), /user "nobody" of context "admin" is not defined under users/);
    const noServer = write('no-server', GOOD.replace('server: "https://api.x.example:6443/", ', ''));
    assert.throws(() => loadKubeconfig([noServer]), /cluster "c1" has no server/);
    const notMapping = write('list', '- a\n- b\n');
    assert.throws(() => loadKubeconfig([notMapping]), /is not a YAML mapping/);
  });

  it('finds the current context (or none) for target selection', () => {
    assert.equal(currentContextOf([write('cc', GOOD)])?.context, 'admin');
    assert.equal(currentContextOf([write('empty', '')]), undefined);
  });

  it('falls back to ~/.kube/config only when it exists', () => {
    const home = fs.mkdtempSync(path.join(dir, 'home-'));
    assert.deepEqual(kubeconfigFiles(undefined, home), []);
    fs.mkdirSync(path.join(home, '.kube'));
    fs.writeFileSync(path.join(home, '.kube', 'config'), GOOD);
    assert.deepEqual(kubeconfigFiles(undefined, home), [path.join(home, '.kube', 'config')]);
    assert.deepEqual(kubeconfigFiles(['/explicit'], home), ['/explicit']);
  });
});
