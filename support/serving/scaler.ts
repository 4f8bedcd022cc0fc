// The fraud model expects SCALED inputs: its REST notebooks send scaler.transform([raw]) — the
// StandardScaler the training notebook fitted on its training split (workloads.md §1.2, §1.3). The
// harness scales the tutorial's sample transactions with that same scaler, read from where the
// training left it in the workbench's clone of the tutorial repository:
//   - artifact/scaler.json when the training saved JSON (the twin's replica of the tutorial does,
//     with sklearn's attribute names: mean, scale), read with `cat`;
//   - else the tutorial's artifact/scaler.pkl, unpickled by the workbench's own Python and printed
//     as JSON (mean_, scale_).
// Nothing is fitted or guessed by the harness: if neither file is there, the step fails saying so.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import * as path from 'node:path';
import type { ExecResult } from '../core/exec';
import type { RhoaiWorld } from '../core/world';

export interface FraudScaler {
  mean: number[];
  scale: number[];
  /** Where it came from, for the report. */
  source: string;
}

declare module '../core/world' {
  interface ScenarioFacts {
    /** The StandardScaler the tutorial's training fitted. */
    fraudScaler?: FraudScaler;
  }
}

export const FEATURE_COUNT = 5;

const UNPICKLE = [
  'import json, pickle',
  "s = pickle.load(open('artifact/scaler.pkl', 'rb'))",
  "print(json.dumps({'mean': [float(x) for x in s.mean_], 'scale': [float(x) for x in s.scale_]}))",
].join('; ');

/** Runs a command in the workbench (exec) and returns its result. */
export type WorkbenchExec = (command: string[]) => Promise<ExecResult>;

/** Reads the scaler from the clone at `repoDir` of the workbench (`where` names it for messages). */
export async function readFraudScaler(world: RhoaiWorld, exec: WorkbenchExec, repoDir: string, where: string): Promise<FraudScaler> {
  const json = path.posix.join(repoDir, 'artifact/scaler.json');
  const cat = await exec(['cat', json]);
  let parsed: { mean?: unknown; scale?: unknown } | undefined;
  let source: string;
  if (cat.exitCode === 0) {
    parsed = parseJson(cat.stdout, json);
    source = `${json} in ${where}`;
  } else {
    const pickled = await exec(['sh', '-c', `cd ${shellQuote(repoDir)} && python3 -c ${shellQuote(UNPICKLE)}`]);
    expect(
      pickled.exitCode,
      `the training left no scaler in ${repoDir} of ${where}: neither artifact/scaler.json (${cat.stderr.trim() || `exit ${cat.exitCode}`}) nor a readable artifact/scaler.pkl (${pickled.stderr.trim().split('\n').pop() || `exit ${pickled.exitCode}`}); run the training notebook first`,
    ).to.equal(0);
    parsed = parseJson(pickled.stdout, 'artifact/scaler.pkl');
    source = `${path.posix.join(repoDir, 'artifact/scaler.pkl')} in ${where} (unpickled by the workbench's Python)`;
  }
  const scaler = checkScaler(parsed, source);
  world.facts.fraudScaler = scaler;
  world.report.text("the training's StandardScaler", `${source}\nmean  ${scaler.mean.join(', ')}\nscale ${scaler.scale.join(', ')}`);
  return scaler;
}

/** A scaler of five features with finite means and positive scales, or an error naming what is wrong. */
export function checkScaler(parsed: { mean?: unknown; scale?: unknown } | undefined, source: string): FraudScaler {
  const numbers = (v: unknown) =>
    Array.isArray(v) && v.length === FEATURE_COUNT && v.every((x) => typeof x === 'number' && Number.isFinite(x));
  expectOk(parsed && numbers(parsed.mean), `the scaler of ${source} has no ${FEATURE_COUNT} finite means: ${JSON.stringify(parsed?.mean)}`);
  expect(
    numbers(parsed.scale) && (parsed.scale as number[]).every((x) => x > 0),
    `the scaler of ${source} has no ${FEATURE_COUNT} positive scales: ${JSON.stringify(parsed?.scale)}`,
  ).to.equal(true);
  return { mean: parsed.mean as number[], scale: parsed.scale as number[], source };
}

/** sklearn's StandardScaler.transform of one row. */
export function scale(scaler: FraudScaler, raw: readonly number[]): number[] {
  expect(raw.length, `a transaction has ${FEATURE_COUNT} features, got ${raw.length}`).to.equal(FEATURE_COUNT);
  return raw.map((x, i) => (x - scaler.mean[i]!) / scaler.scale[i]!);
}

function parseJson(text: string, what: string): { mean?: unknown; scale?: unknown } {
  try {
    return JSON.parse(text.trim());
  } catch {
    throw new Error(`${what} is not JSON: ${text.slice(0, 200)}`);
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
