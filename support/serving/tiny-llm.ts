// A tiny text-generation model the harness writes for the text-generation runtimes (CMP-07): a
// character bigram table learnt from a short text, in the Hugging Face layout those runtimes read —
// config.json (model_type "twin-char-bigram", vocab_size, eos_token_id), tokenizer.json (a
// WordLevel vocabulary of single characters) and model.safetensors (one F32 tensor
// "bigram.logits" [vocab, vocab]); for Caikit, the same files under artifacts/ with a config.yml
// naming caikit-nlp's TGIS text-generation module. Deterministic: the same files every run. Greedy
// decoding of this model is computed here too, so a runtime's answer can be checked exactly.
// It is a format of the twin's runtimes (scenarios tagged @tiny-model): real TGIS and Caikit images
// do not load it.

const CORPUS = 'the quick brown fox jumps over the lazy dog. the lazy dog sleeps in the sun. ';
export const EOS = '</s>';
export const CAIKIT_TGIS_MODULE = 'caikit_nlp.modules.text_generation.text_generation_tgis.TextGenerationTGIS';
/** caikit-nlp's TextGeneration @module id (text_generation_local.py), shared by its TGIS backend module: what Caikit loads a model by. */
export const TEXT_GENERATION_MODULE_ID = 'f9181353-4ccf-4572-bd1e-f12bcda26792';

export interface TinyModel {
  vocab: string[];
  /** vocab × vocab float32 logits, row-major. */
  logits: Float32Array;
  eos: number;
}

/** The bigram model of the corpus: log-counts (float32), the end-of-sequence token after the last character. */
export function tinyModel(): TinyModel {
  const chars = [...new Set(CORPUS)].sort();
  const vocab = [...chars, EOS];
  const v = vocab.length;
  const ids = new Map(vocab.map((t, i) => [t, i]));
  const counts = new Float64Array(v * v);
  for (let i = 0; i + 1 < CORPUS.length; i++) counts[ids.get(CORPUS[i]!)! * v + ids.get(CORPUS[i + 1]!)!] += 1;
  counts[ids.get(CORPUS[CORPUS.length - 1]!)! * v + v - 1] += 0.5;
  const logits = new Float32Array(v * v);
  for (let i = 0; i < v * v; i++) logits[i] = Math.log(counts[i]! + 1e-3) + 1e-6 * ((i * 7919) % 101);
  return { vocab, logits, eos: v - 1 };
}

/** Greedy continuation of `prompt` (up to `maxNewTokens`, stopping at the end-of-sequence token). */
export function greedyContinuation(model: TinyModel, prompt: string, maxNewTokens: number): string {
  const v = model.vocab.length;
  const ids = new Map(model.vocab.map((t, i) => [t, i]));
  const input = [...prompt].map((c) => ids.get(c)).filter((x): x is number => x !== undefined);
  let current = input.length ? input[input.length - 1]! : 0;
  let out = '';
  for (let n = 0; n < maxNewTokens; n++) {
    let best = 0;
    for (let j = 1; j < v; j++) if (model.logits[current * v + j]! > model.logits[current * v + best]!) best = j;
    if (best === model.eos) break;
    out += model.vocab[best];
    current = best;
  }
  return out;
}

function safetensors(name: string, shape: number[], data: Float32Array): Buffer {
  let header = JSON.stringify({ [name]: { dtype: 'F32', shape, data_offsets: [0, data.byteLength] }, __metadata__: { format: 'pt' } });
  header += ' '.repeat((8 - (header.length % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(header)));
  return Buffer.concat([length, Buffer.from(header), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** The files of the model directory (TGIS reads them as they are). */
export function tinyModelFiles(model = tinyModel()): Record<string, Buffer> {
  const v = model.vocab.length;
  return {
    'config.json': Buffer.from(
      JSON.stringify(
        { model_type: 'twin-char-bigram', architectures: ['CharBigramLM'], vocab_size: v, eos_token_id: model.eos, torch_dtype: 'float32' },
        null,
        2,
      ),
    ),
    'tokenizer.json': Buffer.from(
      JSON.stringify(
        { version: '1.0', model: { type: 'WordLevel', vocab: Object.fromEntries(model.vocab.map((t, i) => [t, i])), unk_token: EOS } },
        null,
        2,
      ),
    ),
    'model.safetensors': safetensors('bigram.logits', [v, v], model.logits),
  };
}

/** The files of a Caikit model: config.yml and the model under artifacts/. */
export function tinyCaikitFiles(model = tinyModel()): Record<string, Buffer> {
  const files: Record<string, Buffer> = {
    'config.yml': Buffer.from(
      `module_id: ${TEXT_GENERATION_MODULE_ID}\nmodule_class: ${CAIKIT_TGIS_MODULE}\nname: Tiny character bigram\nartifact_path: artifacts\n`,
    ),
  };
  for (const [name, body] of Object.entries(tinyModelFiles(model))) files[`artifacts/${name}`] = body;
  return files;
}
