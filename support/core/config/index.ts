export { loadSettings, secretSettingValues, ConfigurationError, type Environment } from './load';
export { SETTINGS, SETTING_DEFINITIONS, InvalidSettingValue, type Settings, type SettingKey, type SettingDefinition } from './settings';
export { settingsReferenceMarkdown } from './reference';
