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
  clusterProxy: define<string | undefined>({
    name: 'RHOAI_CLUSTER_PROXY',
    description:
      "ADV-08: the proxy the cluster-wide Proxy `cluster` gets as httpProxy and httpsProxy (`oc edit proxy/cluster`), an http:// URL of a proxy the cluster's nodes can reach. On a real cluster the scenario is not applicable without it (a made-up proxy would cut the cluster off); on the twin it defaults to http://proxy.twin.local:3128, which nothing dials. The scenario runs only when asked for by tag (@req.ADV-08 or @advanced) and removes the proxy afterwards.",
    allowed: 'an http:// or https:// URL with a host and a port, e.g. http://proxy.example.com:3128',
    default: '',
    secret: false,
    parse: (raw) => {
      if (!raw) return undefined;
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new InvalidSettingValue('an http:// or https:// URL with a host and a port, e.g. http://proxy.example.com:3128');
      }
      if (!['http:', 'https:'].includes(url.protocol) || !url.hostname || !url.port || url.pathname.length > 1)
        throw new InvalidSettingValue('an http:// or https:// URL with a host and a port, e.g. http://proxy.example.com:3128');
      return raw;
    },
  }),
  clusterNoProxy: define<string>({
    name: 'RHOAI_CLUSTER_NO_PROXY',
    description:
      "ADV-08: the Proxy's spec.noProxy, comma-separated names, domains (.example.com) and CIDRs that go direct; the Cluster Network Operator adds the cluster's own (.cluster.local, .svc, localhost, the cluster and service networks, api-int).",
    allowed: 'comma-separated host names, .domains, IP addresses or CIDRs',
    default: '',
    secret: false,
    parse: (raw) => {
      const value = (raw ?? '').trim();
      if (value && !/^[A-Za-z0-9.*:/_-]+(,[A-Za-z0-9.*:/_-]+)*$/.test(value.replace(/\s*,\s*/g, ',')))
        throw new InvalidSettingValue('comma-separated host names, .domains, IP addresses or CIDRs');
      return value;
    },
  }),
  mirrorRegistry: define<string | undefined>({
    name: 'RHOAI_MIRROR_REGISTRY',
    description:
      "ADV-01: the mirror registry of a disconnected install (host[:port][/path], as oc-mirror's target): the repositories of the RHOAI images (the installed CSV's relatedImages) are sent there by an ImageDigestMirrorSet. On a real cluster the scenario is not applicable without it; on the twin it defaults to mirror.twin.local:5000. The scenario runs only when asked for by tag (@req.ADV-01 or @advanced) and removes the mirror set afterwards.",
    allowed: 'a registry host with an optional :port and /path, e.g. mirror.example.com:5000/rhoai',
    default: '',
    secret: false,
    parse: (raw) => {
      if (!raw) return undefined;
      const value = raw.trim().replace(/\/+$/, '');
      if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?(\/[a-z0-9._-]+)*$/.test(value))
        throw new InvalidSettingValue('a registry host with an optional :port and /path, e.g. mirror.example.com:5000/rhoai');
      return value;
    },
  }),
  mirrorKind: define<'ImageDigestMirrorSet' | 'ImageContentSourcePolicy'>({
    name: 'RHOAI_MIRROR_KIND',
    description:
      'ADV-01: the kind of mirror set: ImageDigestMirrorSet (OpenShift 4.13 and later) or ImageContentSourcePolicy (older clusters; deprecated since 4.13).',
    allowed: 'ImageDigestMirrorSet or ImageContentSourcePolicy',
    default: 'ImageDigestMirrorSet',
    secret: false,
    parse: (raw) => {
      const value = raw ?? 'ImageDigestMirrorSet';
      if (value !== 'ImageDigestMirrorSet' && value !== 'ImageContentSourcePolicy')
        throw new InvalidSettingValue('ImageDigestMirrorSet or ImageContentSourcePolicy');
      return value;
    },
  }),
} as const;
