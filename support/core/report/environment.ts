// What the report says about where it ran: target kind, API server, OpenShift and RHOAI versions.
// Written to allure-results/environment.properties (Allure's Environment panel) and attached to
// the first scenario.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UnknownKindError, type ClusterClient, type KObject } from '../cluster';
import type { Target } from '../target/connect';

export type EnvironmentInfo = Record<string, string>;

export const RHOAI_OPERATOR_NAMESPACE = 'redhat-ods-operator';

async function openshiftVersion(client: ClusterClient): Promise<string> {
  try {
    const cv = await client.get({ apiVersion: 'config.openshift.io/v1', kind: 'ClusterVersion', name: 'version' });
    return (cv?.status?.desired?.version as string | undefined) ?? 'unknown (ClusterVersion "version" has no status.desired.version)';
  } catch (error) {
    if (error instanceof UnknownKindError) return 'not OpenShift (no config.openshift.io ClusterVersion)';
    return `unknown (${(error as Error).message})`;
  }
}

async function rhoaiVersion(client: ClusterClient): Promise<string> {
  try {
    const csvs = await client.list({
      apiVersion: 'operators.coreos.com/v1alpha1',
      kind: 'ClusterServiceVersion',
      namespace: RHOAI_OPERATOR_NAMESPACE,
    });
    const rhods = csvs.filter((c: KObject) => c.metadata.name?.startsWith('rhods-operator.'));
    const chosen = rhods.find((c) => c.status?.phase === 'Succeeded') ?? rhods[0];
    if (!chosen) return 'not installed';
    const version = (chosen.spec?.version as string | undefined) ?? chosen.metadata.name!;
    return chosen.status?.phase === 'Succeeded' ? version : `${version} (CSV phase ${chosen.status?.phase ?? 'unknown'})`;
  } catch (error) {
    if (error instanceof UnknownKindError) return 'not installed (no OLM)';
    return `unknown (${(error as Error).message})`;
  }
}

export async function collectEnvironment(target: Target, client: ClusterClient): Promise<EnvironmentInfo> {
  return {
    Target: target.kind === 'twin' ? 'embedded twin (simulated OpenShift + RHOAI)' : 'cluster',
    'API server': target.server,
    Context: target.context,
    Kubernetes: target.preflight.kubernetesVersion,
    OpenShift: await openshiftVersion(client),
    RHOAI: await rhoaiVersion(client),
  };
}

function escapeProperty(text: string, isKey: boolean): string {
  let out = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/=/g, '\\=').replace(/:/g, '\\:');
  if (isKey) out = out.replace(/ /g, '\\ ');
  return out;
}

export function environmentProperties(info: EnvironmentInfo): string {
  return (
    Object.entries(info)
      .map(([key, value]) => `${escapeProperty(key, true)}=${escapeProperty(value, false)}`)
      .join('\n') + '\n'
  );
}

/** Writes environment.properties atomically (parallel workers may write at once). */
export function writeEnvironmentProperties(resultsDir: string, info: EnvironmentInfo): void {
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, 'environment.properties');
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, environmentProperties(info));
  fs.renameSync(temporary, file);
}

export function formatEnvironment(info: EnvironmentInfo): string {
  return Object.entries(info)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}
