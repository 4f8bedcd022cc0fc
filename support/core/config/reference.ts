// The configuration reference of README.md, generated from the settings table
// (`node --import tsx scripts/settings-reference.ts` prints it).
import { SETTING_DEFINITIONS } from './settings';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function settingsReferenceMarkdown(): string {
  const rows = SETTING_DEFINITIONS.map(
    (d) =>
      `| \`${d.name}\` | ${cell(d.description)} | ${cell(d.allowed)} | ${d.default === undefined ? '—' : cell(d.default)} | ${d.secret ? 'yes' : ''} |`,
  );
  return ['| variable | what it does | allowed | default | secret |', '|---|---|---|---|---|', ...rows].join('\n');
}
