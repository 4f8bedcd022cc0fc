// The Machine Config Operator's container-runtime-config controller of OpenShift 4.15, the part a
// disconnected install meets: ImageDigestMirrorSets (and the older ImageContentSourcePolicies)
// become the nodes' /etc/containers/registries.conf, so CRI-O pulls digest references of a mirrored
// repository from its mirrors. Upstream followed: openshift/machine-config-operator release-4.15
// pkg/controller/container-runtime-config/container_runtime_config_controller.go (syncImageConfig:
// one MachineConfig 99-<pool>-generated-registries per pool, re-rendered on every change of the
// mirror sets) and helpers.go (updateRegistriesConfig: a [[registry]] per source, prefix "",
// location the source, a [[registry.mirror]] per mirror; IDMS mirrors pull by digest only
// (pull-from-mirror = "digest-only"), ICSP sources carry mirror-by-digest-only = true), written as an
// Ignition file (data URL, mode 0644). The pools then roll the rendered configuration onto their
// nodes; the twin's nodes take it at once: status.configuration names the rendered config and its
// source MachineConfigs, Updated=True.
import { createHash } from 'node:crypto';
import type { TwinClient } from '../api/client';
import { timestamp } from '../api/meta';
import type { KObject } from '../api/types';
import type { FaultDefinition } from '../fault-definition';
import { WorkQueue, type Controller, type ControllerContext } from './runtime';

export const MACHINE_CONFIG_FAULTS: FaultDefinition[] = [
  {
    name: 'mco-ignores-image-digest-mirror-set',
    description:
      "The Machine Config Operator does not render ImageDigestMirrorSets into the nodes' registries.conf (as a cluster whose container-runtime-config controller is degraded): the nodes keep pulling the RHOAI images from registry.redhat.io, which a disconnected cluster cannot reach",
    caughtBy: '@req.ADV-01',
    expectMessage: "the nodes' registries.conf has no mirror",
  },
];

const MC_API = 'machineconfiguration.openshift.io/v1';
const POOLS = ['master', 'worker'];

export class MachineConfigOperator implements Controller {
  readonly name = 'machine-config-operator';
  private readonly client: TwinClient;
  private readonly queue: WorkQueue;

  constructor(private readonly ctx: ControllerContext) {
    this.client = ctx.clientFor('machine-config-controller', 'openshift-machine-config-operator:machine-config-controller');
    this.queue = new WorkQueue('machine-config-operator', 0, () => this.sync(), ctx.settings.log);
  }

  start(): void {
    const sync = () => this.queue.enqueue('sync');
    this.client.watch('config.openshift.io/v1', 'ImageDigestMirrorSet', sync);
    this.client.watch('operator.openshift.io/v1alpha1', 'ImageContentSourcePolicy', sync);
    this.client.watch(MC_API, 'MachineConfigPool', (type) => type === 'ADDED' && sync());
    sync();
  }

  /** helpers.go updateRegistriesConfig: the registries.conf of every pool. */
  registriesConf(): string {
    const lines = ['unqualified-search-registries = ["registry.access.redhat.com", "docker.io"]', 'short-name-mode = ""', ''];
    const idms = this.ctx.faults.has('mco-ignores-image-digest-mirror-set')
      ? []
      : this.client.list('config.openshift.io/v1', 'ImageDigestMirrorSet');
    const icsp = this.client.list('operator.openshift.io/v1alpha1', 'ImageContentSourcePolicy');
    const bySource = new Map<string, { mirrors: string[]; icsp: boolean }>();
    for (const set of idms)
      for (const m of (set.spec?.imageDigestMirrors ?? []) as KObject[]) {
        const entry = bySource.get(m.source) ?? { mirrors: [], icsp: false };
        for (const mirror of (m.mirrors ?? []) as string[]) if (!entry.mirrors.includes(mirror)) entry.mirrors.push(mirror);
        bySource.set(m.source, entry);
      }
    for (const set of icsp)
      for (const m of (set.spec?.repositoryDigestMirrors ?? []) as KObject[]) {
        const entry = bySource.get(m.source) ?? { mirrors: [], icsp: true };
        entry.icsp = true;
        for (const mirror of (m.mirrors ?? []) as string[]) if (!entry.mirrors.includes(mirror)) entry.mirrors.push(mirror);
        bySource.set(m.source, entry);
      }
    for (const [source, { mirrors, icsp: fromIcsp }] of [...bySource].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push('[[registry]]', '  prefix = ""', `  location = "${source}"`);
      if (fromIcsp) lines.push('  mirror-by-digest-only = true');
      for (const mirror of mirrors) {
        lines.push('', '  [[registry.mirror]]', `    location = "${mirror}"`);
        if (!fromIcsp) lines.push('    pull-from-mirror = "digest-only"');
      }
      lines.push('');
    }
    return lines.join('\n');
  }

  private sync(): void {
    const conf = this.registriesConf();
    for (const pool of POOLS) {
      const name = `99-${pool}-generated-registries`;
      const spec = {
        config: {
          ignition: { version: '3.2.0' },
          storage: {
            files: [
              {
                path: '/etc/containers/registries.conf',
                mode: 420,
                overwrite: true,
                contents: { source: `data:text/plain,${encodeURIComponent(conf)}` },
              },
            ],
          },
        },
      };
      const live = this.client.get(MC_API, 'MachineConfig', name);
      if (!live)
        this.client.create({
          apiVersion: MC_API,
          kind: 'MachineConfig',
          metadata: { name, labels: { 'machineconfiguration.openshift.io/role': pool } },
          spec,
        });
      else if (JSON.stringify(live.spec) !== JSON.stringify(spec)) this.client.update({ ...live, spec });
      this.updatePool(pool);
    }
  }

  /** The pool renders its MachineConfigs and its nodes take the result (at once on the twin). */
  private updatePool(pool: string): void {
    const mcp = this.client.get(MC_API, 'MachineConfigPool', pool);
    if (!mcp) return;
    const sources = this.client
      .list(MC_API, 'MachineConfig')
      .filter((mc) => mc.metadata.labels?.['machineconfiguration.openshift.io/role'] === pool)
      .sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
    const hash = createHash('md5')
      .update(JSON.stringify(sources.map((mc) => mc.spec)))
      .digest('hex');
    const rendered = `rendered-${pool}-${hash}`;
    if (mcp.status?.configuration?.name === rendered) return;
    const now = timestamp();
    this.client.patchStatus(MC_API, 'MachineConfigPool', pool, undefined, {
      configuration: {
        name: rendered,
        source: sources.map((mc) => ({ apiVersion: MC_API, kind: 'MachineConfig', name: mc.metadata.name })),
      },
      machineCount: 1,
      readyMachineCount: 1,
      updatedMachineCount: 1,
      degradedMachineCount: 0,
      conditions: [
        { type: 'Updated', status: 'True', lastTransitionTime: now, reason: '', message: `All nodes are updated with ${rendered}` },
        { type: 'Updating', status: 'False', lastTransitionTime: now, reason: '', message: '' },
        { type: 'Degraded', status: 'False', lastTransitionTime: now, reason: '', message: '' },
      ],
    });
  }
}
