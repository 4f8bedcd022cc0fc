// OpenVINO Model Server (quay.io/modh/openvino_model_server, OVMS 2024.1) as RHOAI 2.9 runs it:
// - for KServe (`--model_name=<isvc> --model_path=/mnt/models --rest_port=8888 ...`): at start it
//   loads the model below the model path — version directories (1, 2, ...; the highest is served)
//   holding one .onnx file — and exits with an error when there is none or it is not an ONNX
//   ModelProto, so the predictor crash-loops and KServe reports the model FailedToLoad;
// - for ModelMesh (`--config_path=/models/model_config_list.json`): it starts empty and the runtime
//   adapter beside it loads models as ModelMesh places them.
// It answers the KServe v2 / Open Inference Protocol REST API on the REST port: GET /v2, /v2/health/
// live|ready, /v2/models/<name>[/versions/<v>], .../ready, and POST .../infer. The model runs in ONNX
// Runtime (onnxruntime-node), so an inference answers what a real runtime computes from the stored
// file (FP32 dense_input [-1,5] → dense_3 [-1,1] for the fraud model). ONNX Runtime loads
// asynchronously: a file that decodes as a ModelProto (onnx-proto) but that the runtime refuses
// leaves the model UNAVAILABLE (its ready and infer answer 503 with the runtime's error) where
// OVMS's single-model mode would exit; the twin's kubelet decides a crash when the container starts.
// Errors come as {"error": "..."} with OVMS's status codes; the texts are modelled on OVMS's
// messages (not copied from its source).
import * as fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';
import type { FaultDefinition } from '../fault-definition';
import type { FaultSet } from '../fault-set';
import { onnx } from 'onnx-proto';
import { OnnxSession, ortType, v2TensorMetadata, type OnnxTensor, type TensorInfo } from './ml/index';
import type { ServingPods } from './serving-pods';
import { ContainerExit, imageBaseName, type ImageEmulator } from './types';
import type { PodFilesystem } from './volumes';
import { readBody as readRequestBody } from '../request-body';

export const OVMS_CONSTANT_FAULT = 'model-server-constant-output';

export const OPENVINO_FAULTS: FaultDefinition[] = [
  {
    name: OVMS_CONSTANT_FAULT,
    description:
      'OpenVINO Model Server answers every inference with the same probability, 0.5, whatever the input (as a model whose last layer lost its weights): the answers keep the v2 format, but a fraudulent and a legitimate transaction land on the same side of 0.95',
    caughtBy: '@req.TUT-FD-08 or @req.CMP-08 or @req.TUT-FD-05 or @req.TUT-FD-06',
    expectMessage: 'same side of 0.95',
  },
];
export const OVMS_VERSION = '2024.1.c3152d32';

/** A model the server has loaded. */
export interface LoadedModel {
  name: string;
  version: number;
  session: OnnxSession;
  /** The .onnx file it came from (container path). */
  file: string;
}

/** A model file found below a model path, decoded as a ModelProto, not yet loaded. */
export interface ModelFile {
  name: string;
  version: number;
  /** Container path. */
  file: string;
  bytes: Buffer;
}

/** Why a model could not be loaded (the message says what the server found). */
export class ModelLoadError extends Error {}

export class OvmsServer {
  readonly models = new Map<string, LoadedModel>();

  constructor(
    private readonly faults: FaultSet,
    private readonly log: (line: string) => void,
    /** The server container's files (models are read through its mounts). */
    private readonly fsys: PodFilesystem,
  ) {}

  /** Models being loaded into ONNX Runtime, by name. */
  readonly loading = new Map<string, Promise<LoadedModel>>();

