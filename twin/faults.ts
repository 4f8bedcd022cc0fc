// Fault injection: the catalogue of ways the twin can be told to fail, and the runtime switches the
// API server and controllers consult. Each controller module exports the faults it implements;
// `caughtBy` is the Cucumber tag expression of the scenarios that must fail under that fault
// (empty for transient faults the harness must survive).
import type { TransportFaults } from './api/http';
import { API_FAULTS } from './api/api-faults';
import type { NodeSpec } from './bootstrap';
import { CONTROLLER_FAULTS } from './controllers/faults';

export interface FaultDefinition {
  name: string;
  description: string;
  /** Tag expression of the scenarios this fault must make fail; '' when the harness must survive it. */
  caughtBy: string;
  /** Words the failure message must contain, so a test can check the harness names the cause. */
  expectMessage?: string;
  /** A fault that models another cluster: the nodes the twin starts with instead of its default ones. */
  nodes?: NodeSpec[];
}

export const FAULT_CATALOGUE: FaultDefinition[] = [...API_FAULTS, ...CONTROLLER_FAULTS];

export class UnknownFaultError extends Error {}

/** The faults switched on for one twin process. */
export class FaultSet implements TransportFaults {
  private readonly active: Set<string>;
  private seed: number;
  private readonly consecutive = new Map<string, number>();

  constructor(names: string[], seed = 20240513) {
    const known = new Set(FAULT_CATALOGUE.map((f) => f.name));
    const unknown = names.filter((n) => !known.has(n));
    if (unknown.length) {
      throw new UnknownFaultError(`unknown fault${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}; known faults: ${[...known].sort().join(', ')} (see: npx rhoai-twin faults --json)`);
    }
    this.active = new Set(names);
    this.seed = seed;
  }

  has(name: string): boolean {
    return this.active.has(name);
  }

  names(): string[] {
    return [...this.active];
  }

  /** The nodes an active fault asks the cluster to have (see FaultDefinition.nodes), if any. */
  nodes(): NodeSpec[] | undefined {
    return FAULT_CATALOGUE.find((f) => f.nodes && this.active.has(f.name))?.nodes;
  }

  /** Deterministic pseudo-random numbers (mulberry32), so a faulty run can be repeated. */
  random(): number {
    let t = (this.seed += 0x6d2b79f5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  transientFailure(method: string, url: string): { code: number; reason: string; retryAfter?: number } | undefined {
    if (!this.has('api-transient-errors')) return undefined;
    const key = `${method} ${url.split('?')[0]}`;
    const streak = this.consecutive.get(key) ?? 0;
    // At most two failures in a row for the same request: a client with bounded retries survives.
    if (streak < 2 && this.random() < 0.2) {
      this.consecutive.set(key, streak + 1);
      const pick = this.random();
      return pick < 0.4 ? { code: 429, reason: 'TooManyRequests', retryAfter: 1 } : pick < 0.7 ? { code: 503, reason: 'ServiceUnavailable' } : { code: 500, reason: 'InternalError' };
    }
    this.consecutive.set(key, 0);
    return undefined;
  }

  watchCut(): number | undefined {
    if (!this.has('api-drop-watches')) return undefined;
    return 20 + Math.floor(this.random() * 400);
  }

  watchExpired(): boolean {
    return this.has('api-drop-watches') && this.random() < 0.3;
  }
}
