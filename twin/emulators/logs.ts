// A container's log as the kubelet keeps it: timestamped lines, read whole or followed.

export interface LogLine {
  /** RFC 3339 with nanoseconds, as `kubectl logs --timestamps` prints it. */
  time: string;
  text: string;
}

const MAX_LINES = 10_000;

export class ContainerLog {
  private readonly lines: LogLine[] = [];
  private readonly followers = new Set<(line: LogLine | undefined) => void>();
  private closed = false;

  append(text: string): void {
    for (const part of text.replace(/\n$/, '').split('\n')) {
      const line = { time: nanoTimestamp(), text: part };
      this.lines.push(line);
      if (this.lines.length > MAX_LINES) this.lines.shift();
      for (const f of this.followers) f(line);
    }
  }

  snapshot(): LogLine[] {
    return [...this.lines];
  }

  get ended(): boolean {
    return this.closed;
  }

  /** Calls `onLine` for each new line, and with undefined when the container stops; returns an unsubscribe function. */
  follow(onLine: (line: LogLine | undefined) => void): () => void {
    if (this.closed) {
      onLine(undefined);
      return () => undefined;
    }
    this.followers.add(onLine);
    return () => this.followers.delete(onLine);
  }

  /** The container stopped: followers are told the stream ends. */
  close(): void {
    this.closed = true;
    for (const f of this.followers) f(undefined);
    this.followers.clear();
  }
}

function nanoTimestamp(): string {
  const now = new Date();
  const frac = String(now.getMilliseconds()).padStart(3, '0') + String(process.hrtime.bigint() % 1_000_000n).padStart(6, '0');
  return now.toISOString().replace(/\.\d+Z$/, `.${frac}Z`);
}