  /**
   * Finds `<base>/<version>/*.onnx` (the highest version), or `<base>/*.onnx` as version 1, and checks
   * that it decodes as an ONNX ModelProto with a graph; throws a ModelLoadError saying what it found.
   */
  locate(name: string, base: string): ModelFile {
    const fsys = this.fsys;
    const host = fsys.hostPath(base);
    if (!fs.existsSync(host) || !fs.statSync(host).isDirectory())
      throw new ModelLoadError(`Model path: ${base} does not exist or is not a directory`);
    const entries = fs.readdirSync(host);
    const versions = entries
      .filter((e) => /^[1-9]\d*$/.test(e) && fs.statSync(path.join(host, e)).isDirectory())
      .map(Number)
      .sort((a, b) => b - a);
    let version = 1;
    let dir = base;
    if (versions.length) {
      version = versions[0];
      dir = path.posix.join(base, String(version));
    } else if (!entries.some((e) => e.endsWith('.onnx'))) {
      throw new ModelLoadError(
        `No version found for model in path: ${base} (expected a version directory such as ${base}/1 holding the model file)`,
      );
    }
    const files = fs
      .readdirSync(fsys.hostPath(dir))
      .filter((f) => f.endsWith('.onnx'))
      .sort();
    if (!files.length)
      throw new ModelLoadError(
        `Could not find file for model: ${name} version: ${version} in path: ${dir} (no .onnx, .xml/.bin or saved_model.pb)`,
      );
    const file = path.posix.join(dir, files[0]);
    const bytes = fs.readFileSync(fsys.hostPath(file));
    const cannot = (why: string) =>
      new ModelLoadError(
        `Error occurred while loading model: ${name} version: ${version}; error: Cannot create model from ${file}: ${why}`,
      );
    let proto: onnx.ModelProto;
    try {
      proto = onnx.ModelProto.decode(bytes);
    } catch (err) {
      throw cannot(`not an ONNX ModelProto (${(err as Error).message})`);
    }
    if (!proto.graph?.node?.length) throw cannot('the ModelProto has no graph');
    return { name, version, file, bytes };
  }

  /** Loads a located model file into ONNX Runtime; rejects with a ModelLoadError carrying the runtime's message. */
  open(found: ModelFile): Promise<LoadedModel> {
    const { name, version, file } = found;
    const loading = OnnxSession.fromBytes(found.bytes).then(
      (session) => {
        const model = { name, version, session, file };
        if (this.loading.get(name) !== loading) {
          void session.release(); // unloaded (or replaced) while loading
          return model;
        }
        this.models.set(name, model);
        this.loading.delete(name);
        this.log(
          `[modelmanager] Loaded model ${name}; version: ${version}; from ${file}; inputs: ${session.inputs.map(describe).join(', ')}; outputs: ${session.outputs.map(describe).join(', ')}`,
        );
        return model;
      },
      (err: Error) => {
        const message = `Error occurred while loading model: ${name} version: ${version}; error: Cannot create model from ${file}: ${err.message}`;
        this.log(`[error] ${message}`);
        throw new ModelLoadError(message);
      },
    );
    this.models.delete(name);
    this.loading.set(name, loading);
    loading.catch(() => undefined); // a failed load is reported to whoever asks for the model
    return loading;
  }

  /** Locates and loads a model (what the ModelMesh adapter asks for); rejects with a ModelLoadError. */
  async load(name: string, base: string): Promise<LoadedModel> {
    return this.open(this.locate(name, base));
  }

  /** The loaded model of that name, waiting for one being loaded; a string says why there is none. */
  private async find(name: string): Promise<LoadedModel | string> {
    const loaded = this.models.get(name);
    if (loaded) return loaded;
    const loading = this.loading.get(name);
    if (!loading) return 'Model with requested name is not found';
    return loading.catch((err: Error) => `Model with requested name is not available: ${err.message}`);
  }

  /** The container stops: every model's runtime session is released (ONNX Runtime holds native memory and threads). */
  close(): void {
    for (const name of [...this.models.keys(), ...this.loading.keys()]) this.unload(name);
  }

  unload(name: string): void {
    const model = this.models.get(name);
    this.loading.delete(name);
    if (!this.models.delete(name)) return;
    void model?.session.release();
    this.log(`[modelmanager] Unloaded model ${name}`);
  }

