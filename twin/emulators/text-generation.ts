// The text-generation runtimes of RHOAI 2.9's single-model platform, with a model format of the
// twin's own that each checks when it loads (no real language model runs in the twin):
//   - TGIS (quay.io/modh/text-generation-inference, `text-generation-launcher --model-name=<dir>
//     --port=3000 --grpc-port=8033`): loads a Hugging Face-style directory — config.json
//     (model_type "twin-char-bigram", vocab_size, eos_token_id), tokenizer.json (a WordLevel vocabulary
//     of single characters) and model.safetensors (one F32 tensor "bigram.logits" [vocab, vocab]) —
//     and exits with the loader's error when any is missing or inconsistent. It serves GET /health on
//     its HTTP port; its gRPC API (fmaas.GenerationService on 8033) is not served by the twin (no
//     HTTP/2 gRPC). Generation is greedy: each next character is the arg-max of the last one's row.
//   - Caikit (quay.io/modh/caikit-tgis-serving, the transformer-container beside TGIS): loads the
//     caikit models of RUNTIME_LOCAL_MODELS_DIR — a config.yml naming caikit-nlp's text-generation
//     module by its module_id (caikit loads a model by module_id; TextGenerationTGIS is the TGIS
//     backend's implementation of TextGeneration's id, caikit-nlp text_generation_tgis.py
//     @module(base_module=TextGeneration)) and its artifact_path — either the
//     directory itself (model id: the InferenceService's name) or its subdirectories (model id: the
//     directory name), and answers caikit's HTTP API on 8080 (RUNTIME_HTTP_ENABLED):
//     POST /api/v1/task/text-generation {model_id, inputs, parameters.max_new_tokens} with the
//     text TGIS generates next to it, GET /health. The same image run as `python -c <script>` with
//     the documented conversion script converts a model to the Caikit layout (caikit-conversion.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import type { ContainerExits } from '../controllers/jobs';
import type { FaultSet } from '../fault-set';
import type { ClusterNetwork } from '../network/cluster-network';
import { CAIKIT_CONVERSION_NO_ARTIFACTS_FAULT, isConversionCommand, runConversion, TEXT_GENERATION_MODULE_ID } from './caikit-conversion';
import { empty, json, options, readBody } from './openvino';
import type { FaultDefinition } from '../fault-definition';
import type { ServingPods } from './serving-pods';
import { ContainerExit, imageBaseName, type ImageEmulator } from './types';
import type { PodFilesystem } from './volumes';

export const CAIKIT_DROPS_PROMPT_FAULT = 'caikit-drops-the-prompt';

export const TEXT_GENERATION_FAULTS: FaultDefinition[] = [
  {
    name: CAIKIT_DROPS_PROMPT_FAULT,
    description:
      'Caikit passes TGIS an empty prompt (as a runtime whose request mapping lost the inputs field would): it answers 200 with text, but not the continuation of the prompt',
    caughtBy: '@req.CMP-07',
    expectMessage: "the model's greedy continuation is",
  },
  {
    name: CAIKIT_CONVERSION_NO_ARTIFACTS_FAULT,
    description:
      "The Caikit conversion Job completes but uploads only config.yml, not the model under artifacts/ (as a save() that wrote the module's config but not its model): the converted layout cannot be served",
    caughtBy: '@req.ADV-03',
    expectMessage: 'has config.yml but no artifacts/',
  },
];

export const TINY_MODEL_TYPE = 'twin-char-bigram';
export const CAIKIT_TGIS_MODULE = 'caikit_nlp.modules.text_generation.text_generation_tgis.TextGenerationTGIS';

/** A loaded character-bigram model. */
export interface BigramModel {
  vocab: string[];
  ids: Map<string, number>;
  /** vocab × vocab, row-major: logits of the next token given the current one. */
  logits: Float32Array;
  eos?: number;
}

export class ModelFormatError extends Error {}

