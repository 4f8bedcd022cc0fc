import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ConfigurationError,
  SETTING_DEFINITIONS,
  loadSettings,
  secretSettingValues,
  settingsReferenceMarkdown,
} from '../../../support/core/config';
import { PROJECT_ROOT } from '../../../support/core/paths';

describe('settings', () => {
  it('has defaults for everything', () => {
    const s = loadSettings({});
    assert.equal(s.target, 'auto');
    assert.deepEqual(s.resolve, []);
    assert.deepEqual(s.twinFaults, []);
    assert.equal(s.twinAuditLog, path.resolve('reports/twin/audit.jsonl'));
    assert.equal(s.twinLatencyMs, 0);
    assert.equal(s.keep, 'never');
    assert.equal(s.adminUser, 'rhoai-admin');
    assert.equal(s.adminPassword, undefined);
    assert.equal(s.waitTimeoutSeconds, 900);
    assert.equal(s.workDir, path.resolve('.rhoai'));
    assert.equal(s.operatorChannel, 'fast');
    assert.equal(s.expectedVersion, '2.9');
    assert.equal(s.profile, 'all');
    assert.equal(s.serviceMeshChannel, 'stable');
    assert.equal(s.authorinoChannel, undefined, '@default: the catalog default channel');
    assert.equal(s.installPlanApproval, 'Manual', 'the install is pinned: InstallPlans are approved one by one');
    assert.equal(s.serviceMeshVersion, '2.5');
    assert.equal(s.serverlessVersion, undefined, 'any: the channel head, pinned');
    assert.equal(s.authorinoVersion, undefined, 'any: the channel head, pinned');
    assert.equal(s.kubeconfig, undefined);
  });

  it('parses every setting', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    fs.writeFileSync(a, '');
    fs.writeFileSync(b, '');
    const s = loadSettings({
      KUBECONFIG: `${a}:${b}`,
      RHOAI_TARGET: 'cluster',
      RHOAI_RESOLVE: '*.apps.twin.local=127.0.0.1:41235, api.x.example=10.0.0.1:6443',
      RHOAI_TWIN_FAULTS: 'api-drop-watches,olm-csv-fails',
      RHOAI_TWIN_AUDIT_LOG: '/tmp/audit.jsonl',
      RHOAI_TWIN_LATENCY_MS: '250',
      RHOAI_KEEP: 'on-failure',
      RHOAI_ADMIN_USER: 'ops.admin',
      RHOAI_ADMIN_PASSWORD: 'correct horse battery',
      RHOAI_WAIT_TIMEOUT: '60',
      RHOAI_WORK_DIR: '/tmp/rhoai-work',
      RHOAI_OPERATOR_CHANNEL: 'fast',
      RHOAI_INSTALL_PLAN_APPROVAL: 'Automatic',
      RHOAI_EXPECTED_VERSION: '2.9.0',
      RHOAI_SERVERLESS_VERSION: '1.32',
    });
    assert.deepEqual(s.kubeconfig, [a, b]);
    assert.deepEqual(s.resolve, [
      { pattern: '*.apps.twin.local', address: '127.0.0.1', port: 41235 },
      { pattern: 'api.x.example', address: '10.0.0.1', port: 6443 },
    ]);
    assert.deepEqual(s.twinFaults, ['api-drop-watches', 'olm-csv-fails']);
    assert.equal(s.twinLatencyMs, 250);
    assert.equal(s.keep, 'on-failure');
    assert.equal(s.adminPassword, 'correct horse battery');
    assert.equal(s.waitTimeoutSeconds, 60);
    assert.equal(s.installPlanApproval, 'Automatic');
    assert.equal(s.expectedVersion, '2.9.0');
    assert.equal(s.serverlessVersion, '1.32');
    assert.deepEqual(secretSettingValues(s), ['correct horse battery']);
    fs.rmSync(dir, { recursive: true });
  });

  it('reports every bad value at once, naming variable, value and what is allowed', () => {
    assert.throws(
      () => loadSettings({ RHOAI_TARGET: 'moon', RHOAI_WAIT_TIMEOUT: '0', RHOAI_TWIN_LATENCY_MS: '-5', RHOAI_KEEP: 'sometimes' }),
      (e: Error) => {
        assert.ok(e instanceof ConfigurationError);
        assert.equal(e.problems.length, 4);
        assert.match(e.message, /RHOAI_TARGET="moon" is not valid: allowed: auto \| twin \| cluster/);
        assert.match(e.message, /RHOAI_WAIT_TIMEOUT="0" is not valid: allowed: an integer >= 1/);
        assert.match(e.message, /RHOAI_TWIN_LATENCY_MS="-5" is not valid: allowed: an integer >= 0/);
        assert.match(e.message, /RHOAI_KEEP="sometimes" is not valid: allowed: never \| on-failure \| always/);
        return true;
      },
    );
  });

  it('records browser traces unless RHOAI_BROWSER_TRACE=off', () => {
    assert.equal(loadSettings({}).browserTrace, 'retain-on-failure');
    assert.equal(loadSettings({ RHOAI_BROWSER_TRACE: 'off' }).browserTrace, 'off');
    assert.throws(
      () => loadSettings({ RHOAI_BROWSER_TRACE: 'always' }),
      /RHOAI_BROWSER_TRACE="always" is not valid: allowed: retain-on-failure \| off/,
    );
  });

  it('never echoes a secret value, even when it is invalid', () => {
    assert.throws(
      () => loadSettings({ RHOAI_ADMIN_PASSWORD: 'short' }),
      (e: Error) => /RHOAI_ADMIN_PASSWORD=\(secret value not shown\) is not valid/.test(e.message) && !e.message.includes('short'),
    );
  });

  it('validates structured values', () => {
    assert.throws(
      () => loadSettings({ RHOAI_RESOLVE: '*.apps=nohost' }),
      /RHOAI_RESOLVE="\*.apps=nohost" is not valid: "nohost" is not IP:PORT/,
    );
    assert.throws(() => loadSettings({ RHOAI_RESOLVE: 'a.b=1.2.3.4:70000' }), /port 70000 is out of range/);
    assert.throws(() => loadSettings({ RHOAI_TWIN_FAULTS: 'ok,Bad Name' }), /"Bad Name" is not a fault name/);
    assert.throws(() => loadSettings({ RHOAI_ADMIN_USER: 'kubeadmin' }), /RHOAI_ADMIN_USER="kubeadmin".*not allowed as kubeadmin/);
    assert.throws(() => loadSettings({ RHOAI_ADMIN_USER: 'a:b' }), /RHOAI_ADMIN_USER="a:b" is not valid/);
    assert.throws(() => loadSettings({ RHOAI_WAIT_TIMEOUT: '1.5' }), /RHOAI_WAIT_TIMEOUT/);
    assert.throws(() => loadSettings({ RHOAI_INSTALL_PLAN_APPROVAL: 'automatic' }), /allowed: Manual \| Automatic/);
    assert.throws(() => loadSettings({ RHOAI_EXPECTED_VERSION: '2' }), /RHOAI_EXPECTED_VERSION="2" is not valid.*major\.minor/);
    assert.throws(() => loadSettings({ RHOAI_SERVICEMESH_VERSION: 'v2.5' }), /RHOAI_SERVICEMESH_VERSION/);
    assert.throws(
      () => loadSettings({ KUBECONFIG: '/nonexistent/kubeconfig' }),
      /KUBECONFIG="\/nonexistent\/kubeconfig" is not valid: \/nonexistent\/kubeconfig does not exist/,
    );
    assert.throws(() => loadSettings({ RHOAI_WORK_DIR: 'reports/secrets' }), /RHOAI_WORK_DIR.*reports\/ is published/);
  });

  it('treats an empty variable as unset', () => {
    assert.equal(loadSettings({ RHOAI_TARGET: '' }).target, 'auto');
  });

  it('documents every setting in README.md', () => {
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    for (const definition of SETTING_DEFINITIONS) {
      assert.ok(readme.includes(`\`${definition.name}\``), `README.md documents ${definition.name}`);
    }
    assert.ok(
      readme.includes(settingsReferenceMarkdown()),
      'README.md holds the generated configuration reference (npm run settings-reference)',
    );
  });
});
