// Transport faults the harness must survive without failing: flaky API answers and watches that
// drop or expire. Their caughtBy is empty: under them, every scenario must still pass.
import type { FaultDefinition } from '../fault-definition';

export const API_FAULTS: FaultDefinition[] = [
  {
    name: 'api-transient-errors',
    description: 'About one request in five is answered 429 (with Retry-After), 500 or 503 instead of being served; never more than twice in a row for the same request',
    caughtBy: '',
  },
  {
    name: 'api-drop-watches',
    description: 'Every watch is cut after 20-420 ms (cleanly or by resetting the connection), and about one watch in three from an explicit resourceVersion is told 410 Gone',
    caughtBy: '',
  },
];
