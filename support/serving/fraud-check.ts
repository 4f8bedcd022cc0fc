// The check that proves a served fraud model really infers: the tutorial's sample transactions
// (workloads.md §1.3: a coffee bought with chip and PIN, not fraud; a stolen card used online far
// from the last transaction, fraud), scaled with the training's StandardScaler, sent to the v2
// inference API under the input the model's metadata declares; the output (the metadata's first
// output) is a probability, and the tutorial's rule calls fraud above 0.95. A model that does not
// tell them apart — both on the same side of 0.95 — fails the check.
import { expect } from 'chai';
import { expectOk } from '../core/expect';
import { flatten, type InferenceClient, v2InferResponse, v2ModelMetadata, type V2ModelMetadata } from './inference';
import type { RhoaiWorld } from '../core/world';
import type { Endpoint } from './endpoints';
import { FEATURE_COUNT, scale, type FraudScaler } from './scaler';

/** The tutorial's rule (its REST notebooks): fraud when the model's output is above 0.95. */
export const FRAUD_THRESHOLD = 0.95;

/** Raw features in the model's order: distance_from_last_transaction, ratio_to_median_purchase_price, used_chip, used_pin_number, online_order. */
export const TUTORIAL_TRANSACTIONS = {
  legitimate: { label: 'a coffee bought with chip and PIN', raw: [0.0, 1.0, 1.0, 1.0, 0.0] },
  fraudulent: { label: 'a stolen card used online, far from the last transaction', raw: [100, 1.2, 0.0, 0.0, 1.0] },
} as const;

export interface Verdict {
  label: string;
  raw: readonly number[];
  scaled: number[];
  probability: number;
}

/**
 * A tensor's shape as numbers. OVMS (KServe) writes the dimensions as JSON numbers; ModelMesh's
 * rest-proxy writes its metadata as protobuf JSON, where `repeated int64 shape` is a list of strings
 * (["-1", "5"]; rest-proxy rhoai-2.9 proxy/marshaler.go re-encodes only infer responses). Both are
 * read; anything else is an error naming it.
 */
export function shapeDims(shape: unknown, what: string): number[] {
  if (!Array.isArray(shape)) expect.fail(`${what} has no shape list: ${JSON.stringify(shape)}`);
  return shape.map((d) => {
    const n = typeof d === 'number' ? d : typeof d === 'string' && /^-?\d+$/.test(d) ? Number(d) : NaN;
    expect(
      Number.isSafeInteger(n),
      `${what} has the dimension ${JSON.stringify(d)} in its shape ${JSON.stringify(shape)}: not an integer (a JSON number, or protobuf JSON's int64 string)`,
    ).to.equal(true);
    return n;
  });
}

/** The model's metadata, checked to be the fraud model's shape: one FP32 input of 5 features, one output. Shapes come back as numbers. */
export async function fraudModelMetadata(client: InferenceClient, endpoint: Endpoint, model: string): Promise<V2ModelMetadata> {
  const raw = v2ModelMetadata(await client.metadata(endpoint.base, model));
  const tensors = (list: V2ModelMetadata['inputs'], kind: string) =>
    list?.map((t) => ({ ...t, shape: t.shape === undefined ? [] : shapeDims(t.shape, `model ${model}'s ${kind} ${t.name}`) }));
  const meta: V2ModelMetadata = { ...raw, inputs: tensors(raw.inputs, 'input'), outputs: tensors(raw.outputs, 'output') };
  const input = meta.inputs?.[0];
  expectOk(
    input && meta.inputs!.length === 1,
    `model ${model} declares ${meta.inputs?.length ?? 0} inputs; the fraud model has one (dense_input)`,
  );
  expect(input.datatype, `model ${model}'s input ${input.name} is ${input.datatype}, not FP32`).to.equal('FP32');
  expect(
    input.shape[input.shape.length - 1],
    `model ${model}'s input ${input.name} has shape [${input.shape.join(', ')}], not [-1, ${FEATURE_COUNT}]`,
  ).to.equal(FEATURE_COUNT);
  expectOk(meta.outputs?.length, `model ${model} declares no outputs`);
  return meta;
}

