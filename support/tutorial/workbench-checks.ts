// What a person checks on a workbench: it runs the image and size they chose, the accelerator
// lands only where it may, its environment holds their variables and data connections, its files
// survive a stop and start, and its URL sits behind the OpenShift OAuth proxy. Commands run in the
// workbench's container over the Kubernetes exec protocol, as `oc exec` would.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import * as https from 'node:https';
import type { KObject } from '../core/cluster';
import { runInPod, type ExecOptions, type ExecResult } from '../core/exec';
import { notApplicable } from '../core/not-applicable';
import { routeHttpsAgent, routeTrust } from '../core/http/route-trust';
import { waitForAdmittedRoute } from '../s3';
import type { RhoaiWorld } from '../core/world';
import { dataConnectionSecretName } from './names';
import { currentWorkbench, notebookSize, workbenchPod, NOTEBOOK_API } from './workbenches';
import { DASHBOARD_LABEL } from '../rhoai/names';

/** Runs a command in the workbench's container (the container named after the workbench). */
export async function execInWorkbench(world: RhoaiWorld, command: string[], options: ExecOptions = {}): Promise<ExecResult> {
  const w = currentWorkbench(world);
  const pod = await workbenchPod(world);
  return runInPod(world, { namespace: w.namespace, pod: pod.metadata.name!, container: w.name }, command, options);
}

/** Fails with the command's own words when it did not exit 0. */
export function assertSucceeded(r: ExecResult, what: string): void {
  const tail = (s: string) => s.trim().split('\n').slice(-25).join('\n');
  expect(r.exitCode, `${what} failed: \`${r.command.join(' ')}\` exited ${r.exitCode}\n${tail(r.stderr) || tail(r.stdout)}`).to.equal(0);
}

/** The workbench's container runs the chosen image stream tag, as the dashboard names it. */
export async function assertWorkbenchImage(world: RhoaiWorld): Promise<void> {
  const w = currentWorkbench(world);
  const pod = await workbenchPod(world);
  const container = (pod.spec?.containers as KObject[]).find((c) => c.name === w.name);
  expectOk(container, `pod ${pod.metadata.name} has no container ${w.name}`);
  expect(
    container.image,
    `workbench ${w.name} runs ${container.image}, not ${w.image.url} (ImageStream ${w.image.stream} tag ${w.image.tag})`,
  ).to.equal(w.image.url);
  const nb = await world.cluster.get({ apiVersion: NOTEBOOK_API, kind: 'Notebook', name: w.name, namespace: w.namespace });
  expect(
    nb?.metadata.annotations?.['notebooks.opendatahub.io/last-image-selection'],
    'the dashboard records the image selection on the Notebook',
  ).to.equal(`${w.image.stream}:${w.image.tag}`);
  world.report.text('workbench image', `${w.image.shownAs}: ${w.image.stream}:${w.image.tag} → ${container.image}`);
}

/** The container's requests and limits are the size's, as odh-dashboard-config says now. */
export async function assertWorkbenchSize(world: RhoaiWorld, size: string): Promise<void> {
  const w = currentWorkbench(world);
  const expected = await notebookSize(world, size);
  const pod = await workbenchPod(world);
  const container = (pod.spec?.containers as KObject[]).find((c) => c.name === w.name)!;
  const pick = (r: { requests?: Record<string, unknown>; limits?: Record<string, unknown> } | undefined) => ({
    requests: { cpu: String(r?.requests?.cpu), memory: String(r?.requests?.memory) },
    limits: { cpu: String(r?.limits?.cpu), memory: String(r?.limits?.memory) },
  });
  expect(
    pick(container.resources),
    `workbench ${w.name} has the resources ${JSON.stringify(container.resources)}, not those of the size "${size}" in odh-dashboard-config (${JSON.stringify(expected.resources)})`,
  ).to.deep.equal(pick(expected.resources));
  world.report.text(
    `size ${size}`,
    `requests ${JSON.stringify(container.resources.requests)}, limits ${JSON.stringify(container.resources.limits)} on node ${pod.spec?.nodeName}`,
  );
}

