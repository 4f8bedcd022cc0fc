// sklearn's StandardScaler as the tutorial uses it: fitted on the training split only, it removes
// each feature's mean and divides by its (population) standard deviation. The tutorial pickles it
// to artifact/scaler.pkl; the twin's workbench writes artifact/scaler.json instead (SCALER_JSON_PATH),
// with sklearn's attribute names without the trailing underscore:
//   {"feature_names": [...5], "mean": [...5], "var": [...5], "scale": [...5], "n_samples_seen": N}

/** Where the twin's workbench leaves the fitted scaler, relative to the repository root. */
export const SCALER_JSON_PATH = 'artifact/scaler.json';

export interface StandardScaler {
  /** The feature each position stands for, in the model's input order. */
  feature_names: string[];
  mean: number[];
  /** Population variance (ddof 0), as sklearn's var_. */
  var: number[];
  /** sqrt(var), 1 where the variance is 0 (sklearn does the same). */
  scale: number[];
  n_samples_seen: number;
}

/** Fits a StandardScaler to rows of `featureNames.length` values. */
export function fitScaler(rows: readonly (readonly number[])[], featureNames: readonly string[]): StandardScaler {
  const width = featureNames.length;
  if (rows.length === 0) throw new RangeError('cannot fit a StandardScaler to no rows');
  const mean = new Array<number>(width).fill(0);
  const m2 = new Array<number>(width).fill(0);
  // Welford's update: stable for the heavy-tailed distances.
  rows.forEach((row, n) => {
    if (row.length !== width) throw new RangeError(`row ${n} has ${row.length} values, expected ${width}`);
    for (let c = 0; c < width; c++) {
      const delta = row[c] - mean[c];
      mean[c] += delta / (n + 1);
      m2[c] += delta * (row[c] - mean[c]);
    }
  });
  const variance = m2.map((v) => v / rows.length);
  return {
    feature_names: [...featureNames],
    mean,
    var: variance,
    scale: variance.map((v) => (v > 0 ? Math.sqrt(v) : 1)),
    n_samples_seen: rows.length,
  };
}

/** (x - mean) / scale for each value of one row. */
export function scaleRow(scaler: StandardScaler, row: readonly number[]): number[] {
  if (row.length !== scaler.mean.length)
    throw new RangeError(`expected ${scaler.mean.length} values (${scaler.feature_names.join(', ')}), got ${row.length}`);
  return row.map((x, c) => (x - scaler.mean[c]) / scaler.scale[c]);
}

/** scaler.transform(rows). */
export function scaleRows(scaler: StandardScaler, rows: readonly (readonly number[])[]): number[][] {
  return rows.map((row) => scaleRow(scaler, row));
}

/** The scaler as artifact/scaler.json (pretty-printed, with a final newline). */
export function scalerToJson(scaler: StandardScaler): string {
  return `${JSON.stringify(scaler, null, 2)}\n`;
}

/** Reads artifact/scaler.json; throws naming the field that is missing or malformed. */
export function parseScalerJson(text: string, source = SCALER_JSON_PATH): StandardScaler {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source} is not JSON: ${(e as Error).message}`, { cause: e });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${source} is not a JSON object`);
  const o = value as Record<string, unknown>;
  const numbers = (key: string): number[] => {
    const v = o[key];
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new Error(`${source}: "${key}" must be a non-empty array of numbers`);
    }
    return v as number[];
  };
  const mean = numbers('mean');
  const scale = numbers('scale');
  if (scale.length !== mean.length) throw new Error(`${source}: "scale" has ${scale.length} values but "mean" has ${mean.length}`);
  if (scale.some((s) => s <= 0)) throw new Error(`${source}: "scale" values must be positive`);
  const names = o.feature_names;
  const featureNames =
    Array.isArray(names) && names.every((n) => typeof n === 'string') ? (names as string[]) : mean.map((_, i) => `x${i}`);
  if (featureNames.length !== mean.length)
    throw new Error(`${source}: "feature_names" has ${featureNames.length} names but "mean" has ${mean.length} values`);
  return {
    feature_names: featureNames,
    mean,
    var: Array.isArray(o.var) ? numbers('var') : scale.map((s) => s * s),
    scale,
    n_samples_seen: typeof o.n_samples_seen === 'number' ? o.n_samples_seen : 0,
  };
}
