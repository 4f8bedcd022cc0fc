// The components domain's pure parts: default-dsc for each profile (and KServe's manual mode), the
// readiness judgement of install.md §4.4 (phase Ready is no proof), the capacity preflight's
// arithmetic and message, and the fixtures checked against the upstream CRDs (../shared/crds).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import type { KObject } from '../../../support/core/cluster';
import { capacityOf, nodeSize, requirementsOf, schedulable, shortfall } from '../../../support/install/capacity';
import {
  COMPONENTS,
  dscProblems,
  installedDsc,
  kserveManagedPatch,
  kserveServingUnmanagedPatch,
  managedIn,
  PROFILES,
  profileDsc,
  type Profile,
} from '../../../support/install/components';
import { renderFixture } from '../../../support/core/fixtures';
import { renderPatch } from '../../../support/install/dsci';
import type { RhoaiWorld } from '../../../support/core/world';

/** Just what rendering needs of a World. */
const world = { render: (name: string, vars: Record<string, unknown>) => renderFixture(name, vars) } as unknown as RhoaiWorld;
const profiles = Object.keys(PROFILES) as Profile[];

describe('default-dsc for a profile', () => {
  test('manages exactly the profile, every other component Removed, TrustyAI Removed', () => {
    for (const profile of profiles) {
      const dsc = profileDsc(world, profile);
      assert.deepEqual(managedIn(dsc).sort(), [...PROFILES[profile]].sort(), profile);
      for (const key of Object.keys(COMPONENTS))
        assert.ok(['Managed', 'Removed'].includes(dsc.spec.components[key]?.managementState), `${profile}: ${key} set`);
      assert.equal(dsc.spec.components.trustyai.managementState, 'Removed');
    }
  });

  test('KServe, where chosen, is Managed with serving Unmanaged on the KnativeServing made by hand', () => {
    assert.deepEqual(profileDsc(world, 'all').spec.components.kserve, {
      managementState: 'Managed',
      serving: { managementState: 'Unmanaged', name: 'knative-serving' },
    });
    assert.deepEqual(profileDsc(world, 'train-only').spec.components.kserve, { managementState: 'Removed' });
  });

  test('the installed default-dsc leaves KServe to its manual mode: the patches are the only writers of kserve', () => {
    for (const profile of profiles) assert.equal(installedDsc(world, profile).spec.components.kserve, undefined, profile);
    assert.deepEqual(kserveManagedPatch(), { spec: { components: { kserve: { managementState: 'Managed' } } } });
    assert.deepEqual(kserveServingUnmanagedPatch(), {
      spec: { components: { kserve: { serving: { managementState: 'Unmanaged', name: 'knative-serving' } } } },
    });
    assert.deepEqual(renderPatch('rhoai/dsci-servicemesh-unmanaged'), { spec: { serviceMesh: { managementState: 'Unmanaged' } } });
  });
});

describe('readiness of default-dsc (install.md §4.4)', () => {
  const expected = [COMPONENTS.dashboard, COMPONENTS.kueue];
  const dsc = (conditions: object[], installed: Record<string, boolean> = { dashboard: true, kueue: true }): KObject => ({
    apiVersion: 'datasciencecluster.opendatahub.io/v1',
    kind: 'DataScienceCluster',
    metadata: { name: 'default-dsc' },
    spec: { components: { dashboard: { managementState: 'Managed' }, kueue: { managementState: 'Managed' } } },
    status: { phase: 'Ready', conditions, installedComponents: installed },
  });
  const ok = { type: 'ReconcileComplete', status: 'True', reason: 'ReconcileCompleted' };

  test('ready: ReconcileCompleted and every expected <name>Ready=True, installed', () => {
    assert.deepEqual(
      dscProblems(dsc([ok, { type: 'dashboardReady', status: 'True' }, { type: 'kueueReady', status: 'True' }]), expected),
      [],
    );
  });

  test('phase Ready with ReconcileCompletedWithComponentErrors is not ready, and the failing component is named with its message', () => {
    const problems = dscProblems(
      dsc([
        {
          type: 'ReconcileComplete',
          status: 'True',
          reason: 'ReconcileCompletedWithComponentErrors',
          message: 'DataScienceCluster resource reconciled with component errors: 1 error occurred:\n\t* boom\n\n',
        },
        { type: 'dashboardReady', status: 'True' },
        { type: 'kueueReady', status: 'False', reason: 'ReconcileFailed', message: 'Component reconciliation failed: boom' },
      ]),
      expected,
    );
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /phase Ready, but ReconcileComplete=True \(ReconcileCompletedWithComponentErrors\)/);
    assert.equal(problems[1], 'kueueReady=False (ReconcileFailed): Component reconciliation failed: boom');
  });

  test('a missing condition, a component not Managed, or not installed is named', () => {
    assert.deepEqual(dscProblems(dsc([ok, { type: 'dashboardReady', status: 'True' }]), expected), ['kueueReady absent']);
    assert.deepEqual(
      dscProblems(
        dsc([ok, { type: 'dashboardReady', status: 'True' }, { type: 'kueueReady', status: 'True' }], { dashboard: true }),
        expected,
      ),
      ['status.installedComponents.kueue is undefined, not true'],
    );
    assert.deepEqual(dscProblems(dsc([ok]), [COMPONENTS.ray]), ['ray is unset in default-dsc, not Managed']);
    assert.deepEqual(dscProblems(undefined, expected), ['default-dsc does not exist']);
  });
});