/** The pod asks for the accelerator, tolerates the profile's taints, and runs on a node that has it. */
export async function assertAcceleratorPlacement(world: RhoaiWorld): Promise<void> {
  const w = currentWorkbench(world);
  const a = w.accelerator;
  expectOk(a, 'the workbench was created without an accelerator');
  const pod = await workbenchPod(world);
  const container = (pod.spec?.containers as KObject[]).find((c) => c.name === w.name)!;
  expect(
    String(container.resources?.requests?.[a.identifier]),
    `workbench ${w.name} requests ${container.resources?.requests?.[a.identifier] ?? 'no'} ${a.identifier}, not ${a.count}`,
  ).to.equal(String(a.count));
  expect(
    String(container.resources?.limits?.[a.identifier]),
    `workbench ${w.name} limits ${a.identifier} to ${container.resources?.limits?.[a.identifier] ?? 'nothing'}, not ${a.count}`,
  ).to.equal(String(a.count));
  const tolerations = (pod.spec?.tolerations ?? []) as KObject[];
  for (const t of a.tolerations)
    expect(
      tolerations.some((x) => x.key === t.key && x.effect === t.effect && (x.operator ?? 'Equal') === (t.operator ?? 'Equal')),
      `workbench ${w.name} does not tolerate ${t.key}:${t.effect} of accelerator profile ${a.profile} (tolerations: ${JSON.stringify(tolerations)})`,
    ).to.equal(true);
  const nb = await world.cluster.get({ apiVersion: NOTEBOOK_API, kind: 'Notebook', name: w.name, namespace: w.namespace });
  expect(
    nb?.metadata.annotations?.['opendatahub.io/accelerator-name'],
    'the Notebook names its accelerator profile (opendatahub.io/accelerator-name)',
  ).to.equal(a.profile);
  const node = await world.cluster.get({ apiVersion: 'v1', kind: 'Node', name: pod.spec?.nodeName });
  const allocatable = Number.parseInt(String(node?.status?.allocatable?.[a.identifier] ?? '0'), 10);
  expect(
    allocatable >= a.count,
    `workbench ${w.name} runs on ${pod.spec?.nodeName}, which advertises ${allocatable} ${a.identifier}, fewer than the ${a.count} it asked for`,
  ).to.equal(true);
  world.report.text(
    `accelerator ${a.identifier}`,
    `profile ${a.profile}: ${a.count} ${a.identifier} on node ${pod.spec?.nodeName} (allocatable ${allocatable}); tolerations ${JSON.stringify(tolerations)}`,
  );
}

/**
 * A pod that asks for the accelerator without the profile's tolerations is refused by the scheduler
 * for the taints of the accelerator nodes. Only where those nodes are tainted: the NVIDIA GPU
 * Operator does not taint GPU nodes by default, and a pod refused only because every GPU is busy
 * proves nothing; without tainted accelerator nodes the check does not apply (skipped, with why).
 */
export async function assertUntoleratedPodRefused(world: RhoaiWorld, identifier: string, count: number): Promise<'skipped' | undefined> {
  const w = currentWorkbench(world);
  const accelerated = (await world.cluster.list({ apiVersion: 'v1', kind: 'Node' })).filter(
    (n) => Number.parseInt(String(n.status?.allocatable?.[identifier] ?? '0'), 10) > 0,
  );
  const schedulingTaints = (n: KObject) =>
    ((n.spec?.taints ?? []) as KObject[]).filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  if (!accelerated.some((n) => schedulingTaints(n).length)) {
    return notApplicable(
      world,
      `no node with ${identifier} is tainted (${accelerated.map((n) => n.metadata.name).join(', ') || 'none'}: no NoSchedule/NoExecute taint), so nothing keeps a pod without tolerations off them; the NVIDIA GPU Operator does not taint GPU nodes by default`,
    );
  }
  const name = `no-toleration-${identifier.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`.slice(0, 63).replace(/-$/, '');
  const [pod] = world.render('tutorial/accelerator-probe-pod', { name, namespace: w.namespace });
  pod!.spec.containers[0].resources = { requests: { [identifier]: count }, limits: { [identifier]: count } };
  const created = await world.cluster.apply(pod!);
  world.deleteAfterwards(created);
  const refused = await world.cluster.waitFor(
    { apiVersion: 'v1', kind: 'Pod', name, namespace: w.namespace },
    (p) => {
      if (p?.spec?.nodeName)
        return {
          fail: `pod ${name} asks for ${identifier} without the accelerator profile's tolerations, yet it was scheduled onto ${p.spec.nodeName}`,
        };
      const scheduled = ((p?.status?.conditions ?? []) as KObject[]).find((c) => c.type === 'PodScheduled');
      return scheduled?.status === 'False' && scheduled.reason === 'Unschedulable';
    },
    { describe: `the scheduler to refuse pod ${name} (${identifier} without tolerations)` },
  );
  const message = ((refused?.status?.conditions ?? []) as KObject[]).find((c) => c.type === 'PodScheduled')?.message ?? '';
  // Every tainted accelerator node must have refused it for its taint, not for a lack of free accelerators.
  const untainted = accelerated.filter((n) => !schedulingTaints(n).length).map((n) => n.metadata.name);
  const notNamed = accelerated
    .filter((n) => schedulingTaints(n).length && !schedulingTaints(n).some((t) => message.includes(t.key)))
    .map(
      (n) =>
        `${n.metadata.name} (${schedulingTaints(n)
          .map((t) => t.key)
          .join(', ')})`,
    );
  expect(
    !notNamed.length,
    `the scheduler refused pod ${name}, but not for the taints of the nodes with ${identifier} ${notNamed.join(', ')}${untainted.length ? `; untainted: ${untainted.join(', ')}` : ''}: ${message}`,
  ).to.equal(true);
  world.report.text(`pod without tolerations for ${identifier}`, `Unschedulable: ${message}`);
  return undefined;
}

