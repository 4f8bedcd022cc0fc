// TUT-DW-01/03 and CMP-10: a Ray job run with the CodeFlare SDK 0.16 from a workbench, as RHOAI 2.9
// "Running distributed data science workloads from notebooks" has a user do it (codeflare-sdk v0.16.0
// demo-notebooks/guided-demos/2_job_client.ipynb): log in with a token, cluster up, wait ready,
// submit a job, follow its logs, read its status and result, cluster down. The notebook
// (fixtures/distributed-workloads/codeflare-sdk-notebook.yaml) runs in the tutorial's Jupyter
// workbench with `jupyter nbconvert --to notebook --execute` (pod exec, like the fraud-detection
// cells); the same calls as a Python file run with `python` in a code-server (VS Code) workbench.
// While it runs the harness watches Kueue admit the notebook's RayCluster through the project's
// local queue; every job status checked is what the notebook printed from the Ray API.
import { expect } from 'chai';
import * as fs from 'node:fs';
import type { KObject } from '../core/cluster';
import { fixturePath, renderTemplate } from '../core/fixtures';
import { ensureTutorialWorkbench, tutorialWorkbenchRequest } from '../tutorial/fraud-detection';
import { execInWorkbench } from '../tutorial/workbench-checks';
import { createWorkbench, currentWorkbench, waitForWorkbenchRunning, type WorkbenchFacts } from '../tutorial/workbenches';
import type { RhoaiWorld } from '../core/world';
import { createLocalQueue, ensureQuotaManagement, KUEUE_API, localQueueRef } from './kueue';
import { podTrouble, RAY_API, RAY_IMAGE, rayClusterRef, rayPods, workloadDecision, workloadOf } from './ray';
import { SQUARES_ANSWER, SQUARES_ENTRYPOINT } from './ray-scenarios';

const SDK_USER = 'codeflare-sdk-user';
const NOTEBOOK = 'ray-job-codeflare-sdk.ipynb';
const SCRIPT = 'ray_job.py';

declare module '../core/world' {
  interface ScenarioFacts {
    /** What a CodeFlare SDK run in a workbench printed, and what the harness saw of its RayCluster. */
    sdkRun?: {
      where: string;
      cluster: string;
      namespace: string;
      output: string;
      exitCode: number;
      stderr: string;
      admission?: string;
    };
  }
}

/** An SDK run may wait for its cluster (RHOAI_WAIT_TIMEOUT), then run the job and take the cluster down. */
const runBudgetMs = (world: RhoaiWorld) => world.settings.waitTimeoutSeconds * 3 * 1000;

/** The project's default LocalQueue, backed by the install's cluster queue (the SDK, given no local_queue, needs it). */
export async function ensureProjectLocalQueue(world: RhoaiWorld, namespace: string): Promise<void> {
  const { clusterQueue } = await ensureQuotaManagement(world);
  if (!(await world.cluster.get(localQueueRef(world.settings.localQueueName, namespace))))
    await createLocalQueue(world, namespace, clusterQueue);
}

/** A token the SDK logs in with: a service account of the project with the rights the SDK uses (a TokenRequest, 10 minutes). */
export async function sdkUserToken(world: RhoaiWorld, namespace: string): Promise<string> {
  for (const f of ['sdk-user-service-account', 'sdk-user-role', 'sdk-user-role-binding'])
    await world.applyFixture(`distributed-workloads/${f}`, { name: SDK_USER, namespace });
  const answer = await world.cluster.request<{ status?: { token?: string } }>({
    method: 'POST',
    path: `/api/v1/namespaces/${namespace}/serviceaccounts/${SDK_USER}/token`,
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } },
  });
  const token = answer.status?.token;
  expect(token, `the TokenRequest for ${namespace}/${SDK_USER} returned no token`).to.be.a('string');
  return world.secret(token!, 'CodeFlare SDK token');
}

