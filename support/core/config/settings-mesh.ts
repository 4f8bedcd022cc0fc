// Settings of one domain. Service Mesh, Serverless and Authorino (the manual KServe dependencies).
// Rows here are spread into SETTINGS (settings.ts); see setting-kinds.ts for the parsers.
import { define, InvalidSettingValue } from './setting-kinds';

const SMCP_VERSION = /^v2\.\d+$/;
const SMCP_VERSION_ALLOWED = 'a control plane version v2.N (e.g. v2.4, v2.5), or unset';

export const MESH_SETTINGS = {
  smcpVersion: define<string | undefined>({
    name: 'RHOAI_SMCP_VERSION',
    description:
      'spec.version of the ServiceMeshControlPlane `minimal` the install creates. The RHOAI 2.9 docs and operator leave it out, and OpenShift Service Mesh then installs its newest control plane (v2.5 with OSSM 2.5, unverified); set it to pin a version the installed operator supports.',
    allowed: SMCP_VERSION_ALLOWED,
    secret: false,
    parse: (raw) => {
      if (raw === undefined) return undefined;
      if (!SMCP_VERSION.test(raw)) throw new InvalidSettingValue(SMCP_VERSION_ALLOWED);
      return raw;
    },
  }),
} as const;
