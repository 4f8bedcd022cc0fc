// The settings of a run: loading them from the environment (load.ts) and the table of every
// setting (settings*.ts), with the names the rest of the harness imports.
export { loadSettings, secretSettingValues, ConfigurationError, type Environment } from './load';
export { SETTINGS, SETTING_DEFINITIONS, InvalidSettingValue, type Settings, type SettingKey, type SettingDefinition } from './settings';
export { settingsReferenceMarkdown } from './reference';
