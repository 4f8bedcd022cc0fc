// The containers ModelMesh adds beside a multi-model runtime in its modelmesh-serving-<runtime> pods
// (modelmesh-serving 0.11 as RHOAI 2.9 ships it):
//   - `mm` (odh-modelmesh): the model mesh itself; its gRPC port 8033 is not served by the twin
//     (no HTTP/2 gRPC), its part — placing a model in the runtime — is played by the ModelMesh
//     controller asking the adapter (controllers/modelmesh.ts);
//   - the runtime adapter (odh-modelmesh-runtime-adapter, `<serverType>-adapter`) with its embedded
//     puller: it reads the model's storage-config entry from /storage-config/<key>, copies the
//     storage path's objects into /models/<modelId> (an emptyDir it shares with the runtime) and has
//     the model server load them;
//   - `rest-proxy` (odh-mm-rest-proxy, port 8008): the KServe v2 REST API in front of ModelMesh, where
//     a model is addressed by its InferenceService name and answers under its ModelMesh id
//     (`<isvc>__isvc-<hash>`). Its JSON is grpc-gateway's protobuf JSON (red-hat-data-services/rest-proxy
//     rhoai-2.9 proxy/main.go l.73-80: CustomJSONPb, EmitUnpopulated false); proxy/marshaler.go
//     CustomJSONPb.Marshal re-encodes only a ModelInferResponse (transformResponse: shape as []int64,
//     numbers), so the metadata answer keeps protobuf JSON's encoding of `repeated int64 shape`:
//     strings, ["-1","5"] (protobufJson below);
//   - `oauth-proxy` (ose-oauth-proxy, port 8443, only when the runtime has enable-auth=true): the
//     one emulator of that image, for ModelMesh and workbench pods alike (oauth-proxy.ts); from the
//     arguments ModelMesh gives it, a bearer token must pass a TokenReview and the
//     --openshift-delegate-urls check (get services in the namespace) before the request reaches
//     --upstream (the rest-proxy).
import type { ClusterNetwork } from '../network/cluster-network';
import { fetchModel, parseStorageConfig, StorageError } from './model-storage';
import { json, ModelLoadError, readBody } from './openvino';
import type { ServingPods } from './serving-pods';
import { imageBaseName, type ImageEmulator } from './types';
import type { PodFilesystem } from './volumes';

/** What the adapter needs to place a model. */
export interface ModelPlacement {
  /** ModelMesh's id of the model: `<isvc>__isvc-<hash>`. */
  modelId: string;
  /** The name clients use (the InferenceService's). */
  vModel: string;
  storageKey: string;
  path: string;
  /** The bucket when the storage spec overrides the entry's. */
  bucket?: string;
}

/** The runtime adapter of one pod. */
export class RuntimeAdapter {
  readonly vModels = new Map<string, string>();

  constructor(
    private readonly podUid: string,
    private readonly namespace: string,
    private readonly fsys: PodFilesystem,
    private readonly pods: ServingPods,
    private readonly network: ClusterNetwork,
    private readonly trustedCa: string[],
    private readonly log: (line: string) => void,
    private readonly signal: AbortSignal,
  ) {}

  /** Pulls the model and has the runtime load it; rejects with the puller's or the runtime's error. */
  async load(p: ModelPlacement): Promise<void> {
    const ovms = this.pods.of(this.podUid).ovms;
    if (!ovms) throw new ModelLoadError('the model server of this pod is not running');
    if (ovms.models.has(p.modelId)) {
      this.vModels.set(p.vModel, p.modelId);
      return;
    }
    let raw: string;
    try {
      raw = (await this.fsys.readFile(`/storage-config/${p.storageKey}`)).toString('utf8');
    } catch {
      throw new StorageError(
        'PullerError',
        `could not find storage config entry ${p.storageKey} (is there a data connection of that name?)`,
      );
    }
    const config = parseStorageConfig(raw, `storage config entry ${p.storageKey}`);
    const bucket = p.bucket ?? config.bucket ?? config.default_bucket;
    if (!bucket) throw new StorageError('PullerError', `storage config entry ${p.storageKey} names no bucket`);
    const dest = `/models/${p.modelId}`;
    this.log(`{"level":"info","logger":"Puller","msg":"Downloading model","modelId":"${p.modelId}","path":"${p.path}"}`);
    const count = await fetchModel({
      network: this.network,
      namespace: this.namespace,
      config,
      bucket,
      prefix: p.path.replace(/^\/+/, ''),
      dest,
      fs: this.fsys,
      extraCa: this.trustedCa,
      signal: this.signal,
      log: () => undefined,
    });
    if (count === 0) throw new StorageError('PullerError', `no objects found for path '${p.path}' in bucket ${bucket}`);
    await ovms.load(p.modelId, dest);
    this.vModels.set(p.vModel, p.modelId);
    this.log(`{"level":"info","logger":"ovms-adapter","msg":"Model loaded","modelId":"${p.modelId}"}`);
  }

