// The protocol buffers wire format, as much of it as ONNX files use: varints (int32/int64/enums),
// fixed32 (float), fixed64 (double), length-delimited (strings, bytes, messages, packed repeated
// scalars). Groups (wire types 3 and 4) are deprecated and never appear in ONNX; they are errors.

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

/** Bytes that are not a well-formed message; the message says where and what. */
export class ProtobufError extends Error {
  override name = 'ProtobufError';
}

const utf8 = new TextEncoder();

/** Builds one message; nested messages are built by a callback. */
export class ProtoWriter {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
  }

  private rawVarint(value: bigint): void {
    // Negative int64 values are written as their 64-bit two's complement (ten bytes).
    let v = BigInt.asUintN(64, value);
    const out: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v !== 0n) byte |= 0x80;
      out.push(byte);
    } while (v !== 0n);
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(BigInt(field) * 8n + BigInt(wireType));
  }

  /** An int32/int64/enum/bool field. */
  varint(field: number, value: number | bigint): this {
    this.tag(field, WIRE_VARINT);
    this.rawVarint(BigInt(value));
    return this;
  }

  /** A float field (fixed32). */
  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(BigInt(value.length));
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/**
 * One field of a message as found on the wire. `offset` is where its payload starts in the whole
 * file (what a nested message passes as `base`, so that errors point at the right byte).
 */
export type ProtoField =
  | { field: number; wireType: typeof WIRE_VARINT; offset: number; varint: bigint }
  | {
      field: number;
      wireType: typeof WIRE_FIXED64 | typeof WIRE_LENGTH_DELIMITED | typeof WIRE_FIXED32;
      offset: number;
      bytes: Uint8Array;
    };

/**
 * Every field of one message, in wire order. `what` names the message in errors
 * (e.g. "ModelProto.graph.node[2]"); `base` is the message's offset in the file, for the same.
 */
export function readFields(bytes: Uint8Array, what: string, base = 0): ProtoField[] {
  const fields: ProtoField[] = [];
  let at = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (at >= bytes.length) throw new ProtobufError(`${what}: truncated varint at byte ${base + at}`);
      const b = bytes[at++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new ProtobufError(`${what}: varint longer than 10 bytes at byte ${base + at}`);
  };
  const take = (n: number, field: number): Uint8Array => {
    if (n > bytes.length - at) {
      throw new ProtobufError(
        `${what}: field ${field} at byte ${base + at} needs ${n} bytes but only ${bytes.length - at} remain (truncated)`,
      );
    }
    const out = bytes.subarray(at, at + n);
    at += n;
    return out;
  };
  while (at < bytes.length) {
    const tagAt = at;
    const key = varint();
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (field === 0) throw new ProtobufError(`${what}: field number 0 at byte ${base + tagAt} (not a protobuf message)`);
    switch (wireType) {
      case WIRE_VARINT:
        fields.push({ field, wireType, offset: base + at, varint: varint() });
        break;
      case WIRE_FIXED64:
        fields.push({ field, wireType, offset: base + at, bytes: take(8, field) });
        break;
      case WIRE_LENGTH_DELIMITED: {
        const length = varint();
        if (length > BigInt(bytes.length - at)) {
          throw new ProtobufError(
            `${what}: field ${field} at byte ${base + tagAt} declares ${length} bytes but only ${bytes.length - at} remain (truncated)`,
          );
        }
        fields.push({ field, wireType, offset: base + at, bytes: take(Number(length), field) });
        break;
      }
      case WIRE_FIXED32:
        fields.push({ field, wireType, offset: base + at, bytes: take(4, field) });
        break;
      default:
        throw new ProtobufError(
          `${what}: field ${field} at byte ${base + tagAt} has wire type ${wireType}, which ONNX never uses (not a protobuf message, or a corrupt one)`,
        );
    }
  }
  return fields;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** A string field's text; invalid UTF-8 is an error naming the field. */
export function fieldString(f: ProtoField, what: string): string {
  if (f.wireType !== WIRE_LENGTH_DELIMITED) throw new ProtobufError(`${what}: expected a string, got wire type ${f.wireType}`);
  try {
    return utf8Strict.decode(f.bytes);
  } catch {
    throw new ProtobufError(`${what}: not valid UTF-8`);
  }
}

/** An int64/int32/enum field's value as a number (int64 two's complement; must fit a double exactly). */
export function fieldInt(f: ProtoField, what: string): number {
  if (f.wireType !== WIRE_VARINT) throw new ProtobufError(`${what}: expected an integer, got wire type ${f.wireType}`);
  const n = BigInt.asIntN(64, f.varint);
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) throw new ProtobufError(`${what}: ${n} is too large`);
  return Number(n);
}

/**
 * The values of a repeated integer field, packed (one length-delimited field) or not (one varint
 * field per value): parsers must accept both.
 */
export function repeatedInts(fields: ProtoField[], what: string): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.wireType === WIRE_VARINT) {
      out.push(fieldInt(f, what));
    } else if (f.wireType === WIRE_LENGTH_DELIMITED) {
      let at = 0;
      const b = f.bytes;
      while (at < b.length) {
        let result = 0n;
        let shift = 0n;
        for (;;) {
          if (at >= b.length) throw new ProtobufError(`${what}: truncated packed varint`);
          const byte = b[at++];
          result |= BigInt(byte & 0x7f) << shift;
          shift += 7n;
          if ((byte & 0x80) === 0) break;
          if (shift > 63n) throw new ProtobufError(`${what}: packed varint longer than 10 bytes`);
        }
        out.push(fieldInt({ field: f.field, wireType: WIRE_VARINT, offset: f.offset, varint: BigInt.asUintN(64, result) }, what));
      }
    } else {
      throw new ProtobufError(`${what}: expected integers, got wire type ${f.wireType}`);
    }
  }
  return out;
}

/** The values of a repeated float (fixed32) or double (fixed64) field, packed or not. */
export function repeatedFloats(fields: ProtoField[], width: 4 | 8, what: string): number[] {
  const out: number[] = [];
  const wire = width === 4 ? WIRE_FIXED32 : WIRE_FIXED64;
  for (const f of fields) {
    if (f.wireType !== wire && f.wireType !== WIRE_LENGTH_DELIMITED)
      throw new ProtobufError(`${what}: expected ${width === 4 ? 'floats' : 'doubles'}, got wire type ${f.wireType}`);
    const b = f.bytes;
    if (b.length % width !== 0) throw new ProtobufError(`${what}: ${b.length} bytes is not a whole number of ${width}-byte values`);
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let at = 0; at < b.length; at += width) out.push(width === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true));
  }
  return out;
}