describe('capacity preflight', () => {
  const node = (
    name: string,
    cpu: string,
    memory: string,
    opts: { taint?: boolean; ready?: boolean; cordoned?: boolean } = {},
  ): KObject => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: {
      ...(opts.taint ? { taints: [{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }] } : {}),
      ...(opts.cordoned ? { unschedulable: true } : {}),
    },
    status: { allocatable: { cpu, memory }, conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
  });
  const pod = (namespace: string, nodeName: string, cpu: string, memory: string, phase = 'Running'): KObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p-${namespace}`, namespace },
    spec: { nodeName, containers: [{ name: 'c', resources: { requests: { cpu, memory } } }] },
    status: { phase },
  });

  test('the documented requirements follow the chosen components', () => {
    assert.equal(requirementsOf(PROFILES.all).length, 3);
    assert.match(
      requirementsOf(PROFILES['train-only']).join('|'),
      /^at least 2 worker nodes with 8 CPUs and 32 GiB each .*\|1\.6 vCPU and 2 GiB/,
    );
    assert.match(requirementsOf(PROFILES['infer-only']).join('|'), /a node with 4 CPUs and 16 GB memory/);
    assert.doesNotMatch(requirementsOf(PROFILES['infer-only']).join('|'), /1\.6 vCPU/);
  });

  test('counts schedulable nodes only, minus what pods there request, except the components own namespaces', () => {
    const nodes = [
      node('m', '8', '32Gi', { taint: true }),
      node('w1', '4', '16Gi'),
      node('w2', '4', '16Gi'),
      node('sick', '16', '64Gi', { ready: false }),
      node('drained', '16', '64Gi', { cordoned: true }),
    ];
    assert.deepEqual(nodes.map(schedulable), [false, true, true, false, false]);
    const pods = [
      pod('redhat-ods-operator', 'w1', '500m', '4Gi'),
      pod('redhat-ods-applications', 'w2', '1', '1Gi'),
      pod('x', 'm', '2', '2Gi'),
      pod('done', 'w1', '3', '1Gi', 'Succeeded'),
    ];
    const capacity = capacityOf(nodes, pods, ['redhat-ods-applications']);
    assert.deepEqual(capacity.nodes, ['w1', 'w2']);
    assert.deepEqual(capacity.free, { cpu: 7.5, memory: 28 * 2 ** 30 });
  });

  test("a node's size is its capacity, not its allocatable", () => {
    const n = node('w', '7500m', '30Gi');
    n.status.capacity = { cpu: '8', memory: '32Gi' };
    assert.deepEqual(nodeSize(n), { cpu: 8, memory: 32 * 2 ** 30 });
    assert.deepEqual(nodeSize(node('w', '4', '16Gi')), { cpu: 4, memory: 16 * 2 ** 30 }, 'allocatable when capacity is not reported');
  });

  test('a cluster at the documented minimum passes: 2 workers of 8 CPUs and 32 GiB (allocatable less), though the seed table summed 13.6 CPUs', () => {
    const worker = (name: string) => ({
      ...node(name, '7500m', '30Gi'),
      status: { ...node(name, '7500m', '30Gi').status, capacity: { cpu: '8', memory: '32Gi' } },
    });
    const capacity = capacityOf(
      [node('m', '8', '32Gi', { taint: true }), worker('w1'), worker('w2')],
      [pod('openshift-monitoring', 'w1', '1', '4Gi')],
      [],
    );
    assert.equal(shortfall('all', PROFILES.all, capacity), undefined);
  });

  test('below the minimum: the message names each requirement not met, with the nodes', () => {
    const capacity = capacityOf([node('w1', '8', '32Gi'), node('w2', '4', '16Gi')], [pod('redhat-ods-operator', 'w1', '500m', '4Gi')], []);
    const message = shortfall('all', PROFILES.all, capacity)!;
    assert.match(message, /does not meet the documented requirements of profile "all"/);
    assert.match(message, /OpenShift AI needs at least 2 worker nodes with 8 CPUs and 32 GiB each .*; it has 1 \(w1\) of that size/);
    assert.match(message, /w1: 8 CPUs, 32 GiB; w2: 4 CPUs, 16 GiB/);
    assert.doesNotMatch(message, /KServe needs/, 'w1 is a node for KServe');
  });

  test('KServe without a node of 4 CPUs and 16 GB; distributed workloads without 1.6 vCPU and 2 GiB free', () => {
    const small = capacityOf(
      [node('w1', '2', '8Gi'), node('w2', '2', '8Gi')],
      [pod('x', 'w1', '2', '7Gi'), { ...pod('y', 'w2', '1500m', '512Mi'), metadata: { name: 'p-y2', namespace: 'y' } }],
      [],
    );
    const message = shortfall('all', PROFILES.all, small)!;
    assert.match(message, /KServe needs a node with 4 CPUs and 16 GB memory .*; no schedulable node has that size/);
    assert.match(message, /distributed workloads need 1\.6 vCPU and 2 GiB memory free .*; free: cpu 0\.5, memory 8\.5 GiB/);
    assert.doesNotMatch(shortfall('infer-only', PROFILES['infer-only'], small)!, /distributed workloads/);
  });

  test('big enough: no verdict', () => {
    const capacity = capacityOf([node('w1', '16', '64Gi'), node('w2', '16', '64Gi'), node('w3', '16', '64Gi')], [], []);
    assert.equal(shortfall('all', PROFILES.all, capacity), undefined);
  });
});

// The upstream CRDs of the RHOAI 2.9 era live next to the project (../shared); a lone clone has none.
const VALIDATOR = resolve(__dirname, '..', '..', '..', '..', 'shared', 'tools', 'validate-manifests.mjs');

describe('the fixtures against the upstream CRDs', { skip: existsSync(VALIDATOR) ? false : `no ${VALIDATOR}` }, () => {
  test('default-dsc for every profile (installed and whole) is valid', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rhoai-components-'));
    const files = profiles.flatMap((p) => {
      const a = join(dir, `installed-${p}.json`);
      const b = join(dir, `whole-${p}.json`);
      writeFileSync(a, JSON.stringify(installedDsc(world, p)));
      writeFileSync(b, JSON.stringify(profileDsc(world, p)));
      return [a, b];
    });
    const out = execFileSync(process.execPath, [VALIDATOR, ...files], { encoding: 'utf8' });
    assert.match(out, /6 valid, 0 invalid/);
  });

  test('the merge patches are valid partial objects (checked as the audit log of a run would carry them)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rhoai-patches-'));
    const line = (resource: string, group: string, name: string, requestObject: unknown) =>
      JSON.stringify({
        verb: 'patch',
        requestURI: `/apis/${group}/v1/${resource}/${name}`,
        objectRef: { resource, apiGroup: group, apiVersion: 'v1', name },
        requestObject,
        annotations: { 'content-type': 'application/merge-patch+json' },
      });
    const audit = join(dir, 'audit.jsonl');
    writeFileSync(
      audit,
      [
        line('datascienceclusters', 'datasciencecluster.opendatahub.io', 'default-dsc', kserveManagedPatch()),
        line('datascienceclusters', 'datasciencecluster.opendatahub.io', 'default-dsc', kserveServingUnmanagedPatch()),
        line('dscinitializations', 'dscinitialization.opendatahub.io', 'default-dsci', renderPatch('rhoai/dsci-servicemesh-unmanaged')),
      ].join('\n'),
    );
    const out = execFileSync(process.execPath, [VALIDATOR, '--audit', audit], { encoding: 'utf8' });
    assert.match(out, /3 valid, 0 invalid/);
  });
});