/** The workbench's environment holds the variables (values of Secrets are compared, never shown). */
export async function assertEnvironment(world: RhoaiWorld): Promise<void> {
  const w = currentWorkbench(world);
  expectOk(w.environment.length, 'the workbench was created without environment variables');
  const nb = await world.cluster.get({ apiVersion: NOTEBOOK_API, kind: 'Notebook', name: w.name, namespace: w.namespace });
  const envFrom = (nb?.spec?.template?.spec?.containers?.[0]?.envFrom ?? []) as KObject[];
  for (const group of w.environment) {
    const ref = group.kind === 'Secret' ? 'secretRef' : 'configMapRef';
    expect(
      envFrom.some((e) => e[ref]?.name === group.name),
      `the workbench does not take its variables from ${group.kind} ${group.name} (envFrom: ${JSON.stringify(envFrom)})`,
    ).to.equal(true);
    const stored = await world.cluster.get({ apiVersion: 'v1', kind: group.kind, name: group.name, namespace: w.namespace });
    expect(stored?.metadata.labels?.[DASHBOARD_LABEL], `${group.kind} ${group.name} is not labelled as the dashboard's`).to.equal('true');
    for (const [key, value] of Object.entries(group.values)) {
      const r = await execInWorkbench(world, ['printenv', key]);
      expect(r.exitCode, `the workbench has no variable ${key} (printenv exited ${r.exitCode})`).to.equal(0);
      const found = r.stdout.replace(/\n$/, '');
      // A value the pod took from a Secret is a secret even when it is not the Secret's value any more.
      if (group.kind === 'Secret') world.secret(found, 'workbench environment variable from a Secret');
      if (group.kind === 'Secret') {
        expect(
          found === value,
          `the workbench's ${key} is not the value set in Secret ${group.name} (values of Secrets are not shown): the pod started before the Secret changed, or took it from elsewhere`,
        ).to.equal(true);
      } else {
        expect(found, `the workbench's ${key} is not the value set in ${group.kind} ${group.name}`).to.equal(value);
      }
    }
  }
}

