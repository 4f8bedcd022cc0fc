// Any tag alone on the embedded twin: a scenario that needs the installed platform (RHOAI with
// default-dsc) but is not itself one of the installer's scenarios gets the installer run first,
// once per run, as a user would run it: `cucumber-js --tags @install` in a child process against
// the same twin (same RHOAI_RUN_ID, so it joins the twin this run started), its reports in
// reports/install-first/. On a real cluster nothing is installed behind the user's back: the
// scenario's own check refuses with its clear message.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ClusterClient } from '../cluster';
import { UnknownKindError } from '../cluster';
import type { Settings } from '../config';
import { PROJECT_ROOT } from '../paths';
import { oncePerRun, runDirectory } from './run-coordination';
import { ensureWorkDir, type Target } from './connect';
import { DEFAULT_DSC, DSC_API } from '../../rhoai/names';

/** Where the installer's own scenarios live: they install, they are not installed for. */
const INSTALLER_FEATURES = ['features/00-access/', 'features/00-smoke/', 'features/10-install/'];

/** How long the installer may take on the twin (its scenarios carry their own bounded waits). */
const INSTALL_FIRST_TIMEOUT_MS = 1_800_000;

export const INSTALL_FIRST_TAGS = '@install';
export const INSTALL_FIRST_FOLDER = 'install-first';

/** Where the installer starts: a run whose first scenario is here runs the installer itself, from its start. */
const INSTALLER_START = ['features/00-access/', 'features/00-smoke/', 'features/10-install/01-'];

const uriOf = (featureUri: string) => featureUri.split(path.sep).join('/').replace(/^\.\//, '');

/**
 * Whether a scenario (by its feature file) relies on an installer it does not contain: a feature
 * outside the installer's; or, as the first scenario of a serial run, an installer feature that
 * builds on the ones before it (e.g. `--tags @serving` starts at 10-install/06-kserve-manual-mode,
 * which needs the Service Mesh, Serverless and the gateway of 03-05).
 */
export function needsInstalledPlatform(featureUri: string, firstOfSerialRun = false): boolean {
  const uri = uriOf(featureUri);
  if (!uri.startsWith('features/')) return false;
  if (!INSTALLER_FEATURES.some((prefix) => uri.startsWith(prefix))) return true;
  return firstOfSerialRun && !INSTALLER_START.some((prefix) => uri.startsWith(prefix));
}

/** The platform the tutorials and distributed workloads expect: the DataScienceCluster default-dsc exists. */
export async function platformInstalled(client: ClusterClient): Promise<boolean> {
  try {
    return (await client.get({ apiVersion: DSC_API, kind: 'DataScienceCluster', name: DEFAULT_DSC })) !== undefined;
  } catch (error) {
    if (error instanceof UnknownKindError) return false;
    throw error;
  }
}

export interface InstallFirstOutcome {
  readonly reports: string;
  readonly summary: string;
}

/** Runs `cucumber-js --tags @install` against this run's twin; resolves with its summary, rejects when it failed. */
export function runInstallerChild(settings: Settings, reportsDir: string): Promise<InstallFirstOutcome> {
  const reports = path.join(reportsDir, INSTALL_FIRST_FOLDER);
  fs.mkdirSync(reports, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, RHOAI_REPORTS_DIR: reports, RHOAI_TARGET: 'twin' };
  // The child is a run of its own (serial), joining the twin through the shared RHOAI_RUN_ID.
  for (const key of Object.keys(env)) if (key.startsWith('CUCUMBER_')) delete env[key];
  const cucumber = path.join(PROJECT_ROOT, 'node_modules', '@cucumber', 'cucumber', 'bin', 'cucumber.js');
  const consoleFile = path.join(reports, 'console.log');
  return new Promise((resolve, reject) => {
    const out = fs.openSync(consoleFile, 'w', 0o600);
    const child = spawn(process.execPath, [cucumber, '--tags', INSTALL_FIRST_TAGS, '--format', 'summary'], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    child.once('error', (error) =>
      reject(new Error(`could not start the installer (cucumber-js --tags ${INSTALL_FIRST_TAGS}): ${error.message}`)),
    );
    child.once('exit', (code, signal) => {
      const text = fs.readFileSync(consoleFile, 'utf8');
      const summary = text.match(/^\d+ scenarios? \([^)]*\)$/m)?.[0] ?? '(no summary)';
      if (code === 0) resolve({ reports, summary });
      else {
        const failing = text.match(/^\s*(?:AssertionError|Error|\w+Error)[^\n]*$/m)?.[0]?.trim() ?? '';
        reject(
          new Error(
            `the scenarios need the installed platform and the embedded twin has none, so the installer ran first (cucumber-js --tags ${INSTALL_FIRST_TAGS}) and failed ` +
              `(${signal ? `signal ${signal}` : `exit code ${code}`}; ${summary})${failing ? `: ${failing}` : ''}; see ${consoleFile} and ${reports}`,
          ),
        );
      }
    });
  });
}

/**
 * Before a scenario that needs the installed platform: on the embedded twin without default-dsc,
 * run the installer first (once per run, whichever worker asks first). Returns the line that says
 * what happened, or undefined when nothing was done.
 */
export async function installFirstIfNeeded(
  target: Target,
  client: ClusterClient,
  settings: Settings,
  reportsDir: string,
): Promise<string | undefined> {
  if (target.kind !== 'twin') return undefined;
  if (await platformInstalled(client)) return undefined;
  const runDir = runDirectory(ensureWorkDir(settings.workDir));
  const { value, ranHere } = await oncePerRun(runDir, 'install-first', INSTALL_FIRST_TIMEOUT_MS, () =>
    runInstallerChild(settings, reportsDir),
  );
  return ranHere
    ? `rhoai-harness: target = embedded twin at ${target.server}; the selected scenarios need the installed platform and do not include the installer: installed it first with cucumber-js --tags ${INSTALL_FIRST_TAGS} (${value.summary}; reports in ${value.reports})`
    : undefined;
}
