// Kubernetes resource quantities (resource.Quantity's grammar) as numbers and back, for quotas:
// "500m" cores, "36Gi" bytes, "5" GPUs. Exact enough for quota arithmetic (doubles hold every
// byte count below 8 PiB exactly).

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
export const GIB = 2 ** 30;

export function isQuantity(text: string): boolean {
  return QUANTITY.test(text.trim());
}

/** The value in base units (cores, bytes, devices); throws on a malformed quantity. */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = QUANTITY.exec(q.trim());
  if (!m) throw new Error(`"${q}" is not a Kubernetes quantity`);
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  const suffix = m[3] ?? '';
  return n * (BINARY[suffix] ?? DECIMAL[suffix]!);
}

/** cpu: whole cores when integral, else millicores ("44", "44500m"). */
export function formatCpu(cores: number): string {
  const milli = Math.round(cores * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** memory: the largest binary suffix that divides it ("36Gi", "512Mi"), else bytes. */
export function formatMemory(bytes: number): string {
  for (const suffix of ['Ti', 'Gi', 'Mi', 'Ki'] as const)
    if (bytes > 0 && bytes % BINARY[suffix]! === 0) return `${bytes / BINARY[suffix]!}${suffix}`;
  return String(Math.round(bytes));
}

/** A quantity of `resource` as text (cpu and memory as above, anything else as a whole count). */
export function formatQuantity(resource: string, value: number): string {
  if (resource === 'cpu') return formatCpu(value);
  if (resource === 'memory') return formatMemory(value);
  return String(Math.round(value));
}