/** The workbench takes the data connection's variables (envFrom), and they hold its values. */
export async function assertDataConnectionInWorkbench(world: RhoaiWorld, displayName: string): Promise<void> {
  const w = currentWorkbench(world);
  const secretName = dataConnectionSecretName(displayName);
  const nb = await world.cluster.get({ apiVersion: NOTEBOOK_API, kind: 'Notebook', name: w.name, namespace: w.namespace });
  const envFrom = (nb?.spec?.template?.spec?.containers?.[0]?.envFrom ?? []) as KObject[];
  expect(
    envFrom.some((e) => e.secretRef?.name === secretName),
    `workbench ${w.name} does not use the data connection "${displayName}" (envFrom: ${JSON.stringify(envFrom)})`,
  ).to.equal(true);
  const secret = await world.cluster.get({ apiVersion: 'v1', kind: 'Secret', name: secretName, namespace: w.namespace });
  expectOk(secret, `the data connection Secret ${secretName} is gone`);
  for (const key of ['AWS_S3_ENDPOINT', 'AWS_S3_BUCKET', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
    const expected = Buffer.from(String(secret.data?.[key] ?? ''), 'base64').toString('utf8');
    if (key === 'AWS_SECRET_ACCESS_KEY') world.secret(expected, 'S3 secret key');
    const r = await execInWorkbench(world, ['printenv', key]);
    expect(r.exitCode, `the workbench has no ${key} from the data connection "${displayName}"`).to.equal(0);
    expect(r.stdout.replace(/\n$/, ''), `the workbench's ${key} differs from the data connection "${displayName}"`).to.equal(expected);
  }
}

/** The workbench's cluster storage: a claim of the size, labelled as the dashboard's, mounted where the dashboard mounts it. */
export async function assertClusterStorage(world: RhoaiWorld, claim: string, size: string, mountPath: string): Promise<void> {
  const w = currentWorkbench(world);
  expect(w.claim, `the workbench's cluster storage is ${w.claim}, not ${claim}`).to.equal(claim);
  const pvc = await world.cluster.get({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: claim, namespace: w.namespace });
  expect(
    pvc?.spec?.resources?.requests?.storage,
    `the claim ${claim} asks for ${pvc?.spec?.resources?.requests?.storage ?? 'nothing (it does not exist)'}, not ${size}`,
  ).to.equal(size);
  expect(pvc?.metadata.labels?.[DASHBOARD_LABEL], `the claim ${claim} is not labelled as the dashboard's`).to.equal('true');
  const nb = await world.cluster.get({ apiVersion: NOTEBOOK_API, kind: 'Notebook', name: w.name, namespace: w.namespace });
  const spec = nb?.spec?.template?.spec;
  const volume = ((spec?.volumes ?? []) as KObject[]).find((v) => v.persistentVolumeClaim?.claimName === claim);
  expectOk(volume, `the workbench does not mount the claim ${claim}`);
  const mounts = (spec.containers[0].volumeMounts ?? []) as KObject[];
  expect(
    mounts.some((m) => m.name === volume.name && m.mountPath === mountPath),
    `the workbench mounts ${claim} at ${
      mounts
        .filter((m) => m.name === volume.name)
        .map((m) => m.mountPath)
        .join(', ') || 'nowhere'
    }, not ${mountPath}`,
  ).to.equal(true);
}

/** Writes a file into the workbench's cluster storage. */
export async function writeWorkbenchFile(world: RhoaiWorld, file: string, content: string): Promise<void> {
  assertSucceeded(
    await execInWorkbench(world, ['sh', '-c', `echo '${content.replace(/'/g, "'\\''")}' > '${file}'`]),
    `writing ${file} in the workbench`,
  );
}

/** The file holds the content (after a stop and start, it comes from the claim). */
export async function assertWorkbenchFile(world: RhoaiWorld, file: string, content: string): Promise<void> {
  const r = await execInWorkbench(world, ['cat', file]);
  expect(r.exitCode, `${file} is gone from the workbench: ${r.stderr.trim()}`).to.equal(0);
  expect(r.stdout, `${file} in the workbench holds ${JSON.stringify(r.stdout)}, not what was written`).to.equal(`${content}\n`);
  const w = currentWorkbench(world);
  const pvc = await world.cluster.get({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: w.claim, namespace: w.namespace });
  expect(pvc?.status?.phase, `the workbench's cluster storage ${w.claim} is ${pvc?.status?.phase ?? 'missing'}, not Bound`).to.equal(
    'Bound',
  );
}

/** The workbench's URL (Route <name>) answers through the OAuth proxy: a visitor is sent to log in. */
export async function assertRouteBehindOAuth(world: RhoaiWorld): Promise<void> {
  const w = currentWorkbench(world);
  const route = await waitForAdmittedRoute(world, w.namespace, w.name);
  expect(
    route.spec?.tls?.termination,
    `the workbench's Route ${w.name} terminates ${route.spec?.tls?.termination}, not reencrypt to the OAuth proxy`,
  ).to.equal('reencrypt');
  const url = `https://${route.spec.host}/notebook/${w.namespace}/${w.name}/api`;
  const target = await world.target();
  const agent = routeHttpsAgent(await routeTrust(world.cluster), target.resolve, { keepAlive: false });
  const answer = await new Promise<{ status: number; location?: string }>((resolve, reject) => {
    https
      .get(url, { agent, headers: { Accept: 'text/html' } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
      })
      .on('error', reject);
  });
  world.report.text(
    'workbench URL',
    `GET ${url} (no credentials)\n→ HTTP ${answer.status}${answer.location ? `\nLocation: ${answer.location.replace(/state=[^&]+/, 'state=…')}` : ''}`,
  );
  expect(answer.status, `the workbench URL ${url} answered HTTP ${answer.status} without credentials, not a redirect to log in`).to.equal(
    302,
  );
  const location = new URL(answer.location ?? 'about:blank');
  expect(location.pathname, `the workbench URL sends a visitor to ${answer.location}, not to the cluster's OAuth server`).to.match(
    /\/oauth\/authorize$/,
  );
  expect(
    location.searchParams.get('client_id'),
    "the OAuth proxy logs in with the workbench's service account as its OAuth client",
  ).to.equal(`system:serviceaccount:${w.namespace}:${w.name}`);
}
