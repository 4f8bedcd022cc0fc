// The harness's own log lines (stderr, so that stdout formatters stay clean), always redacted, and
// the console redaction installed under every other line printed through console.*.
import { format } from 'node:util';
import type { Redactor } from './redact';

export function writeLine(redactor: Redactor, text: string): void {
  process.stderr.write(`${redactor.redactText(text)}\n`);
}

const PATCHED = Symbol.for('rhoai-harness.console-redaction');

/** Routes console.log/info/warn/error/debug through the redactor (once per process). */
export function installConsoleRedaction(redactor: Redactor): void {
  const target = console as unknown as Record<string | symbol, unknown>;
  if (target[PATCHED]) return;
  target[PATCHED] = true;
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => original(redactor.redactText(format(...args)));
  }
}
