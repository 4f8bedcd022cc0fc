// `oc auth can-i`: a SelfSubjectAccessReview with the client's own credentials, the one way the
// harness asks what the current user may do (cluster-admin before an install, a user's rights after).
import type { ClusterClient } from './client';

/** `oc auth can-i <verb> <resource>` (all groups, cluster-wide by default): allowed, and the authorizer's reason. */
export async function canI(client: ClusterClient, verb = '*', resource = '*', group = '*'): Promise<{ allowed: boolean; reason?: string }> {
  const review = await client.request<{ status?: { allowed?: boolean; reason?: string } }>({
    method: 'POST',
    path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb, group, resource } },
    },
  });
  return { allowed: review?.status?.allowed === true, reason: review?.status?.reason };
}
