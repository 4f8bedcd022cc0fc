// The twin's DSP 2.0 API server (twin/emulators/pipelines): the IR it accepts and refuses, and its
// answers held to the KFP v2beta1 swagger (../shared/apis/kfp-v2beta1/kfp_api_single_file.swagger.json):
// every field of every answer is a property of the response's definition, of the swagger's type, and
// enums hold the swagger's values.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TwinClient } from '../../../twin/api/client';
import type { KObject } from '../../../twin/api/types';
import { pipelinesApiServerEmulator } from '../../../twin/emulators/pipelines/api-server';
import { PipelineBackend } from '../../../twin/emulators/pipelines/backend';
import { parsePipelineIr } from '../../../twin/emulators/pipelines/ir';
import type { ClusterNetwork } from '../../../twin/network/cluster-network';
import type { ContainerContext } from '../../../twin/emulators/types';

const ROOT = resolve(__dirname, '..', '..', '..');
const IR = readFileSync(resolve(ROOT, 'fixtures', 'pipelines', 'fraud-detection-pipeline.yaml'), 'utf8');
const SWAGGER = resolve(ROOT, '..', 'shared', 'apis', 'kfp-v2beta1', 'kfp_api_single_file.swagger.json');

describe('the IR the twin API server accepts', () => {
  test('the tutorial pipeline compiled by kfp 2.5.0: three tasks in dependency order, its platform spec kept', () => {
    const ir = parsePipelineIr(IR);
    assert.equal(ir.name, '7-get-data-train-upload');
    assert.deepEqual(
      ir.tasks.map((t) => t.name),
      ['get-data', 'train-model', 'upload-model'],
    );
    assert.ok(ir.platform?.platforms?.kubernetes);
  });

  for (const [what, text, message] of [
    ['a Kubernetes object', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n', /not a KFP v2 PipelineSpec/],
    ['no tasks', 'pipelineInfo: {name: p}\nschemaVersion: 2.1.0\nroot: {dag: {tasks: {}}}\n', /root.dag has no tasks/],
    ['a v1 schema', IR.replace('schemaVersion: 2.1.0', 'schemaVersion: 1.0.0'), /schemaVersion/],
    ['an unknown component', IR.replace('name: comp-get-data\n', 'name: comp-nothing\n'), /"comp-nothing", which is not defined/],
    ['a dependency on an unknown task', IR.replace('- get-data\n', '- get-nothing\n'), /depends on get-nothing/],
    [
      'a cycle',
      IR.replace(
        '      get-data:\n        cachingOptions:',
        '      get-data:\n        dependentTasks: [upload-model]\n        cachingOptions:',
      ),
      /cycle/,
    ],
  ] as const) {
    test(`refuses ${what}`, () => assert.throws(() => parsePipelineIr(text), message));
  }
});

type Definition = {
  type?: string;
  format?: string;
  properties?: Record<string, Definition>;
  items?: Definition;
  $ref?: string;
  enum?: string[];
  additionalProperties?: unknown;
};

/** Problems of `value` against the swagger definition `def`. */
function validate(definitions: Record<string, Definition>, def: Definition, value: unknown, at: string): string[] {
  if (def.$ref) return validate(definitions, definitions[def.$ref.replace('#/definitions/', '')]!, value, at);
  if (def.enum) return def.enum.includes(value as string) ? [] : [`${at}: ${JSON.stringify(value)} is not one of ${def.enum.join(', ')}`];
  const type = def.type ?? (def.properties ? 'object' : undefined);
  if (type === 'string') {
    if (typeof value !== 'string') return [`${at}: ${JSON.stringify(value)} is not a string`];
    if (def.format === 'date-time' && Number.isNaN(Date.parse(value))) return [`${at}: ${value} is not a date-time`];
    if (def.format === 'int64' && !/^-?\d+$/.test(value)) return [`${at}: ${value} is not an int64 string`];
    return [];
  }
  if (type === 'integer') return Number.isInteger(value) ? [] : [`${at}: ${JSON.stringify(value)} is not an integer`];
  if (type === 'boolean') return typeof value === 'boolean' ? [] : [`${at}: ${JSON.stringify(value)} is not a boolean`];
  if (type === 'array')
    return Array.isArray(value)
      ? value.flatMap((v, i) => validate(definitions, def.items ?? {}, v, `${at}[${i}]`))
      : [`${at} is not an array`];
  if (type === 'object') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${at} is not an object`];
    if (!def.properties) return [];
    return Object.entries(value).flatMap(([k, v]) =>
      def.properties![k] ? validate(definitions, def.properties![k]!, v, `${at}.${k}`) : [`${at}.${k} is not a property of the definition`],
    );
  }
  return [];
}

describe(
  'the twin API server answers as the swagger says',
  { skip: existsSync(SWAGGER) ? false : `no ${SWAGGER} (a clone without ../shared)` },
  () => {
    let server: http.Server;
    let base: string;
    let definitions: Record<string, Definition>;
    const objects = new Map<string, KObject>();
    let uid = 0;
    const client = {
      create: (o: KObject) => {
        const name = o.metadata.name ?? `${o.metadata.generateName}${++uid}`;
        const obj = { ...o, metadata: { ...o.metadata, name, uid: `uid-${uid}`, creationTimestamp: new Date().toISOString() } };
        objects.set(`${o.kind}/${name}`, obj);
        return obj;
      },
      get: (_a: string, kind: string, name: string) => objects.get(`${kind}/${name}`),
      patchStatus: (_a: string, kind: string, name: string, _ns: string, status: object) => {
        const o = objects.get(`${kind}/${name}`)!;
        o.status = { ...(o.status ?? {}), ...status };
        return o;
      },
      update: (o: KObject) => o,
      delete: () => undefined,
    } as unknown as TwinClient;
    const network = {
      agents: () => ({ http: new http.Agent(), https: new http.Agent() }),
      resolve: () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })),
    } as unknown as ClusterNetwork;
    const backend = new PipelineBackend({
      namespace: 'p',
      client,
      network,
      faults: { has: () => false },
      now: () => new Date(),
      log: () => {},
    });
    backend.objectStoreConfig = {
      endpoint: 'http://minio.p.svc.cluster.local:9000',
      bucket: 'pipeline-artifacts',
      region: 'us-east-1',
      accessKeyId: 'a',
      secretAccessKey: 'b',
      ca: [],
    };

    before(async () => {
      definitions = JSON.parse(readFileSync(SWAGGER, 'utf8')).definitions;
      const container = pipelinesApiServerEmulator({ backendFor: () => backend }).start({
        pod: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ds-pipeline-dspa-1', namespace: 'p', labels: { dspa: 'dspa' } } },
        container: { apiVersion: 'v1', kind: 'Container', metadata: {} },
        argv: [],
        env: { POD_NAMESPACE: 'p' },
        log: () => {},
        appsDomain: 'apps.twin.local',
      } as unknown as ContainerContext);
      server = http.createServer(container.ports.find((p) => p.port === 8888)!.handler);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));

    async function call(method: string, path: string, body?: unknown, multipart?: string): Promise<{ status: number; json: unknown }> {
      const headers: Record<string, string> = {};
      let payload: string | undefined;
      if (multipart !== undefined) {
        headers['Content-Type'] = 'multipart/form-data; boundary=XYZ';
        payload = `--XYZ\r\nContent-Disposition: form-data; name="uploadfile"; filename="uploadedFile.yml"\r\n\r\n${multipart}\r\n--XYZ--\r\n`;
      } else if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
        payload = JSON.stringify(body);
      }
      const res = await fetch(`${base}${path}`, { method, headers, body: payload });
      return { status: res.status, json: await res.json() };
    }

    function holds(definition: string, value: unknown): void {
      assert.deepEqual(validate(definitions, { $ref: `#/definitions/${definition}` }, value, definition), []);
    }

    test('pipelines, versions, experiments, runs and recurring runs, and errors', async () => {
      const p = await call('POST', '/apis/v2beta1/pipelines/upload?name=fraud', undefined, IR);
      assert.equal(p.status, 200, JSON.stringify(p.json));
      holds('v2beta1Pipeline', p.json);
      const pid = (p.json as { pipeline_id: string }).pipeline_id;
      const v2 = await call('POST', `/apis/v2beta1/pipelines/upload_version?name=v2&pipelineid=${pid}`, undefined, IR);
      holds('v2beta1PipelineVersion', v2.json);
      const versions = await call('GET', `/apis/v2beta1/pipelines/${pid}/versions`);
      holds('v2beta1ListPipelineVersionsResponse', versions.json);
      const vid = (versions.json as { pipeline_versions: { pipeline_version_id: string }[] }).pipeline_versions[0]!.pipeline_version_id;
      holds('v2beta1PipelineVersion', (await call('GET', `/apis/v2beta1/pipelines/${pid}/versions/${vid}`)).json);
      holds('v2beta1ListPipelinesResponse', (await call('GET', '/apis/v2beta1/pipelines')).json);
      const e = await call('POST', '/apis/v2beta1/experiments', { display_name: 'x' });
      holds('v2beta1Experiment', e.json);
      holds('v2beta1ListExperimentsResponse', (await call('GET', '/apis/v2beta1/experiments')).json);
      const ref = { pipeline_id: pid, pipeline_version_id: vid };
      const run = await call('POST', '/apis/v2beta1/runs', {
        display_name: 'r',
        pipeline_version_reference: ref,
        experiment_id: (e.json as { experiment_id: string }).experiment_id,
      });
      assert.equal(run.status, 200, JSON.stringify(run.json));
      holds('v2beta1Run', run.json);
      const runId = (run.json as { run_id: string }).run_id;
      holds('v2beta1Run', (await call('GET', `/apis/v2beta1/runs/${runId}`)).json);
      holds('v2beta1ListRunsResponse', (await call('GET', '/apis/v2beta1/runs')).json);
      const rr = await call('POST', '/apis/v2beta1/recurringruns', {
        display_name: 'nightly',
        pipeline_version_reference: ref,
        trigger: { cron_schedule: { cron: '0 0 0 * * *' } },
        max_concurrency: '10',
        mode: 'ENABLE',
        no_catchup: false,
      });
      assert.equal(rr.status, 200, JSON.stringify(rr.json));
      holds('v2beta1RecurringRun', rr.json);
      holds('v2beta1ListRecurringRunsResponse', (await call('GET', '/apis/v2beta1/recurringruns')).json);
      const refused = await call('POST', '/apis/v2beta1/pipelines/upload?name=bad', undefined, 'apiVersion: v1\nkind: ConfigMap\n');
      assert.equal(refused.status, 400);
      holds('googlerpcStatus', refused.json);
      const missing = await call('GET', '/apis/v2beta1/runs/nope');
      assert.equal(missing.status, 404);
      holds('googlerpcStatus', missing.json);
      const badCron = await call('POST', '/apis/v2beta1/recurringruns', {
        display_name: 'b',
        pipeline_version_reference: ref,
        trigger: { cron_schedule: { cron: '* * *' } },
      });
      assert.equal(badCron.status, 400);
    });
  },
);
