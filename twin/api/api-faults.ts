// Transport faults the harness must survive without failing: flaky API answers and watches that
// drop or expire. Their caughtBy is empty: under them, every scenario must still pass.
import type { FaultDefinition } from '../fault-definition';

export const API_FAULTS: FaultDefinition[] = [
  {
    name: 'api-transient-errors',
    description:
      'About one request in five is answered 429 (with Retry-After), 500 or 503 instead of being served; never more than twice in a row for the same request',
    caughtBy: '',
  },
  {
    name: 'api-drop-watches',
    description:
      'Every watch is cut after 20-420 ms (cleanly or by resetting the connection), and about one watch in three from an explicit resourceVersion is told 410 Gone',
    caughtBy: '',
  },
  {
    name: 'rbac-stale-user-bindings',
    description:
      "The API server's RBAC authorizer works from a cache that stopped following ClusterRoleBindings once the cluster was up (a stuck informer): a binding to a User created afterwards is stored, but access reviews and requests of that user are decided without it",
    caughtBy: '@req.INS-ADM-05',
    expectMessage: "the API server's authorizer does not honour that binding",
  },
  {
    name: 'kubeconfig-token-revoked',
    description:
      "The kubeconfig the twin writes holds an OAuth access token (sha256~...) the cluster no longer knows, as after `oc logout` elsewhere or once the token's 24 h lifetime is over: the API server answers every request with it 401 Unauthorized",
    caughtBy: '@req.INS-LOGIN-01',
    expectMessage: 'The kubeconfig credentials are missing, expired or not allowed',
  },
];
