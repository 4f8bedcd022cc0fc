// The harness's own log lines (stderr, so that stdout formatters stay clean), always redacted, and
// the console redaction installed under every other line printed through console.*.
import { format } from 'node:util';
import type { Redactor } from './redact';

export function writeLine(redactor: Redactor, text: string): void {
  process.stderr.write(`${redactor.redactText(text)}\n`);
}

const REDACTOR = Symbol.for('rhoai-harness.console-redactor');

/**
 * Routes console.log/info/warn/error/debug through the redactor. The console is patched once per
 * process; a later run in the same process (the harness's acceptance tests run it again and again in
 * one Cucumber process) brings its own redactor, which replaces the earlier run's.
 */
export function installConsoleRedaction(redactor: Redactor): void {
  const target = console as unknown as Record<symbol, Redactor | undefined>;
  const patched = target[REDACTOR] !== undefined;
  target[REDACTOR] = redactor;
  if (patched) return;
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => original(target[REDACTOR]!.redactText(format(...args)));
  }
}
