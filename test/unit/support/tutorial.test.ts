// The tutorial's pure parts: names as the dashboard derives them, the workbench form rows, the
// tutorial settings, and the fixtures rendered as the steps render them (valid against the upstream
// Notebook CRD once the steps fill them in).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { loadSettings, ConfigurationError } from '../../../support/core/config';
import { renderFixture } from '../../../support/core/fixtures';
import { dataConnectionSecretName, k8sName, scenarioProjectName, stableChars, translateUsername } from '../../../support/tutorial/names';
import { parseEnvironmentTable, parseWorkbenchTable } from '../../../support/tutorial/workbench-table';

describe('names as the dashboard derives them', () => {
  test('translateDisplayNameForK8s and the data connection Secret name', () => {
    assert.equal(k8sName('  My Storage '), 'my-storage');
    assert.equal(k8sName('Fraud Detection (v2)!'), 'fraud-detection-v2');
    assert.equal(dataConnectionSecretName('Pipeline Artifacts'), 'aws-connection-pipeline-artifacts');
  });

  test('usernameTranslate, as the opendatahub.io/user label carries the user', () => {
    assert.equal(translateUsername('kube:admin'), 'kube-3aadmin');
    assert.equal(translateUsername('rhoai-admin'), 'rhoai-2dadmin');
    assert.equal(translateUsername('jane.doe@example.com'), 'jane-2edoe-40example-2ecom');
  });

  test('the six characters are stable for the same object and differ for another', () => {
    assert.match(stableChars('a', 'b'), /^[a-z0-9]{6}$/);
    assert.equal(stableChars('ns', 'wb', '0'), stableChars('ns', 'wb', '0'));
    assert.notEqual(stableChars('ns', 'wb', '0'), stableChars('ns', 'wb', '1'));
  });

  test('a scenario project is the prefix and the name, refused when not a DNS label', () => {
    assert.equal(scenarioProjectName({ tutorialProjectPrefix: 'tutorial-' }, 'wb-minimal'), 'tutorial-wb-minimal');
    assert.throws(
      () => scenarioProjectName({ tutorialProjectPrefix: 'tutorial-' }, 'x'.repeat(60)),
      /not a DNS-1123 label of at most 63 characters/,
    );
  });
});

describe('the workbench form rows', () => {
  test('every field', () => {
    assert.deepEqual(
      parseWorkbenchTable({
        image: 'CUDA',
        size: 'Small',
        'cluster storage': 'Workbench data, 5Gi',
        accelerator: '1 nvidia.com/gpu',
        'data connection': 'new "Workbench Storage" for bucket my-storage',
      }),
      {
        image: 'CUDA',
        size: 'Small',
        storage: { displayName: 'Workbench data', size: '5Gi' },
        accelerator: { count: 1, identifier: 'nvidia.com/gpu' },
        dataConnection: { create: { displayName: 'Workbench Storage', bucket: 'my-storage' } },
      },
    );
    assert.deepEqual(parseWorkbenchTable({ image: 'X', size: 'Small', 'data connection': 'existing "My Storage"' }).dataConnection, {
      existing: 'My Storage',
    });
  });

  test('mistakes are named', () => {
    assert.throws(() => parseWorkbenchTable({ image: 'X', size: 'Small', gpu: '1' }), /no field "gpu"/);
    assert.throws(() => parseWorkbenchTable({ image: 'X' }), /"image" and a "size"/);
    assert.throws(() => parseWorkbenchTable({ image: 'X', size: 'Small', accelerator: 'one gpu' }), /"<count> <identifier>"/);
    assert.throws(() => parseWorkbenchTable({ image: 'X', size: 'Small', 'cluster storage': '5Gi' }), /"<name>, <size>"/);
    assert.throws(() => parseWorkbenchTable({ image: 'X', size: 'Small', 'data connection': 'My Storage' }), /existing "<name>"/);
  });
});