/** Sends one transaction; returns the probability the model gives it. */
export async function infer(
  client: InferenceClient,
  endpoint: Endpoint,
  model: string,
  meta: V2ModelMetadata,
  scaler: FraudScaler,
  tx: { label: string; raw: readonly number[] },
): Promise<Verdict> {
  const scaled = scale(scaler, tx.raw);
  const input = meta.inputs![0]!;
  const answer = v2InferResponse(
    await client.infer(endpoint.base, model, [{ name: input.name, shape: [1, FEATURE_COUNT], datatype: 'FP32', data: scaled }]),
  );
  const wanted = meta.outputs![0]!.name;
  const output = answer.outputs.find((o) => o.name === wanted);
  expectOk(
    output,
    `the answer for ${tx.label} has no output ${wanted} (the metadata's output); it has ${answer.outputs.map((o) => o.name).join(', ')}`,
  );
  expect(output.datatype, `output ${wanted} is ${output.datatype}, not FP32`).to.equal('FP32');
  const values = flatten(output.data);
  expect(values.length, `output ${wanted} for one transaction has ${values.length} values, not 1`).to.equal(1);
  const p = Number(values[0]);
  expect(
    Number.isFinite(p) && p >= 0 && p <= 1,
    `output ${wanted} for ${tx.label} is ${String(values[0])}, not a probability in [0, 1]`,
  ).to.equal(true);
  return { label: tx.label, raw: tx.raw, scaled, probability: p };
}

/** The legitimate transaction at or below 0.95, the fraudulent one above: the model tells them apart. */
export function assertVerdicts(legitimate: Verdict, fraudulent: Verdict): void {
  const text = (v: Verdict) => `${v.label} ${JSON.stringify(v.raw)} → ${v.probability.toFixed(6)}`;
  const sameSide = legitimate.probability > FRAUD_THRESHOLD === fraudulent.probability > FRAUD_THRESHOLD;
  expect(
    !sameSide,
    `both transactions land on the same side of ${FRAUD_THRESHOLD}: ${text(legitimate)}, ${text(fraudulent)} — the served model does not tell fraud from a legitimate purchase`,
  ).to.equal(true);
  expect(
    fraudulent.probability > FRAUD_THRESHOLD,
    `the fraudulent transaction is not called fraud: ${text(fraudulent)} (≤ ${FRAUD_THRESHOLD}) while ${text(legitimate)}`,
  ).to.equal(true);
}

/** The whole check, attached to the report as a small table. */
export async function checkFraudVerdicts(
  world: RhoaiWorld,
  client: InferenceClient,
  endpoint: Endpoint,
  model: string,
  scaler: FraudScaler,
): Promise<{ legitimate: Verdict; fraudulent: Verdict }> {
  const meta = await fraudModelMetadata(client, endpoint, model);
  const legitimate = await infer(client, endpoint, model, meta, scaler, TUTORIAL_TRANSACTIONS.legitimate);
  const fraudulent = await infer(client, endpoint, model, meta, scaler, TUTORIAL_TRANSACTIONS.fraudulent);
  world.report.text(
    'fraud verdicts',
    [
      `model ${model} at ${endpoint.base} (input ${meta.inputs![0]!.name}, output ${meta.outputs![0]!.name}); fraud when > ${FRAUD_THRESHOLD}`,
      ...[legitimate, fraudulent].map(
        (v) =>
          `${v.label}: raw ${JSON.stringify(v.raw)} scaled [${v.scaled.map((x) => x.toFixed(4)).join(', ')}] → ${v.probability.toFixed(6)} (${v.probability > FRAUD_THRESHOLD ? 'fraud' : 'not fraud'})`,
      ),
    ].join('\n'),
  );
  assertVerdicts(legitimate, fraudulent);
  return { legitimate, fraudulent };
}
