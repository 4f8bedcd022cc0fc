// The fraud model's metadata as ModelMesh's rest-proxy answers it: protobuf JSON, where
// `repeated int64 shape` is a list of strings (rest-proxy rhoai-2.9 proxy/marshaler.go re-encodes
// only infer responses). The twin's rest-proxy writes it so (twin/emulators/modelmesh.ts
// protobufJson), and the harness reads both that and OVMS's numbers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange, InferenceClient } from '../../../support/serving/inference';
import { fraudModelMetadata, shapeDims } from '../../../support/serving/fraud-check';
import type { Endpoint } from '../../../support/serving/endpoints';
import { protobufJson } from '../../../twin/emulators/modelmesh';

const OVMS_METADATA = {
  name: 'fraud__isvc-0123456789',
  versions: ['1'],
  platform: 'OpenVINO',
  inputs: [{ name: 'dense_input', datatype: 'FP32', shape: [-1, 5] }],
  outputs: [{ name: 'dense_3', datatype: 'FP32', shape: [-1, 1] }],
};

function clientAnswering(body: unknown): InferenceClient {
  const exchange: Exchange<unknown> = {
    method: 'GET',
    url: 'https://mm.example/v2/models/fraud',
    status: 200,
    headers: {},
    body,
    json: true,
  };
  return { metadata: async () => exchange } as unknown as InferenceClient;
}
const endpoint = { base: 'https://mm.example' } as Endpoint;

describe('ModelMesh metadata: shapes as protobuf JSON writes them', () => {
  it("the twin's rest-proxy writes int64 dimensions as strings and leaves empty fields out", () => {
    const pb = protobufJson(OVMS_METADATA) as { inputs: { shape: unknown[] }[]; outputs: { shape: unknown[] }[] };
    assert.deepEqual(pb.inputs[0]!.shape, ['-1', '5']);
    assert.deepEqual(pb.outputs[0]!.shape, ['-1', '1']);
    assert.equal('versions' in protobufJson({ ...OVMS_METADATA, versions: [] }), false);
  });
  it("the harness reads ModelMesh's strings and OVMS's numbers alike", async () => {
    for (const body of [OVMS_METADATA, protobufJson(OVMS_METADATA)]) {
      const meta = await fraudModelMetadata(clientAnswering(body), endpoint, 'fraud');
      assert.deepEqual(meta.inputs![0]!.shape, [-1, 5]);
    }
  });
  it("a strict comparison with 5, as the harness did, fails on the rest-proxy's answer", () => {
    const pb = protobufJson(OVMS_METADATA) as { inputs: { shape: unknown[] }[] };
    assert.notStrictEqual(pb.inputs[0]!.shape[1], 5);
  });
  it('still refuses a wrong shape and a dimension that is not an integer, naming it', async () => {
    await assert.rejects(
      fraudModelMetadata(
        clientAnswering(protobufJson({ ...OVMS_METADATA, inputs: [{ name: 'dense_input', datatype: 'FP32', shape: [-1, 4] }] })),
        endpoint,
        'fraud',
      ),
      /has shape \[-1, 4\], not \[-1, 5\]/,
    );
    assert.throws(() => shapeDims(['-1', 'five'], 'input x'), /dimension "five"/);
    assert.throws(() => shapeDims('5', 'input x'), /no shape list/);
  });
});
