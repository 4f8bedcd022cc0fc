// The building blocks of setting definitions: the definition shape, the error a parser throws, and
// parsers shared by the tables of settings (settings.ts and its domain files settings-*.ts).
import * as path from 'node:path';

/** Thrown by a parser: `allowed` says, in words, what the variable accepts. */
export class InvalidSettingValue extends Error {
  constructor(
    readonly allowed: string,
    readonly detail?: string,
  ) {
    super(detail ? `${detail}; allowed: ${allowed}` : `allowed: ${allowed}`);
  }
}

export interface SettingDefinition<T> {
  /** The environment variable. */
  readonly name: string;
  readonly description: string;
  /** What the variable accepts, in words (shown in errors and the README). */
  readonly allowed: string;
  /** The default, in words (shown in the README); undefined when the setting is optional. */
  readonly default?: string;
  /** A secret value is never echoed back, not even in an error about it. */
  readonly secret: boolean;
  /** Parses the raw value (undefined when unset or empty) and throws InvalidSettingValue. */
  parse(raw: string | undefined): T;
}

export function define<T>(definition: SettingDefinition<T>): SettingDefinition<T> {
  return definition;
}

export function oneOf<const V extends string>(values: readonly V[], fallback: V) {
  const allowed = values.join(' | ');
  return {
    allowed,
    default: fallback,
    parse(raw: string | undefined): V {
      if (raw === undefined) return fallback;
      const match = values.find((v) => v === raw);
      if (!match) throw new InvalidSettingValue(allowed);
      return match;
    },
  };
}

export function integer(raw: string, min: number): number {
  if (!/^\d+$/.test(raw)) throw new InvalidSettingValue(`an integer >= ${min}`);
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) throw new InvalidSettingValue(`an integer >= ${min}`);
  return value;
}

export function filePath(raw: string): string {
  return path.resolve(raw);
}

export const CHANNEL = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** A subscription channel; `@default` (returned as undefined) means the PackageManifest's defaultChannel. */
export function channel(raw: string | undefined, fallback: string): string | undefined {
  const value = raw ?? fallback;
  if (value === '@default') return undefined;
  if (!CHANNEL.test(value)) throw new InvalidSettingValue('a channel name (letters, digits, ".", "_", "-") or @default');
  return value;
}