  unload(vModel: string): void {
    const id = this.vModels.get(vModel);
    if (!id) return;
    this.vModels.delete(vModel);
    this.pods.of(this.podUid).ovms?.unload(id);
  }
}

export interface ModelMeshEmulatorOptions {
  pods: ServingPods;
  network: ClusterNetwork;
  trustedCa: string[];
}

/** The modelmesh-runtime-adapter image. */
export function runtimeAdapterEmulator(o: ModelMeshEmulatorOptions): ImageEmulator {
  return {
    name: 'modelmesh-runtime-adapter',
    matches: (image) => /modelmesh-runtime-adapter/.test(imageBaseName(image)),
    start(ctx) {
      const abort = new AbortController();
      const adapter = new RuntimeAdapter(
        ctx.pod.metadata.uid!,
        ctx.pod.metadata.namespace!,
        ctx.fs,
        o.pods,
        o.network,
        o.trustedCa,
        ctx.log,
        abort.signal,
      );
      const undo = o.pods.set(ctx.pod.metadata.uid!, 'adapter', adapter);
      ctx.log('{"level":"info","logger":"ovms-adapter","msg":"Starting ovms adapter","port":8085}');
      return { ports: [], stop: () => (abort.abort(), undo()) };
    },
  };
}

/** The modelmesh image (`mm`): up and ready; placement is the controller's and the adapter's. */
export function modelMeshEmulator(): ImageEmulator {
  return {
    name: 'modelmesh',
    matches: (image) => /^(odh-)?modelmesh(-rhel\d+)?$/.test(imageBaseName(image)),
    start(ctx) {
      ctx.log('ModelMesh is ready: serving gRPC on port 8033 (not served by the twin)');
      return { ports: [] };
    },
  };
}

/** The rest-proxy image: v2 REST by InferenceService name, answered by the pod's model server. */
export function restProxyEmulator(o: ModelMeshEmulatorOptions): ImageEmulator {
  return {
    name: 'modelmesh-rest-proxy',
    matches: (image) => /rest-proxy/.test(imageBaseName(image)),
    start(ctx) {
      const port = Number(ctx.env.REST_PROXY_LISTEN_PORT ?? 8008);
      const uid = ctx.pod.metadata.uid!;
      return {
        ports: [
          {
            port,
            handler: (req, res) => {
              const url = (req.url ?? '/').split('?')[0].replace(/\/+$/, '');
              const m = /^\/v2\/models\/([^/]+)(?:\/versions\/[^/]+)?(\/infer|\/ready)?$/.exec(url);
              if (!m) return json(res, 404, { code: 5, error: `Not Found: ${url}` });
              const name = decodeURIComponent(m[1]);
              const parts = o.pods.of(uid);
              const id = parts.adapter?.vModels.get(name);
              const model = id ? parts.ovms?.models.get(id) : undefined;
              if (!model || !parts.ovms) return json(res, 404, { code: 5, error: `Model ${name} not found` });
              if (m[2] === '/infer') {
                if (req.method !== 'POST') return json(res, 405, { code: 12, error: 'Method Not Allowed' });
                return void readBody(req)
                  .then((body) => parts.ovms!.infer(model, body, model.name))
                  .then((answer) => json(res, answer.status, answer.body));
              }
              if (m[2] === '/ready') return json(res, 200, { name: model.name, ready: true });
              return json(res, 200, protobufJson(parts.ovms.metadata(model) as V2Metadata));
            },
          },
        ],
      };
    },
  };
}

interface V2Tensor {
  name: string;
  datatype: string;
  shape: number[];
}
interface V2Metadata {
  name: string;
  versions?: string[];
  platform: string;
  inputs?: V2Tensor[];
  outputs?: V2Tensor[];
}

/**
 * A ModelMetadataResponse as protobuf JSON writes it (grpc_predict_v2.proto: TensorMetadata.shape is
 * `repeated int64`, and proto3 JSON writes 64-bit integers as strings); empty fields are left out
 * (EmitUnpopulated false).
 */
export function protobufJson(meta: V2Metadata): Record<string, unknown> {
  const tensor = (t: V2Tensor) => ({
    name: t.name,
    datatype: t.datatype,
    ...(t.shape.length ? { shape: t.shape.map((d) => String(d)) } : {}),
  });
  return {
    name: meta.name,
    ...(meta.versions?.length ? { versions: meta.versions } : {}),
    platform: meta.platform,
    ...(meta.inputs?.length ? { inputs: meta.inputs.map(tensor) } : {}),
    ...(meta.outputs?.length ? { outputs: meta.outputs.map(tensor) } : {}),
  };
}
