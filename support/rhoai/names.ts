// RHOAI 2.9's names in one place: the DSCI/DSC APIs and default objects, the applications namespace
// as the DSCI says, the dashboard's label, the default wait. It imports from the core only the
// cluster client and the settings' type, so that the core may use it too.
import { UnknownKindError, type ClusterClient } from '../core/cluster';
import type { Settings } from '../core/config';

export const DSCI_API = 'dscinitialization.opendatahub.io/v1';
export const DSC_API = 'datasciencecluster.opendatahub.io/v1';
/** The DSCInitialization the operator makes at start-up (rhods-operator rhoai-2.9 pkg/upgrade/upgrade.go, CreateDefaultDSCI). */
export const DEFAULT_DSCI = 'default-dsci';
/** The DataScienceCluster of the install guide (and of the harness's fixtures). */
export const DEFAULT_DSC = 'default-dsc';
/**
 * The DSCI's spec.applicationsNamespace when it says none (rhods-operator rhoai-2.9
 * apis/dscinitialization/v1/dscinitialization_types.go: +kubebuilder:default:=redhat-ods-applications).
 */
export const DEFAULT_APPLICATIONS_NAMESPACE = 'redhat-ods-applications';
/** The label (value "true") by which the dashboard knows its projects, data connections and images. */
export const DASHBOARD_LABEL = 'opendatahub.io/dashboard';

/**
 * The applications namespace as the cluster's DSCInitialization says (there is one at most), or the
 * documented default when there is none yet or the DSCI API is not installed.
 */
export async function applicationsNamespace(world: { cluster: Pick<ClusterClient, 'list'> }): Promise<string> {
  const dscis = await world.cluster.list({ apiVersion: DSCI_API, kind: 'DSCInitialization' }).catch((error: unknown) => {
    if (error instanceof UnknownKindError) return [];
    throw error;
  });
  return (dscis[0]?.spec?.applicationsNamespace as string | undefined) ?? DEFAULT_APPLICATIONS_NAMESPACE;
}

/** How long a wait may take unless it says otherwise: RHOAI_WAIT_TIMEOUT, in milliseconds. */
export function defaultWaitMs(settings: Pick<Settings, 'waitTimeoutSeconds'>): number {
  return settings.waitTimeoutSeconds * 1000;
}