  /** The v2 REST API. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = (req.url ?? '/').split('?')[0].replace(/\/+$/, '') || '/';
    if (req.method === 'GET' && (url === '/v2' || url === '/'))
      return json(res, 200, { name: 'OpenVINO Model Server', version: OVMS_VERSION, extensions: [] });
    if (req.method === 'GET' && url === '/v2/health/live') return empty(res, 200);
    if (req.method === 'GET' && url === '/v2/health/ready') return empty(res, this.models.size && !this.loading.size ? 200 : 503);
    const m = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/.exec(url);
    if (!m) return json(res, 404, { error: 'Invalid request URL' });
    const [, rawName, version, action] = m;
    void this.answer(req, res, decodeURIComponent(rawName), version, action);
  }

  private async answer(req: IncomingMessage, res: ServerResponse, name: string, version?: string, action?: string): Promise<void> {
    const model = await this.find(name);
    if (typeof model === 'string') return json(res, model.endsWith('not found') ? 404 : 503, { error: model });
    if (version !== undefined && version !== String(model.version))
      return json(res, 404, { error: 'Model with requested version is not found' });
    if (action === '/infer') {
      if (req.method !== 'POST') return json(res, 405, { error: 'Method not allowed' });
      let body: Buffer;
      try {
        body = await readBody(req);
      } catch {
        return json(res, 400, { error: 'Could not read the request body' });
      }
      const answer = await this.infer(model, body);
      return json(res, answer.status, answer.body);
    }
    if (req.method !== 'GET') return json(res, 405, { error: 'Method not allowed' });
    if (action === '/ready') return empty(res, 200);
    return json(res, 200, this.metadata(model));
  }

  metadata(model: LoadedModel): object {
    return {
      name: model.name,
      versions: [String(model.version)],
      platform: 'OpenVINO',
      inputs: model.session.inputs.map(v2TensorMetadata),
      outputs: model.session.outputs.map(v2TensorMetadata),
    };
  }

  /** Runs an inference request (the JSON body); the answer as OVMS gives it. */
  async infer(model: LoadedModel, body: Buffer, modelName = model.name): Promise<{ status: number; body: object }> {
    let request: { id?: unknown; inputs?: unknown; outputs?: unknown };
    try {
      request = JSON.parse(body.toString('utf8'));
    } catch {
      return { status: 400, body: { error: 'Invalid JSON in request body' } };
    }
    if (!request || typeof request !== 'object' || !Array.isArray(request.inputs))
      return { status: 400, body: { error: 'Invalid request: "inputs" must be an array' } };
    const declared = model.session.inputs;
    if (request.inputs.length !== declared.length)
      return { status: 400, body: { error: `Invalid number of inputs - Expected: ${declared.length}; Actual: ${request.inputs.length}` } };
    const feeds: Record<string, { dims: number[]; data: number[] }> = {};
    for (const raw of request.inputs as Record<string, unknown>[]) {
      const info = declared.find((d) => d.name === raw?.name);
      if (!info)
        return {
          status: 400,
          body: { error: `Missing input with specific name - Required input: ${declared.map((d) => d.name).join(', ')}` },
        };
      const problem = checkInput(info, raw);
      if (typeof problem === 'string') return { status: 400, body: { error: problem } };
      feeds[info.name] = problem;
    }
    const wanted = Array.isArray(request.outputs) ? (request.outputs as { name?: string }[]).map((o) => o?.name) : undefined;
    const unknown = wanted?.find((n) => !model.session.outputs.some((o) => o.name === n));
    if (unknown !== undefined) return { status: 400, body: { error: `Invalid output name: ${unknown}` } };
    let results: Record<string, OnnxTensor>;
    try {
      results = await model.session.run(feeds);
    } catch (err) {
      return { status: 400, body: { error: (err as Error).message } };
    }
    const constant = this.faults.has(OVMS_CONSTANT_FAULT);
    const outputs = model.session.outputs
      .filter((o) => !wanted || wanted.includes(o.name))
      .map((o) => {
        const t = results[o.name];
        const data = Array.from(t.data, (v) => (constant ? 0.5 : Number(v)));
        return { name: o.name, shape: t.dims, datatype: v2TensorMetadata(o).datatype, data };
      });
    return {
      status: 200,
      body: {
        model_name: modelName,
        model_version: String(model.version),
        ...(typeof request.id === 'string' ? { id: request.id } : {}),
        outputs,
      },
    };
  }
}

