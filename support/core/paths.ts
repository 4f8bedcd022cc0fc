// Where the project lives on disk, so that the harness finds fixtures/ and twin/ wherever it is run from.
// Every path here is absolute; displayPath shortens one for messages.
import * as path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES_DIR = path.join(PROJECT_ROOT, 'fixtures');
/** reports/, or RHOAI_REPORTS_DIR (the test suite runs nested runs into their own report folders). */
export const REPORTS_DIR = process.env.RHOAI_REPORTS_DIR ? path.resolve(process.env.RHOAI_REPORTS_DIR) : path.join(PROJECT_ROOT, 'reports');
export const ALLURE_RESULTS_DIR = path.join(REPORTS_DIR, 'allure-results');
/** The twin's command line; the harness runs it as a separate process and never imports twin/. */
export const TWIN_CLI = path.join(PROJECT_ROOT, 'twin', 'cli.ts');

/** A path relative to the project root when it lies inside it, for messages a person reads. */
export function displayPath(file: string): string {
  const relative = path.relative(PROJECT_ROOT, file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
