// Before anything is applied: can the harness reach the API server, and who is it there?
// GET /version, then a SelfSubjectAccessReview for "* * *": the harness needs cluster-admin.
import { ApiError, ApiNetworkError, canI, type ClusterClient } from '../cluster';

export interface PreflightResult {
  /** Kubernetes version of the API server (gitVersion). */
  readonly kubernetesVersion: string;
  /** Whether the current user may do everything (cluster-admin). */
  readonly clusterAdmin: boolean;
}

export class PreflightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreflightError';
  }
}

function explain(server: string, what: string, error: unknown): PreflightError {
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
    return new PreflightError(
      `the cluster at ${server} refused the harness (${what}: HTTP ${error.status} ${error.reason ?? ''}). ` +
        'The kubeconfig credentials are missing, expired or not allowed: log in again (oc login) or check the current context.',
    );
  }
  if (error instanceof ApiError)
    return new PreflightError(`the cluster at ${server} answered ${what} with HTTP ${error.status}: ${error.message}`);
  if (error instanceof ApiNetworkError)
    return new PreflightError(`the cluster at ${server} cannot be reached (${what}: ${error.code ?? error.message}): ${error.message}`);
  return new PreflightError(`the cluster at ${server} failed ${what}: ${(error as Error).message}`);
}

export async function preflight(client: ClusterClient, server: string): Promise<PreflightResult> {
  let version: { gitVersion?: string };
  try {
    version = await client.request<{ gitVersion?: string }>({ method: 'GET', path: '/version' });
  } catch (error) {
    throw explain(server, 'GET /version', error);
  }
  let review: { allowed: boolean };
  try {
    review = await canI(client);
  } catch (error) {
    throw explain(server, 'a SelfSubjectAccessReview', error);
  }
  if (!review.allowed) {
    // Every feature installs or reads cluster-wide objects: a user who is not a cluster-admin would
    // fail part-way, after some writes. Say so now, naming the user (SelfSubjectReview, Kubernetes 1.28).
    const who = await client
      .request<{ status?: { userInfo?: { username?: string } } }>({
        method: 'POST',
        path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
        body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      })
      .then((r) => r.status?.userInfo?.username)
      .catch(() => undefined);
    throw new PreflightError(
      `the user ${who ?? 'of the current context'} is not a cluster-admin on ${server} (a SelfSubjectAccessReview for every verb on every resource was denied): ` +
        'installing and checking RHOAI needs cluster-admin (the RHOAI 2.9 install guide); log in as a cluster-admin user (oc login -u <admin>) or use its kubeconfig.',
    );
  }
  return { kubernetesVersion: version.gitVersion ?? 'unknown', clusterAdmin: true };
}