/** Reads a safetensors file: {name: {dtype, shape, data}}; throws on a malformed header or offsets. */
export function readSafetensors(bytes: Buffer): Map<string, { dtype: string; shape: number[]; data: Buffer }> {
  if (bytes.length < 8) throw new ModelFormatError('safetensors: the file is shorter than its 8-byte header length');
  const n = Number(bytes.readBigUInt64LE(0));
  if (n <= 0 || 8 + n > bytes.length)
    throw new ModelFormatError(`safetensors: header length ${n} does not fit the file (${bytes.length} bytes)`);
  let header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  try {
    header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  } catch {
    throw new ModelFormatError('safetensors: the header is not JSON');
  }
  const data = bytes.subarray(8 + n);
  const out = new Map<string, { dtype: string; shape: number[]; data: Buffer }>();
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [begin, end] = t.data_offsets ?? [];
    const width = { F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4 }[t.dtype];
    if (!width) throw new ModelFormatError(`safetensors: tensor ${name} has dtype ${t.dtype}`);
    const count = (t.shape ?? []).reduce((a, b) => a * b, 1);
    if (!(Number.isInteger(begin) && Number.isInteger(end) && begin >= 0 && end <= data.length && end - begin === count * width))
      throw new ModelFormatError(
        `safetensors: tensor ${name} ${JSON.stringify(t.shape)} ${t.dtype} does not match its data offsets [${begin}, ${end}]`,
      );
    out.set(name, { dtype: t.dtype, shape: t.shape, data: data.subarray(begin, end) });
  }
  return out;
}

/** Loads the twin's tiny model from a directory (container path); errors as the loaders word them. */
export function loadBigramModel(fsys: PodFilesystem, dir: string): BigramModel {
  const read = (file: string): Buffer => {
    const host = fsys.hostPath(path.posix.join(dir, file));
    if (!fs.existsSync(host))
      throw new ModelFormatError(`OSError: ${dir.endsWith('/') ? dir : `${dir}/`} does not appear to have a file named ${file}`);
    return fs.readFileSync(host);
  };
  let config: { model_type?: string; vocab_size?: number; eos_token_id?: number };
  try {
    config = JSON.parse(read('config.json').toString('utf8'));
  } catch (err) {
    if (err instanceof ModelFormatError) throw err;
    throw new ModelFormatError(`OSError: ${dir}/config.json is not valid JSON`);
  }
  if (config.model_type !== TINY_MODEL_TYPE)
    throw new ModelFormatError(
      `ValueError: The checkpoint you are trying to load has model type \`${config.model_type}\` but the twin's TGIS only loads \`${TINY_MODEL_TYPE}\``,
    );
  const v = Number(config.vocab_size);
  let tokenizer: { model?: { type?: string; vocab?: Record<string, number> } };
  try {
    tokenizer = JSON.parse(read('tokenizer.json').toString('utf8'));
  } catch (err) {
    if (err instanceof ModelFormatError) throw err;
    throw new ModelFormatError(`Exception: ${dir}/tokenizer.json is not valid JSON`);
  }
  const vocabMap = tokenizer.model?.vocab ?? {};
  if (tokenizer.model?.type !== 'WordLevel' || Object.keys(vocabMap).length !== v)
    throw new ModelFormatError(
      `ValueError: tokenizer.json must hold a WordLevel vocabulary of vocab_size ${v} tokens (found ${tokenizer.model?.type ?? 'none'} with ${Object.keys(vocabMap).length})`,
    );
  const vocab: string[] = new Array(v);
  for (const [tok, id] of Object.entries(vocabMap)) {
    if (!Number.isInteger(id) || id < 0 || id >= v || vocab[id] !== undefined)
      throw new ModelFormatError(`ValueError: tokenizer.json gives token ${JSON.stringify(tok)} the id ${id}, out of range or taken`);
    vocab[id] = tok;
  }
  const tensors = readSafetensors(read('model.safetensors'));
  const t = tensors.get('bigram.logits');
  if (!t || t.dtype !== 'F32' || t.shape.length !== 2 || t.shape[0] !== v || t.shape[1] !== v)
    throw new ModelFormatError(
      `RuntimeError: model.safetensors must hold bigram.logits F32 [${v}, ${v}] (found ${t ? `${t.dtype} ${JSON.stringify(t.shape)}` : 'no such tensor'})`,
    );
  const logits = new Float32Array(v * v);
  for (let i = 0; i < v * v; i++) logits[i] = t.data.readFloatLE(i * 4);
  return {
    vocab,
    ids: new Map(vocab.map((tok, i) => [tok, i])),
    logits,
    eos: Number.isInteger(config.eos_token_id) ? config.eos_token_id : undefined,
  };
}

