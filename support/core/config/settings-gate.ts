// Settings of the conformance gate as teams run it: plan mode and the in-cluster configuration.
// Rows here are spread into SETTINGS (settings.ts); see setting-kinds.ts for the parsers.
import * as path from 'node:path';
import { define, filePath, InvalidSettingValue } from './setting-kinds';

export const GATE_SETTINGS = {
  plan: define<boolean>({
    name: 'RHOAI_PLAN',
    description:
      'Plan mode: every write is sent as a server-side dry run (dryRun=All), nothing is created or changed, and the run ends with a plan per object (would create / would change with the field diff / unchanged), printed and written to reports/plan.txt and plan.json and attached to the Allure report. Steps whose assertions need a change the plan lists are reported as skipped ("not run in plan mode"), never as passed. `npm run plan`.',
    allowed: '1 | 0 | true | false',
    default: '0',
    secret: false,
    parse: (raw) => {
      if (raw === undefined) return false;
      if (raw === '1' || raw === 'true') return true;
      if (raw === '0' || raw === 'false') return false;
      throw new InvalidSettingValue('1 | 0 | true | false');
    },
  }),
  serviceAccountDir: define<string>({
    name: 'RHOAI_SERVICE_ACCOUNT_DIR',
    description:
      "With RHOAI_TARGET=in-cluster: the directory holding the pod's service-account `token`, `ca.crt` and `namespace`; the API server is https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT.",
    allowed: 'a directory path',
    default: '/var/run/secrets/kubernetes.io/serviceaccount',
    secret: false,
    parse: (raw) => filePath(raw ?? path.join('/var/run/secrets/kubernetes.io/serviceaccount')),
  }),
} as const;
