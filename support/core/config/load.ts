// Reads and validates every setting at once, so that a wrong value stops the run before anything
// is applied, with one message that names each bad variable, its value (unless secret) and what
// it allows.
import { InvalidSettingValue, SETTINGS, type SettingKey, type Settings } from './settings';

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`rhoai-harness: invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

export type Environment = Readonly<Record<string, string | undefined>>;

export function loadSettings(env: Environment = process.env): Settings {
  const problems: string[] = [];
  const values: Partial<Record<SettingKey, unknown>> = {};
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const definition = SETTINGS[key];
    const raw = env[definition.name];
    try {
      values[key] = definition.parse(raw === '' ? undefined : raw);
    } catch (error) {
      const shown = definition.secret ? '(secret value not shown)' : JSON.stringify(raw);
      const reason = error instanceof InvalidSettingValue ? error.message : `allowed: ${definition.allowed} (${(error as Error).message})`;
      problems.push(`${definition.name}=${shown} is not valid: ${reason}`);
    }
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return Object.freeze(values) as Settings;
}

/** The secret setting values, for registration with the redactor. */
export function secretSettingValues(settings: Settings): string[] {
  return (Object.keys(SETTINGS) as SettingKey[])
    .filter((key) => SETTINGS[key].secret)
    .map((key) => settings[key])
    .filter((v): v is string => typeof v === 'string');
}