/** A request input checked against the model's declaration: the feed, or OVMS's complaint. */
function checkInput(info: TensorInfo, raw: Record<string, unknown>): { dims: number[]; data: number[] } | string {
  const expected = v2TensorMetadata(info);
  if (raw.datatype !== expected.datatype || !ortType(String(raw.datatype)))
    return `Invalid precision - Expected: ${expected.datatype}; Actual: ${String(raw.datatype)}`;
  const shape = raw.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
    return `Invalid input shape: ${JSON.stringify(shape)} (a list of sizes)`;
  if (shape.length !== expected.shape.length)
    return `Invalid number of shape dimensions - Expected: ${expected.shape.length}; Actual: ${shape.length}`;
  if (expected.shape.some((d, i) => d >= 0 && d !== shape[i]))
    return `Invalid input shape - Expected: (${expected.shape.join(',')}); Actual: (${shape.join(',')})`;
  const data = flatten(raw.data);
  if (!data || data.some((v) => typeof v !== 'number' || !Number.isFinite(v)))
    return `Invalid data of input ${info.name}: numbers are expected`;
  const want = (shape as number[]).reduce((a, b) => a * b, 1);
  if (data.length !== want) return `Invalid number of elements - Expected: ${want}; Actual: ${data.length}; input name: ${info.name}`;
  return { dims: shape as number[], data: data as number[] };
}

function flatten(x: unknown): unknown[] | undefined {
  if (!Array.isArray(x)) return undefined;
  return x.flatMap((v) => (Array.isArray(v) ? (flatten(v) ?? []) : [v]));
}

function describe(v: TensorInfo): string {
  const m = v2TensorMetadata(v);
  return `${m.name} ${m.datatype} (${m.shape.join(',')})`;
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function empty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'Content-Length': 0 });
  res.end();
}

/** A model server's request body (inference requests of the tutorial are small). */
export const readBody = (req: IncomingMessage): Promise<Buffer> => readRequestBody(req, 16 * 1024 * 1024);

/** `--name=value` and `--name value` options of a command line. */
export function options(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) continue;
    if (m[2] !== undefined) out.set(m[1], m[2]);
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) out.set(m[1], argv[++i]);
    else out.set(m[1], 'true');
  }
  return out;
}

/** The OpenVINO Model Server image (`openvino_model_server`, `odh-openvino-model-server-rhel8`, `ovms`). */
export function openvinoEmulator(pods: ServingPods, faults: FaultSet): ImageEmulator {
  return {
    name: 'openvino-model-server',
    matches: (image) => /openvino[-_]model[-_]server|^ovms$|openvino-model-server/.test(imageBaseName(image)),
    start(ctx) {
      const opts = options(ctx.argv);
      const server = new OvmsServer(faults, ctx.log, ctx.fs);
      const restPort = Number(opts.get('rest_port') ?? 8888);
      ctx.log(`[serving] OpenVINO Model Server ${OVMS_VERSION}`);
      const modelPath = opts.get('model_path');
      if (modelPath) {
        const name = opts.get('model_name') ?? 'model';
        let found: ModelFile;
        try {
          found = server.locate(name, modelPath);
        } catch (err) {
          ctx.log(`[error] ${(err as Error).message}`);
          throw new ContainerExit(`[error] Couldn't start model manager: ${(err as Error).message}`);
        }
        void server.open(found).catch(() => undefined); // logged; the model answers 503 with the runtime's error
      } else if (!opts.get('config_path')) {
        throw new ContainerExit('[error] Use either config_path or model_path with model_name');
      }
      const undo = pods.set(ctx.pod.metadata.uid!, 'ovms', server);
      ctx.log(`[serving] REST server listening on port ${restPort}`);
      return {
        ports: [{ port: restPort, handler: (req, res) => server.handle(req, res) }],
        stop: () => {
          undo();
          server.close();
        },
      };
    },
  };
}