export class TgisServer {
  constructor(readonly model: BigramModel) {}

  /** Greedy generation after `text`: the new text, how many tokens, and why it stopped. */
  generate(
    text: string,
    maxNewTokens = 20,
  ): { text: string; tokens: number; inputTokens: number; finishReason: 'EOS_TOKEN' | 'MAX_TOKENS' } {
    const m = this.model;
    const v = m.vocab.length;
    const input = [...text].map((ch) => m.ids.get(ch)).filter((id): id is number => id !== undefined);
    let current = input.length ? input[input.length - 1] : 0;
    let out = '';
    for (let n = 0; n < maxNewTokens; n++) {
      let best = 0;
      for (let j = 1; j < v; j++) if (m.logits[current * v + j] > m.logits[current * v + best]) best = j;
      if (best === m.eos) return { text: out, tokens: n + 1, inputTokens: input.length, finishReason: 'EOS_TOKEN' };
      out += m.vocab[best];
      current = best;
    }
    return { text: out, tokens: maxNewTokens, inputTokens: input.length, finishReason: 'MAX_TOKENS' };
  }
}

/** The TGIS image. */
export function tgisEmulator(pods: ServingPods): ImageEmulator {
  return {
    name: 'text-generation-inference',
    matches: (image) => /text-generation-inference/.test(imageBaseName(image)),
    start(ctx) {
      const opts = options(ctx.argv);
      const dir = opts.get('model-name') ?? ctx.env.MODEL_NAME;
      if (!dir) throw new ContainerExit('error: the following required arguments were not provided: --model-name <MODEL_NAME>');
      let model: BigramModel;
      try {
        model = loadBigramModel(ctx.fs, dir);
      } catch (err) {
        ctx.log(`Shard 0 failed to start: ${(err as Error).message}`);
        throw new ContainerExit(`Shard 0 failed to start:\n${(err as Error).message}\nShutting down shards`);
      }
      const server = new TgisServer(model);
      const undo = pods.set(ctx.pod.metadata.uid!, 'tgis', server);
      const port = Number(opts.get('port') ?? 3000);
      ctx.log(
        `Loaded ${TINY_MODEL_TYPE} model from ${dir} (${model.vocab.length} tokens); HTTP health on ${port}, gRPC on ${opts.get('grpc-port') ?? 8033} (gRPC not served by the twin)`,
      );
      return {
        ports: [
          {
            port,
            handler: (req, res) => ((req.url ?? '').startsWith('/health') ? empty(res, 200) : json(res, 404, { error: 'not found' })),
          },
        ],
        stop: undo,
      };
    },
  };
}

/** What the Caikit image needs to run the conversion Job: the cluster network, the trusted CAs, where containers exit. */
export interface CaikitJobs {
  network: ClusterNetwork;
  trustedCa: string[];
  exits: ContainerExits;
  faults: FaultSet;
}