async function fixtureVariables(world: RhoaiWorld, namespace: string, cluster: string): Promise<Record<string, string>> {
  const server = (await world.target()).kubeConfig.getCurrentCluster()?.server;
  expect(server, 'the harness kubeconfig names no API server').to.be.a('string');
  return {
    token: await sdkUserToken(world, namespace),
    server: server!,
    name: cluster,
    namespace,
    image: RAY_IMAGE,
    entrypoint: JSON.stringify(SQUARES_ENTRYPOINT),
    // cluster.wait_ready(timeout=...) gets the harness's own wait budget (RHOAI_WAIT_TIMEOUT).
    waitTimeout: String(world.settings.waitTimeoutSeconds),
  };
}

export function render(name: string, vars: Record<string, string>): Record<string, unknown> {
  const file = fixturePath(name);
  return renderTemplate(fs.readFileSync(file, 'utf8'), vars, file)[0] as Record<string, unknown>;
}

async function writeFile(world: RhoaiWorld, file: string, content: string): Promise<void> {
  const r = await execInWorkbench(world, ['sh', '-c', `cat > '${file}'`], { stdin: content });
  expect(r.exitCode, `writing ${file} in the workbench: ${r.stderr.trim()}`).to.equal(0);
}

/**
 * Watches, while `run` runs, for Kueue to admit the Workload of RayCluster `cluster` (created by the
 * SDK in the workbench): resolves with the admission in words, or with why it was not seen.
 */
export async function whileWatchingAdmission<T>(
  world: RhoaiWorld,
  cluster: string,
  namespace: string,
  run: () => Promise<T>,
): Promise<{ result: T; admission?: string }> {
  let admission: string | undefined;
  const stop = new AbortController();
  const watched = world.cluster
    .waitForList(
      { apiVersion: KUEUE_API, kind: 'Workload', namespace },
      (wls) => {
        const wl = wls.find((w) =>
          (w.metadata.ownerReferences ?? []).some((r) => r.kind === 'RayCluster' && r.name === cluster && r.apiVersion === RAY_API),
        );
        const admitted = (wl?.status?.conditions ?? []).find((c: KObject) => c.type === 'Admitted')?.status === 'True';
        if (admitted)
          admission = `Workload ${wl!.metadata.name}: ${workloadDecision(wl)}, ClusterQueue ${wl!.status?.admission?.clusterQueue}, queue ${wl!.spec?.queueName}`;
        return admitted;
      },
      { describe: `Kueue to admit the Workload of RayCluster ${namespace}/${cluster}`, signal: stop.signal },
    )
    .catch(() => undefined);
  try {
    const result = await run();
    return { result, admission };
  } finally {
    stop.abort();
    await watched;
  }
}

/** The outputs of the executed notebook (nbconvert writes <name>.nbconvert.ipynb), cell by cell. */
function notebookOutput(executed: string): string {
  const cells = (JSON.parse(executed) as { cells: { cell_type: string; execution_count?: number; outputs?: KObject[] }[] }).cells;
  const text = (t: string | string[] | undefined) => (Array.isArray(t) ? t.join('') : (t ?? ''));
  return cells
    .filter((c) => c.cell_type === 'code')
    .map(
      (c) =>
        `In [${c.execution_count ?? ' '}]:\n${(c.outputs ?? [])
          .map((o) =>
            o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : text(o.text) || text(o.data?.['text/plain'] as string | string[]),
          )
          .join('')
          .trimEnd()}`,
    )
    .join('\n\n');
}

