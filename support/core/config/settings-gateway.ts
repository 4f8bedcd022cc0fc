// Settings of one domain. The secure gateway for Knative Serving: generated CA and wildcard certificate.
// Rows here are spread into SETTINGS (settings.ts); see setting-kinds.ts for the parsers.
import { define, InvalidSettingValue } from './setting-kinds';

/** What a subject organisation may hold: -subj is "/O=<org>/CN=<cn>", so no "/", "=", "+" or "\". */
const ORGANIZATION = /^[A-Za-z0-9][A-Za-z0-9 .,'&()_-]{0,63}$/;
const ORGANIZATION_ALLOWED =
  'up to 64 letters, digits, spaces and . , \' & ( ) _ - (no "/", "=", "+" or "\\"), starting with a letter or digit';

export const GATEWAY_SETTINGS = {
  openssl: define<string>({
    name: 'RHOAI_OPENSSL',
    description:
      "The OpenSSL command that generates the secure gateway's root and wildcard certificates, exactly as the 2.9 serving guide does (`openssl req -x509 ... -CA/-CAkey`). It must be OpenSSL 3.0 or later: 1.1.x (RHEL 8) and LibreSSL (macOS) lack `req -CA`; on macOS point this at Homebrew's openssl@3.",
    allowed: 'a command name on PATH or a path to an OpenSSL >= 3.0 executable',
    default: 'openssl',
    secret: false,
    parse: (raw) => {
      const value = raw ?? 'openssl';
      if (/[\r\n\0]/.test(value))
        throw new InvalidSettingValue('a command name on PATH or a path to an OpenSSL >= 3.0 executable', 'it contains a line break');
      return value;
    },
  }),
  gatewayCertOrganization: define<string>({
    name: 'RHOAI_GATEWAY_CERT_ORGANIZATION',
    description:
      'The organisation (O=) in the subjects of the generated root and wildcard certificates; the common name is the last two labels of the apps domain, as in the docs. Changing it generates a new root.',
    allowed: ORGANIZATION_ALLOWED,
    default: 'Example Inc.',
    secret: false,
    parse: (raw) => {
      const value = raw ?? 'Example Inc.';
      if (!ORGANIZATION.test(value)) throw new InvalidSettingValue(ORGANIZATION_ALLOWED);
      return value;
    },
  }),
} as const;
