// Settings of one domain. The seed's advanced items (ADV-*): the custom domain of the Knative domain
// mapping and its wildcard gateway, the mirror registry of disconnected installs, the cluster-wide
// proxy. Rows here are spread into SETTINGS (settings.ts); see setting-kinds.ts for the parsers.
import { define, InvalidSettingValue } from './setting-kinds';

const DNS_NAME = /^(?=.{1,200}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
const DOMAIN_ALLOWED =
  'a DNS domain of two or more lower-case labels (letters, digits and "-"), at most 200 characters, e.g. models.example.com; empty: custom.<apps domain>';

export const ADVANCED_SETTINGS = {
  customDomain: define<string | undefined>({
    name: 'RHOAI_CUSTOM_DOMAIN',
    description:
      "The custom domain of the Knative domain mapping (ADV-05: the host model.<domain> is mapped with a TLS certificate of its own) and of the wildcard-certificate gateway (ADV-06: *.<domain>). Its names must reach the cluster's router (a DNS CNAME to it, or RHOAI_RESOLVE); by default custom.<apps domain>, which the apps domain's wildcard DNS already sends there. The certificates are generated with RHOAI_OPENSSL under RHOAI_WORK_DIR/custom-domain-certs/<domain> and reused while valid.",
    allowed: DOMAIN_ALLOWED,
    default: '',
    secret: false,
    parse: (raw) => {
      if (!raw) return undefined;
      const value = raw.trim().toLowerCase().replace(/\.$/, '');
      if (!DNS_NAME.test(value)) throw new InvalidSettingValue(DOMAIN_ALLOWED);
      return value;
    },
  }),
} as const;
