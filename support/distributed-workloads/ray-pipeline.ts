// TUT-DW-04, "run a distributed workload from a pipeline" (RHOAI 2.9 "Running distributed data
// science workloads from data science pipelines"): a KFP pipeline whose one component uses the
// CodeFlare SDK 0.16 to bring a Ray cluster up, run a job, read its status and result from the Ray
// API and take the cluster down (fixtures/distributed-workloads/ray-pipeline.yaml), imported to the
// tutorial's pipeline server and run once. The component logs in with a token from a Secret (the DSP
// 2.0 pipeline-runner service account may not list Routes or LocalQueues, which the SDK reads). The
// run's end is watched on its Argo Workflow; while it runs the harness watches Kueue admit the
// component's RayCluster through the project's local queue. The job's status is judged by the
// component, from the Ray API: the task fails unless the job SUCCEEDED with its answer.
import { expect } from 'chai';
import * as yaml from 'js-yaml';
import { ensureTutorialPipelineServer, waitForRunEnd, withKfp } from '../pipelines';
import { KfpApiError } from '../pipelines/kfp-client';
import type { Run } from '../pipelines/kfp-types';
import type { RhoaiWorld } from '../core/world';
import { RAY_IMAGE, rayClusterRef } from './ray';
import { SQUARES_ANSWER, SQUARES_ENTRYPOINT } from './ray-scenarios';
import { diagnoseSdkRun, ensureProjectLocalQueue, sdkUserToken, whileWatchingAdmission } from './sdk-notebook';
import { fixturePath, renderTemplate } from '../core/fixtures';
import * as fs from 'node:fs';

const PIPELINE = 'ray-distributed-workload';
const LOGIN_SECRET = 'codeflare-sdk-user-login';
const RUN_LABEL = 'ray-pipeline';

declare module '../core/world' {
  interface ScenarioFacts {
    /** The pipeline run of TUT-DW-04 and what the harness saw of its RayCluster. */
    rayPipelineRun?: { run: Run; cluster: string; namespace: string; admission?: string };
  }
}

/** Imports the Ray pipeline (once) and runs it; waits for the run's end. */
export async function runRayPipeline(world: RhoaiWorld, cluster: string): Promise<void> {
  await ensureTutorialPipelineServer(world);
  const namespace = world.settings.tutorialProject;
  await ensureProjectLocalQueue(world, namespace);
  world.onCleanup(`delete RayCluster ${namespace}/${cluster}`, () => world.cluster.delete(rayClusterRef(cluster, namespace)));
  const server = (await world.target()).kubeConfig.getCurrentCluster()?.server;
  expect(server, 'the harness kubeconfig names no API server').to.be.a('string');
  const token = await sdkUserToken(world, namespace);
  await world.applyFixture('distributed-workloads/sdk-token-secret', { name: LOGIN_SECRET, namespace, token });
  const file = fixturePath('distributed-workloads/ray-pipeline');
  const docs = renderTemplate(
    fs.readFileSync(file, 'utf8'),
    {
      name: cluster,
      namespace,
      image: RAY_IMAGE,
      entrypoint: JSON.stringify(SQUARES_ENTRYPOINT),
      answer: SQUARES_ANSWER,
      secret: LOGIN_SECRET,
      server: server!,
      // Half the harness's wait budget: the run's end is awaited within the whole of it.
      waitTimeout: String(Math.max(5, Math.floor(world.settings.waitTimeoutSeconds / 2))),
    },
    file,
  );
  const text = docs.map((d) => yaml.dump(d, { lineWidth: -1 })).join('---\n');
  const { result: run, admission } = await whileWatchingAdmission(world, cluster, namespace, async () => {
    const created = await withKfp(world, `run ${PIPELINE}`, async (kfp) => {
      let pipelineId: string;
      try {
        pipelineId = (await kfp.pipelineByName(PIPELINE)).pipeline_id;
      } catch (e) {
        if (!(e instanceof KfpApiError && e.status === 404)) throw e;
        pipelineId = (await kfp.uploadPipeline(PIPELINE, 'A Ray cluster, a job and its teardown from a pipeline (CodeFlare SDK)', text))
          .pipeline_id;
      }
      const versions = (await kfp.listPipelineVersions(pipelineId)).pipeline_versions ?? [];
      expect(versions.length, `the pipeline ${PIPELINE} has no version`).to.be.greaterThan(0);
      return kfp.createRun({
        display_name: `${RUN_LABEL}-${Date.now().toString(36)}`,
        pipeline_version_reference: { pipeline_id: pipelineId, pipeline_version_id: versions[0]!.pipeline_version_id },
      });
    });
    world.facts.runs = { ...(world.facts.runs ?? {}), [RUN_LABEL]: created };
    return waitForRunEnd(world, RUN_LABEL);
  });
  world.facts.rayPipelineRun = { run, cluster, namespace, admission };
}

/** The run SUCCEEDED (its task judged the Ray job SUCCEEDED with its answer), Kueue admitted its cluster, and the task took it down. */
export async function assertRayPipelineSucceeded(world: RhoaiWorld): Promise<void> {
  const r = world.facts.rayPipelineRun;
  expect(r, 'no Ray pipeline run in this scenario').to.not.equal(undefined);
  const tasks = (r!.run.run_details?.task_details ?? []).map(
    (t) => `task ${t.display_name} ${t.state}${t.error?.message ? `: ${t.error.message}` : ''}`,
  );
  world.report.text(`run ${r!.run.display_name}`, `state ${r!.run.state}\n${tasks.join('\n')}`);
  if (r!.run.state !== 'SUCCEEDED') {
    const errors = (r!.run.run_details?.task_details ?? []).map((t) => t.error?.message ?? '').join('\n');
    const why = /No matching distribution found for codeflare-sdk|No module named 'codeflare_sdk'/.test(errors)
      ? 'its task could not install the CodeFlare SDK its component asks for (packages_to_install codeflare-sdk: the package index the pipeline pods reach does not have it)'
      : await diagnoseSdkRun(world, r!.cluster, r!.namespace, `pipeline run ${r!.run.display_name}`);
    expect.fail(`the pipeline run ${r!.run.display_name} ended ${r!.run.state}, not SUCCEEDED: ${why}\n${tasks.join('\n')}`);
  }
  expect(
    r!.admission,
    `the harness never saw Kueue admit the Workload of RayCluster ${r!.namespace}/${r!.cluster} while the pipeline ran`,
  ).to.be.a('string');
  expect(r!.admission, 'the RayCluster went through the project local queue').to.include(`queue ${world.settings.localQueueName}`);
  await world.cluster.waitForDeletion(rayClusterRef(r!.cluster, r!.namespace));
  world.report.text(
    'Ray cluster of the pipeline run',
    `${r!.admission}\nRayCluster ${r!.namespace}/${r!.cluster}: deleted by the task's cluster.down()`,
  );
}