/** The Caikit (caikit-tgis-serving) image. */
export function caikitEmulator(pods: ServingPods, jobs?: CaikitJobs): ImageEmulator {
  return {
    name: 'caikit-tgis-serving',
    matches: (image) => /caikit/.test(imageBaseName(image)),
    start(ctx) {
      if (jobs && isConversionCommand(ctx.argv)) {
        runConversion(ctx, { ...jobs, loadModel: loadBigramModel });
        return { ports: [] };
      }
      const dir = ctx.env.RUNTIME_LOCAL_MODELS_DIR ?? '/mnt/models';
      const isvc = ctx.pod.metadata.labels?.['serving.kserve.io/inferenceservice'];
      const models = new Map<string, string>();
      const check = (modelDir: string, id: string) => {
        const file = ctx.fs.hostPath(path.posix.join(modelDir, 'config.yml'));
        let config: { module_id?: string; module_class?: string; artifact_path?: string };
        try {
          config = (yaml.load(fs.readFileSync(file, 'utf8')) ?? {}) as typeof config;
        } catch (err) {
          throw new ContainerExit(
            `caikit.core.exceptions.caikit_core_exception.CaikitCoreException: could not read ${modelDir}/config.yml: ${(err as Error).message}`,
          );
        }
        if (config.module_id !== TEXT_GENERATION_MODULE_ID)
          throw new ContainerExit(
            `ValueError: ${modelDir}/config.yml names module_id ${config.module_id ?? '(none)'} (${config.module_class ?? 'no module_class'}); this runtime serves caikit-nlp's text generation, module_id ${TEXT_GENERATION_MODULE_ID} (${CAIKIT_TGIS_MODULE})`,
          );
        if (!config.artifact_path || !fs.existsSync(ctx.fs.hostPath(path.posix.join(modelDir, config.artifact_path))))
          throw new ContainerExit(`FileNotFoundError: ${modelDir}/${config.artifact_path ?? '(no artifact_path)'} does not exist`);
        models.set(id, modelDir);
        ctx.log(`{"channel": "MODEL-MGR", "message": "Loaded model ${id} from ${modelDir} (${CAIKIT_TGIS_MODULE})"}`);
      };
      const root = ctx.fs.hostPath(dir);
      if (fs.existsSync(path.join(root, 'config.yml'))) check(dir, isvc ?? path.posix.basename(dir));
      else if (fs.existsSync(root))
        for (const sub of fs.readdirSync(root))
          if (fs.existsSync(path.join(root, sub, 'config.yml'))) check(path.posix.join(dir, sub), sub);
      if (!models.size)
        throw new ContainerExit(`caikit.runtime: no model found in local_models_dir ${dir} (no config.yml in it or in its subdirectories)`);
      const port = Number(ctx.env.RUNTIME_HTTP_PORT ?? 8080);
      const uid = ctx.pod.metadata.uid!;
      return {
        ports: [
          {
            port,
            handler: (req, res) => {
              const url = (req.url ?? '/').split('?')[0];
              if (req.method === 'GET' && url === '/health')
                return void (res.writeHead(200, { 'Content-Type': 'text/plain' }), res.end('OK'));
              if (req.method !== 'POST' || url !== '/api/v1/task/text-generation')
                return json(res, 404, { details: `Not Found: ${url}`, code: 404 });
              void readBody(req).then((body) => {
                let request: { model_id?: string; inputs?: string; parameters?: { max_new_tokens?: number } };
                try {
                  request = JSON.parse(body.toString('utf8'));
                } catch {
                  return json(res, 422, { details: 'request body is not JSON', code: 422 });
                }
                if (!request.model_id || !models.has(request.model_id))
                  return json(res, 404, { details: `Model '${request.model_id}' not loaded`, code: 404 });
                if (typeof request.inputs !== 'string') return json(res, 422, { details: 'inputs must be a string', code: 422 });
                const tgis = pods.of(uid).tgis;
                if (!tgis) return json(res, 503, { details: 'the TGIS backend at localhost:8033 is not available', code: 503 });
                const g = tgis.generate(
                  pods.faults?.has(CAIKIT_DROPS_PROMPT_FAULT) ? '' : request.inputs,
                  request.parameters?.max_new_tokens ?? 20,
                );
                json(res, 200, {
                  generated_text: g.text,
                  generated_tokens: g.tokens,
                  finish_reason: g.finishReason,
                  producer_id: { name: 'Text Generation', version: '0.1.0' },
                  input_token_count: g.inputTokens,
                  seed: null,
                });
              });
            },
          },
        ],
      };
    },
  };
}
