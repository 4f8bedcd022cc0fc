// Where the project lives on disk, so that the harness finds fixtures/ and twin/ wherever it is run from.
import * as path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const FIXTURES_DIR = path.join(PROJECT_ROOT, 'fixtures');
export const REPORTS_DIR = path.join(PROJECT_ROOT, 'reports');
export const ALLURE_RESULTS_DIR = path.join(REPORTS_DIR, 'allure-results');
/** The twin's command line; the harness runs it as a separate process and never imports twin/. */
export const TWIN_CLI = path.join(PROJECT_ROOT, 'twin', 'cli.ts');

/** A path relative to the project root when it lies inside it, for messages a person reads. */
export function displayPath(file: string): string {
  const relative = path.relative(PROJECT_ROOT, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