describe('the tutorial settings', () => {
  test('defaults', () => {
    const s = loadSettings({});
    assert.deepEqual(
      [s.tutorialRepo, s.tutorialRef, s.tutorialProject, s.tutorialProjectPrefix],
      ['https://github.com/rh-aiservices-bu/fraud-detection.git', 'v2.9', 'fraud-detection', 'tutorial-'],
    );
  });

  test('a mirror and another ref', () => {
    const s = loadSettings({ RHOAI_TUTORIAL_REPO: 'https://gitea.example.com/ai/fraud-detection.git', RHOAI_TUTORIAL_REF: 'release/2.9' });
    assert.deepEqual([s.tutorialRepo, s.tutorialRef], ['https://gitea.example.com/ai/fraud-detection.git', 'release/2.9']);
  });

  test('bad values are refused, named, with what is allowed', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadSettings(env);
        return '';
      } catch (e) {
        assert.ok(e instanceof ConfigurationError);
        return e.message;
      }
    };
    assert.match(
      problems({ RHOAI_TUTORIAL_REPO: 'git@github.com:rh-aiservices-bu/fraud-detection.git' }),
      /RHOAI_TUTORIAL_REPO=.*not a URL/,
    );
    assert.match(problems({ RHOAI_TUTORIAL_REPO: 'https://user:pw@example.com/r.git' }), /credentials in the URL/);
    assert.match(problems({ RHOAI_TUTORIAL_REF: '../main' }), /RHOAI_TUTORIAL_REF=.*a Git branch or tag name/);
    assert.match(problems({ RHOAI_TUTORIAL_PROJECT: 'openshift-ai' }), /RHOAI_TUTORIAL_PROJECT=.*system namespaces/);
    assert.match(problems({ RHOAI_TUTORIAL_PROJECT_PREFIX: 'Tutorial_' }), /RHOAI_TUTORIAL_PROJECT_PREFIX=/);
  });
});

// The upstream CRDs of the RHOAI 2.9 era live next to the project (../shared); a lone clone has none.
const VALIDATOR = resolve(__dirname, '..', '..', '..', '..', 'shared', 'tools', 'validate-manifests.mjs');

describe(
  'the Notebook as the steps fill it in, against the upstream CRD',
  { skip: existsSync(VALIDATOR) ? false : `no ${VALIDATOR}` },
  () => {
    test('with an accelerator, variables, a data connection and storage', () => {
      const [nb] = renderFixture('tutorial/notebook', {
        name: 'gpu-workbench',
        namespace: 'tutorial-wb-nvidia',
        displayName: 'gpu workbench',
        description: '',
        translatedUser: 'kube-3aadmin',
        username: 'kube:admin',
        logoutUrl:
          'https://rhods-dashboard-redhat-ods-applications.apps.example.com/projects/tutorial-wb-nvidia?notebookLogout=gpu-workbench',
        size: 'Small',
        imageSelection: 'minimal-gpu:2024.1',
        imageDisplayName: 'CUDA',
        acceleratorName: 'nvidia-gpu',
        image: 'image-registry.openshift-image-registry.svc:5000/redhat-ods-applications/minimal-gpu:2024.1',
        notebookArgs: '--ServerApp.port=8888\n --ServerApp.base_url=/notebook/tutorial-wb-nvidia/gpu-workbench',
      });
      const pod = nb!.spec.template.spec;
      Object.assign(pod.containers[0], {
        envFrom: [{ secretRef: { name: 'aws-connection-my-storage' } }, { configMapRef: { name: 'configmap-abc123' } }],
        resources: { requests: { cpu: '1', memory: '8Gi', 'nvidia.com/gpu': 1 }, limits: { cpu: '2', memory: '8Gi', 'nvidia.com/gpu': 1 } },
        volumeMounts: [
          { name: 'gpu-workbench', mountPath: '/opt/app-root/src' },
          { name: 'shm', mountPath: '/dev/shm' },
        ],
      });
      Object.assign(pod, {
        volumes: [
          { name: 'gpu-workbench', persistentVolumeClaim: { claimName: 'gpu-workbench' } },
          { name: 'shm', emptyDir: { medium: 'Memory' } },
        ],
        tolerations: [{ key: 'nvidia-gpu-only', operator: 'Exists', effect: 'NoSchedule' }],
      });
      const file = join(mkdtempSync(join(tmpdir(), 'rhoai-notebook-')), 'notebook.json');
      writeFileSync(file, JSON.stringify(nb));
      const out = execFileSync(process.execPath, [VALIDATOR, file], { encoding: 'utf8' });
      assert.match(out, /1 valid, 0 invalid/);
    });
  },
);

describe('the environment variables of the form', () => {
  test('grouped by type; a generated value is made up, not spelled out', () => {
    const groups = parseEnvironmentTable(
      [
        { type: 'ConfigMap', name: 'A', value: '1' },
        { type: 'Secret', name: 'T', value: '(generated)' },
        { type: 'ConfigMap', name: 'B', value: '2' },
      ],
      () => 'made-up',
    );
    assert.deepEqual(groups, [
      { type: 'ConfigMap', values: { A: '1', B: '2' } },
      { type: 'Secret', values: { T: 'made-up' }, generated: ['T'] },
    ]);
    assert.throws(() => parseEnvironmentTable([{ type: 'Env', name: 'A', value: '1' }], () => ''), /ConfigMap or Secret/);
    assert.throws(
      () => parseEnvironmentTable([{ type: 'Secret', name: '1 bad', value: '1' }], () => ''),
      /not an environment variable name/,
    );
  });
});
