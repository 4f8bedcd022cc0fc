// The documented conversion of a Hugging Face model to the Caikit layout, run as a Job in the Caikit
// runtime's image (quay.io/modh/caikit-tgis-serving carries caikit-nlp and boto3): the Job's script
// downloads the model's objects from the data connection's bucket (AWS_* variables of the
// dashboard's data-connection Secret; MODEL_PATH), runs
// `caikit_nlp.text_generation.TextGeneration.bootstrap(<dir>).save(<out>)` (opendatahub-io/
// caikit-tgis-serving demo/kserve/built-tip.md and utils/convert.py) and uploads the result under
// CAIKIT_MODEL_PATH. What save() writes decides the layout (caikit/caikit-nlp
// caikit_nlp/modules/text_generation/text_generation_local.py TextGeneration.save, and caikit's
// ModuleSaver): config.yml with module_id f9181353-4ccf-4572-bd1e-f12bcda26792 (TextGeneration's
// @module id), module_class, name, version, artifact_path "artifacts", eos_token, torch_dtype,
// training_logs; the model's config, tokenizer and weights under artifacts/. bootstrap() reads the
// model with transformers' AutoConfig/AutoTokenizer: the twin's transformers knows only its tiny
// character-bigram model (loadBigramModel), so a directory without config.json, or of another
// model type, fails as bootstrap does and the container exits 1 with the Python traceback's last line.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { podS3Client } from './workbench/pod-s3';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { rootCertificates } from 'node:tls';
import type { ContainerExits } from '../controllers/jobs';
import type { FaultSet } from '../fault-set';
import type { ClusterNetwork } from '../network/cluster-network';
import { fetchModel, StorageError } from './model-storage';
import type { ContainerContext } from './types';
import { PodFilesystem } from './volumes';

export const CAIKIT_CONVERSION_NO_ARTIFACTS_FAULT = 'caikit-conversion-writes-no-artifacts';

/** TextGeneration's module id (caikit-nlp text_generation_local.py @module id): what the Caikit runtime loads it by. */
export const TEXT_GENERATION_MODULE_ID = 'f9181353-4ccf-4572-bd1e-f12bcda26792';
export const TEXT_GENERATION_MODULE_CLASS = 'caikit_nlp.modules.text_generation.text_generation_local.TextGeneration';

/** The Job's script does the documented conversion: bootstrap, then save, and the bucket both ways. */
export function isConversionCommand(argv: string[]): boolean {
  const script = argv[0]?.endsWith('python') || argv[0]?.endsWith('python3') ? (argv[1] === '-c' ? argv[2] : undefined) : undefined;
  return (
    !!script && /caikit_nlp\.text_generation\.TextGeneration\.bootstrap\(/.test(script) && /\.save\(/.test(script) && /boto3/.test(script)
  );
}

export interface ConversionOptions {
  network: ClusterNetwork;
  trustedCa: string[];
  exits: ContainerExits;
  faults: FaultSet;
  /** Validates a Hugging Face model directory as transformers would (throws with the loader's message). */
  loadModel(fsys: PodFilesystem, dir: string): unknown;
}

/** Runs the conversion for the container; reports its exit to the kubelet's view when done. */
export function runConversion(ctx: ContainerContext, o: ConversionOptions): void {
  const uid = ctx.pod.metadata.uid!;
  const container = String(ctx.container.name);
  const abort = new AbortController();
  void convert(ctx, o, abort.signal).then(
    () => o.exits.report(uid, container, { exitCode: 0, message: '' }),
    (err: Error) => {
      const line = err instanceof StorageError ? err.line : err.message;
      ctx.log(line);
      o.exits.report(uid, container, { exitCode: 1, message: line });
    },
  );
}

function required(env: Record<string, string>, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`KeyError: '${name}'`);
  return v;
}

async function convert(ctx: ContainerContext, o: ConversionOptions, signal: AbortSignal): Promise<void> {
  const env = ctx.env;
  const endpoint = required(env, 'AWS_S3_ENDPOINT');
  const bucket = required(env, 'AWS_S3_BUCKET');
  const source = required(env, 'MODEL_PATH').replace(/^\/+|\/+$/g, '');
  const target = required(env, 'CAIKIT_MODEL_PATH').replace(/^\/+|\/+$/g, '');
  const config = {
    type: 's3',
    access_key_id: required(env, 'AWS_ACCESS_KEY_ID'),
    secret_access_key: required(env, 'AWS_SECRET_ACCESS_KEY'),
    endpoint_url: endpoint,
    region: env.AWS_DEFAULT_REGION || 'us-east-1',
  };
  const work = fs.mkdtempSync(path.join(tmpdir(), 'caikit-convert-'));
  const fsys = new PodFilesystem(work, []);
  try {
    const count = await fetchModel({
      network: o.network,
      namespace: ctx.pod.metadata.namespace!,
      config,
      bucket,
      prefix: `${source}/`,
      dest: '/tmp/hf-model',
      fs: fsys,
      extraCa: o.trustedCa,
      signal,
      log: ctx.log,
    });
    if (count === 0) throw new Error(`OSError: s3://${bucket}/${source}/ holds no objects: there is no model to convert`);
    ctx.log(`Downloaded ${count} objects of s3://${bucket}/${source}/ to /tmp/hf-model`);
    // TextGeneration.bootstrap: AutoConfig.from_pretrained, then the tokenizer and the weights.
    o.loadModel(fsys, '/tmp/hf-model');
    const files: Record<string, Buffer> = {};
    const yml = [
      `module_id: ${TEXT_GENERATION_MODULE_ID}`,
      `module_class: ${TEXT_GENERATION_MODULE_CLASS}`,
      'name: Text Generation',
      'version: 0.1.0',
      `created: '${new Date().toISOString()}'`,
      'artifact_path: artifacts',
      'eos_token: </s>',
      'torch_dtype: float32',
      'training_logs: training_logs.jsonl',
      '',
    ].join('\n');
    files['config.yml'] = Buffer.from(yml);
    if (!o.faults.has(CAIKIT_CONVERSION_NO_ARTIFACTS_FAULT)) {
      const dir = fsys.hostPath('/tmp/hf-model');
      for (const f of fs.readdirSync(dir, { recursive: true }) as string[]) {
        const p = path.join(dir, f);
        if (fs.statSync(p).isFile()) files[`artifacts/${f.split(path.sep).join('/')}`] = fs.readFileSync(p);
      }
    }
    ctx.log(`Model saved to /tmp/caikit-model (${Object.keys(files).join(', ')})`);
    const agents = o.network.agents(ctx.pod.metadata.namespace!, { ca: [...rootCertificates, ...o.trustedCa] });
    const url = new URL(endpoint);
    const client = podS3Client(agents, {
      endpoint: `${url.protocol}//${url.host}`,
      region: config.region,
      accessKeyId: config.access_key_id,
      secretAccessKey: config.secret_access_key,
      maxAttempts: 2,
    });
    try {
      for (const [name, body] of Object.entries(files)) {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${target}/${name}`, Body: body }), { abortSignal: signal });
        ctx.log(`Uploaded ${name} to s3://${bucket}/${target}/${name}`);
      }
    } finally {
      client.destroy();
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