/** TUT-DW-01/03: the tutorial's notebook in the tutorial's workbench, run as nbconvert runs it. */
export async function runSdkNotebook(world: RhoaiWorld, cluster: string): Promise<void> {
  await ensureTutorialWorkbench(world);
  const w = currentWorkbench(world);
  await ensureProjectLocalQueue(world, w.namespace);
  world.onCleanup(`delete RayCluster ${w.namespace}/${cluster}`, () => world.cluster.delete(rayClusterRef(cluster, w.namespace)));
  const vars = await fixtureVariables(world, w.namespace, cluster);
  const cells = (render('distributed-workloads/codeflare-sdk-notebook', vars).cells as string[]).map((source) => ({
    cell_type: 'code',
    execution_count: null,
    metadata: {},
    outputs: [],
    source,
  }));
  const notebook = {
    cells,
    metadata: { kernelspec: { display_name: 'Python 3.9', language: 'python', name: 'python3' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  await writeFile(world, NOTEBOOK, `${JSON.stringify(notebook, null, 1)}\n`);
  const { result, admission } = await whileWatchingAdmission(world, cluster, w.namespace, () =>
    execInWorkbench(world, ['jupyter', 'nbconvert', '--to', 'notebook', '--execute', NOTEBOOK], {
      timeoutMs: runBudgetMs(world),
    }),
  );
  const executed = await execInWorkbench(world, ['cat', NOTEBOOK.replace(/\.ipynb$/, '.nbconvert.ipynb')]);
  const output = executed.exitCode === 0 ? notebookOutput(executed.stdout) : '';
  world.facts.sdkRun = {
    where: `notebook ${NOTEBOOK} in workbench ${w.name}`,
    cluster,
    namespace: w.namespace,
    output,
    exitCode: result.exitCode,
    stderr: result.stderr,
    admission,
  };
  world.report.text(`outputs of ${NOTEBOOK}`, output || result.stderr);
}

/** CMP-10: a code-server (VS Code) workbench in the tutorial's project, running. */
export async function ensureCodeServerWorkbench(world: RhoaiWorld): Promise<WorkbenchFacts> {
  await ensureTutorialWorkbench(world);
  const tutorial = currentWorkbench(world);
  await createWorkbench(world, {
    ...tutorialWorkbenchRequest(world),
    displayName: 'ray-vscode',
    image: 'code-server',
    dataConnection: undefined,
  });
  await waitForWorkbenchRunning(world);
  const w = currentWorkbench(world);
  expect(w.namespace, 'the code-server workbench is in the tutorial project').to.equal(tutorial.namespace);
  return w;
}

/** CMP-10: the same job as a Python file, run with `python` in the code-server workbench's terminal (after `pip install codeflare-sdk`). */
export async function runSdkFileFromCodeServer(world: RhoaiWorld, cluster: string): Promise<void> {
  const w = await ensureCodeServerWorkbench(world);
  await ensureProjectLocalQueue(world, w.namespace);
  world.onCleanup(`delete RayCluster ${w.namespace}/${cluster}`, () => world.cluster.delete(rayClusterRef(cluster, w.namespace)));
  const pip = await execInWorkbench(world, ['pip', 'install', 'codeflare-sdk==0.16.0']);
  expect(
    pip.exitCode,
    `pip install codeflare-sdk==0.16.0 in the code-server workbench failed:\n${pip.stderr.trim() || pip.stdout.trim()}`,
  ).to.equal(0);
  const vars = await fixtureVariables(world, w.namespace, cluster);
  await writeFile(world, SCRIPT, String(render('distributed-workloads/codeflare-sdk-script', vars).script));
  const { result, admission } = await whileWatchingAdmission(world, cluster, w.namespace, () =>
    execInWorkbench(world, ['python', SCRIPT], { timeoutMs: runBudgetMs(world) }),
  );
  world.facts.sdkRun = {
    where: `python ${SCRIPT} in code-server workbench ${w.name}`,
    cluster,
    namespace: w.namespace,
    output: result.stdout,
    exitCode: result.exitCode,
    stderr: result.stderr,
    admission,
  };
  world.report.text(`python ${SCRIPT} in ${w.name}`, `${result.stdout}\n${result.stderr}`.trim());
}

/**
 * What the run printed from the Ray API: the job SUCCEEDED with the answer only a real run gives;
 * Kueue admitted its RayCluster through the project's local queue while it ran; cluster.down()
 * deleted it.
 */
export async function assertSdkJobSucceeded(world: RhoaiWorld): Promise<void> {
  const run = world.facts.sdkRun;
  expect(run, 'no CodeFlare SDK run in this scenario').to.not.equal(undefined);
  const tail = (s: string) => s.trim().split('\n').slice(-30).join('\n');
  if (run!.exitCode !== 0) {
    const why = await diagnoseSdkRun(world, run!.cluster, run!.namespace, run!.where);
    expect.fail(`the CodeFlare SDK run (${run!.where}) failed: ${why}\n${tail(run!.output)}\n${tail(run!.stderr)}`);
  }
  expect(run!.output, `the ${run!.where} never printed the job's status`).to.match(/job status: \w+/);
  const status = /job status: (\w+)/.exec(run!.output)![1];
  expect(status, `the Ray API says the job of the ${run!.where} is ${status}, not SUCCEEDED:\n${tail(run!.output)}`).to.equal('SUCCEEDED');
  expect(run!.output, `the ${run!.where} did not show the job's result "${SQUARES_ANSWER}" in its logs`).to.include(SQUARES_ANSWER);
  expect(
    run!.admission,
    `the harness never saw Kueue admit the Workload of RayCluster ${run!.namespace}/${run!.cluster} while the ${run!.where} ran`,
  ).to.be.a('string');
  expect(run!.admission, 'the RayCluster went through the project local queue').to.include(`queue ${world.settings.localQueueName}`);
  await world.cluster.waitForDeletion(rayClusterRef(run!.cluster, run!.namespace));
  world.report.text(
    'Ray cluster of the CodeFlare SDK run',
    `${run!.admission}\nRayCluster ${run!.namespace}/${run!.cluster}: deleted by cluster.down()`,
  );
}

/**
 * Why an SDK run that failed did not get its job done, read from the cluster: no RayCluster (the
 * SDK's cluster.up() made none), a Workload Kueue did not admit, a head pod that cannot run, no
 * dashboard Route from the CodeFlare operator; else the SDK's own words are all there is.
 */
export async function diagnoseSdkRun(world: RhoaiWorld, cluster: string, namespace: string, where: string): Promise<string> {
  const rc = await world.cluster.get(rayClusterRef(cluster, namespace));
  if (!rc)
    return `the ${where}'s cluster.up() created no RayCluster ${namespace}/${cluster} (what it made instead, if anything, is in the SDK's output below)`;
  const wl = await workloadOf(world, 'RayCluster', cluster, namespace).catch(() => undefined);
  if (!wl)
    return `Kueue made no Workload for RayCluster ${namespace}/${cluster} (its queue label: ${rc.metadata.labels?.['kueue.x-k8s.io/queue-name'] ?? 'none'})`;
  const admitted = (wl.status?.conditions ?? []).some((c: KObject) => c.type === 'Admitted' && c.status === 'True');
  if (!admitted) return `Kueue did not admit RayCluster ${namespace}/${cluster}: Workload ${wl.metadata.name} ${workloadDecision(wl)}`;
  const head = (await rayPods(world, cluster, namespace)).find((p) => p.metadata.labels?.['ray.io/node-type'] === 'head');
  const trouble = head ? podTrouble(head) : 'no head pod';
  if (trouble) return `the Ray head of RayCluster ${namespace}/${cluster} cannot run: ${trouble}`;
  const route = await world.cluster.get({
    apiVersion: 'route.openshift.io/v1',
    kind: 'Route',
    name: `ray-dashboard-${cluster}`,
    namespace,
  });
  if (!route)
    return `the CodeFlare operator made no Route ray-dashboard-${cluster} for RayCluster ${namespace}/${cluster} (the SDK finds the dashboard through it)`;
  return `RayCluster ${namespace}/${cluster} is ${rc.status?.state ?? 'without a state'}, admitted (${workloadDecision(wl)}), its dashboard at https://${route.spec?.host}`;
}
