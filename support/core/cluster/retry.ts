// Bounded retries with exponential backoff for transient API failures.
//
// Why retry at all: a Kubernetes API server answers 429 when API Priority and Fairness sheds load,
// 5xx while it (or an aggregated API, or the etcd behind it) restarts or changes leader, and resets
// connections when a load balancer in front of it rotates. Those failures say nothing about the
// state the harness asserts, so a step should survive them; a bound keeps a persistent failure
// visible (the last error is thrown) instead of hiding it.

export interface RetryPolicy {
  /** Total attempts, including the first. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 200, maxDelayMs: 5_000 };

/** Network error codes that mean "the request did not get an answer; trying again may work". */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

export interface TransientAware {
  /** True when the failure is worth another attempt. */
  readonly transient: boolean;
  /** Server-advised delay (Retry-After), in ms. */
  readonly retryAfterMs?: number;
}

export function isTransientStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 504);
}

export function isTransientNetworkError(error: unknown): boolean {
  const e = error as NodeJS.ErrnoException | undefined;
  if (!e) return false;
  if (e.code && TRANSIENT_NETWORK_CODES.has(e.code)) return true;
  return /socket hang up|ECONNRESET|ECONNREFUSED/i.test(e.message ?? '');
}

export function backoffDelay(policy: RetryPolicy, failedAttempts: number, advisedMs?: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  return advisedMs !== undefined ? Math.min(policy.maxDelayMs, Math.max(advisedMs, exponential)) : exponential;
}

/** Waits ms (a backoff timer, not a poll), or rejects when the signal aborts. */
export function backoff(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Runs fn, retrying transient failures (errors with `transient: true`) up to policy.attempts. */
export async function withRetry<T>(fn: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      const e = error as Partial<TransientAware>;
      if (!e?.transient || attempt >= policy.attempts || signal?.aborted) throw error;
      await backoff(backoffDelay(policy, attempt, e.retryAfterMs), signal);
    }
  }
}
