// Before anything is applied: can the harness reach the API server, and who is it there?
// GET /version, then a SelfSubjectAccessReview for "* * *" (cluster-admin).
import { ApiError, ApiNetworkError, type ClusterClient } from '../cluster';

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
  if (error instanceof ApiError) return new PreflightError(`the cluster at ${server} answered ${what} with HTTP ${error.status}: ${error.message}`);
  if (error instanceof ApiNetworkError) return new PreflightError(`the cluster at ${server} cannot be reached (${what}: ${error.code ?? error.message}): ${error.message}`);
  return new PreflightError(`the cluster at ${server} failed ${what}: ${(error as Error).message}`);
}

export async function preflight(client: ClusterClient, server: string): Promise<PreflightResult> {
  let version: { gitVersion?: string };
  try {
    version = await client.request<{ gitVersion?: string }>({ method: 'GET', path: '/version' });
  } catch (error) {
    throw explain(server, 'GET /version', error);
  }
  let review: { status?: { allowed?: boolean } };
  try {
    review = await client.request({
      method: 'POST',
      path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { verb: '*', group: '*', resource: '*' } },
      },
    });
  } catch (error) {
    throw explain(server, 'a SelfSubjectAccessReview', error);
  }
  return { kubernetesVersion: version.gitVersion ?? 'unknown', clusterAdmin: review.status?.allowed === true };
}
