// A loaded ONNX model run by ONNX Runtime (onnxruntime-node, the CPU execution provider): what the
// twin's model servers (OpenVINO Model Server for KServe and ModelMesh) and the workbench's
// `onnxruntime.InferenceSession` compute from a model file. Loading and running are ONNX Runtime's
// own; this module only names the inputs and outputs as KServe v2 model metadata describes them
// (datatype FP32, INT64, ...; -1 for a symbolic dimension) and turns v2 request data into tensors.
import * as ort from 'onnxruntime-node';

/** A graph input or output as the runtime reports it. */
export interface TensorInfo {
  name: string;
  /** ONNX Runtime's element type (float32, int64, ...); undefined for a non-tensor value. */
  type?: string;
  /** Sizes, or the dim_param name of a symbolic dimension; empty when no shape is declared. */
  shape: (number | string)[];
}

/** A tensor fed to or returned by the runtime. */
export interface OnnxTensor {
  dims: number[];
  data: ArrayLike<number | bigint | boolean>;
}

/** ONNX Runtime refused the model (the message is the runtime's). */
export class OnnxLoadError extends Error {
  override name = 'OnnxLoadError';
}

/** KServe v2 datatypes of ONNX Runtime's tensor types. */
const V2_DATATYPES: Record<string, string> = {
  float32: 'FP32',
  float64: 'FP64',
  float16: 'FP16',
  int64: 'INT64',
  int32: 'INT32',
  int16: 'INT16',
  int8: 'INT8',
  uint64: 'UINT64',
  uint32: 'UINT32',
  uint16: 'UINT16',
  uint8: 'UINT8',
  bool: 'BOOL',
  string: 'BYTES',
};

/** The runtime's tensor type of a v2 datatype (undefined for one it has none of). */
export function ortType(v2Datatype: string): string | undefined {
  return Object.entries(V2_DATATYPES).find(([, v]) => v === v2Datatype)?.[0];
}

/** An input or output as v2 model metadata lists it: {name, datatype, shape} with -1 for a symbolic dimension. */
export function v2TensorMetadata(info: TensorInfo): { name: string; datatype: string; shape: number[] } {
  return {
    name: info.name,
    datatype: (info.type && V2_DATATYPES[info.type]) ?? 'UNDEFINED',
    shape: info.shape.map((d) => (typeof d === 'number' ? d : -1)),
  };
}

function tensorInfo(m: ort.InferenceSession.ValueMetadata): TensorInfo {
  return m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, shape: [] };
}

const TYPED: Record<string, (values: number[]) => ort.Tensor['data']> = {
  float32: (v) => Float32Array.from(v),
  float64: (v) => Float64Array.from(v),
  int32: (v) => Int32Array.from(v),
  int16: (v) => Int16Array.from(v),
  int8: (v) => Int8Array.from(v),
  uint32: (v) => Uint32Array.from(v),
  uint16: (v) => Uint16Array.from(v),
  uint8: (v) => Uint8Array.from(v),
  int64: (v) => BigInt64Array.from(v.map((x) => BigInt(Math.trunc(x)))),
  uint64: (v) => BigUint64Array.from(v.map((x) => BigInt(Math.trunc(x)))),
  bool: (v) => Uint8Array.from(v.map((x) => (x ? 1 : 0))),
};

export class OnnxSession {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly inputs: TensorInfo[],
    readonly outputs: TensorInfo[],
  ) {}

  /** Loads model bytes into ONNX Runtime (one thread per session: the twin shares its cores). */
  static async fromBytes(bytes: Uint8Array): Promise<OnnxSession> {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        executionProviders: ['cpu'],
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
    } catch (err) {
      throw new OnnxLoadError((err as Error).message);
    }
    return new OnnxSession(session, session.inputMetadata.map(tensorInfo), session.outputMetadata.map(tensorInfo));
  }

  /** Runs the graph on numbers given by input name (row-major data, their dims); the outputs by name. */
  async run(feeds: Record<string, { dims: number[]; data: ArrayLike<number> }>): Promise<Record<string, OnnxTensor>> {
    const tensors: Record<string, ort.Tensor> = {};
    for (const [name, feed] of Object.entries(feeds)) {
      const type = this.inputs.find((i) => i.name === name)?.type ?? 'float32';
      const make = TYPED[type];
      if (!make) throw new Error(`input ${name} has element type ${type}, which the twin's servers do not feed`);
      tensors[name] = new ort.Tensor(type as 'float32', make(Array.from(feed.data)) as Float32Array, feed.dims);
    }
    const results = await this.session.run(tensors);
    const out: Record<string, OnnxTensor> = {};
    for (const [name, value] of Object.entries(results)) {
      const t = value as ort.Tensor;
      out[name] = { dims: [...t.dims], data: t.data as ArrayLike<number> };
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
