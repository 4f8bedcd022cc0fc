// The faults switched on for one twin process: the switches the API server's transport and the
// controllers consult, with deterministic randomness so that a faulty run can be repeated.
import type { TransportFaults } from './api/http';
import type { NodeSpec } from './bootstrap';
import type { FaultDefinition } from './fault-definition';

export class UnknownFaultError extends Error {}

/** The faults switched on for one twin process. */
export class FaultSet implements TransportFaults {
  private readonly active: Set<string>;
  private seed: number;
  private readonly consecutive = new Map<string, number>();

  /** `catalogue`: every fault the twin knows (the FAULT_CATALOGUE of faults.ts). */
  constructor(
    names: string[],
    private readonly catalogue: readonly FaultDefinition[],
    seed = 20240513,
  ) {
    const known = new Set(catalogue.map((f) => f.name));
    const unknown = names.filter((n) => !known.has(n));
    if (unknown.length) {
      throw new UnknownFaultError(
        `unknown fault${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}; known faults: ${[...known].sort().join(', ')} (see: npx rhoai-twin faults --json)`,
      );
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
    return this.catalogue.find((f) => f.nodes && this.active.has(f.name))?.nodes;
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
      return pick < 0.4
        ? { code: 429, reason: 'TooManyRequests', retryAfter: 1 }
        : pick < 0.7
          ? { code: 503, reason: 'ServiceUnavailable' }
          : { code: 500, reason: 'InternalError' };
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
