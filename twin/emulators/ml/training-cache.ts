// Training is deterministic: the same rows and options give the same model, to the bit (seeded
// random stream, fixed order of operations). The twin trains the tutorial's model many times over
// one test run — the notebook, each Elyra and kfp pipeline run, each scheduled run, and again in
// every twin a run starts — so a result is kept, in the process and in a directory shared by the
// twins of one machine (RHOAI_TWIN_TRAINING_CACHE, default <tmp>/rhoai-twin-training-<uid>; `off`:
// the process only), under a key made of the data (a digest the caller makes: of the CSV's text
// before it is parsed, or of the rows' values), the options and the trainer's own source files, so
// that a change to the trainer or the CSV reader is never answered from an older cache. What a
// caller gets is a copy: nothing it changes reaches the cache.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const inProcess = new Map<string, unknown>();
const KEPT_IN_PROCESS = 16;
let trainerVersion: string | undefined;

/** A digest of the trainer's sources (this directory's modules the result depends on). */
function trainer(): string {
  trainerVersion ??= createHash('sha256')
    .update(
      ['train.ts', 'network.ts', 'scaler.ts', 'random.ts', 'synthetic-card-data.ts', 'training-cache.ts']
        .map((f) => readFileSync(join(__dirname, f), 'utf8'))
        .join('\0'),
    )
    .digest('hex');
  return trainerVersion;
}

function cacheDir(): string | undefined {
  const dir = process.env.RHOAI_TWIN_TRAINING_CACHE;
  if (dir === 'off') return undefined;
  return dir || join(tmpdir(), `rhoai-twin-training-${process.getuid?.() ?? 'user'}`);
}

/** Typed arrays survive JSON as { $f32: [...] } / { $f64: [...] }. */
function encode(_key: string, value: unknown): unknown {
  if (value instanceof Float32Array) return { $f32: Array.from(value) };
  if (value instanceof Float64Array) return { $f64: Array.from(value) };
  return value;
}

function decode(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as { $f32?: number[]; $f64?: number[] };
    if (v.$f32) return Float32Array.from(v.$f32);
    if (v.$f64) return Float64Array.from(v.$f64);
  }
  return value;
}

/** A digest of training data: the bytes given (a CSV's text, the rows' values as a Float64Array). */
export function dataDigest(kind: string, data: string | Float64Array): string {
  const hash = createHash('sha256').update(kind).update('\0');
  return (typeof data === 'string' ? hash.update(data) : hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))).digest(
    'hex',
  );
}

/** The result of train(), computed once per (data digest, options, trainer) on this machine. */
export function memoizedTraining<R>(data: string, options: unknown, train: () => R): R {
  const key = createHash('sha256').update(trainer()).update(JSON.stringify(options)).update(data).digest('hex');
  let result = inProcess.get(key) as R | undefined;
  const dir = cacheDir();
  const file = dir && join(dir, `${key}.json`);
  if (result === undefined && file) {
    try {
      result = JSON.parse(readFileSync(file, 'utf8'), decode) as R;
    } catch {
      // not trained on this machine yet (or unreadable): train below
    }
  }
  if (result === undefined) {
    result = train();
    if (dir && file) {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const partial = `${file}.${process.pid}.tmp`;
        writeFileSync(partial, JSON.stringify(result, encode), { mode: 0o600 });
        renameSync(partial, file); // atomic: a twin starting alongside reads a whole result or none
      } catch {
        // a cache that cannot be written only costs the next twin a training
      }
    }
  }
  if (!inProcess.has(key)) {
    if (inProcess.size >= KEPT_IN_PROCESS) inProcess.delete(inProcess.keys().next().value!);
    inProcess.set(key, result);
  }
  return structuredClone(result);
}

/** Forgets what this process kept (a test's stand-in for another twin of the machine, which has only the directory). */
export function forgetProcessCache(): void {
  inProcess.clear();
}
