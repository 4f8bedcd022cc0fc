// Settings of one domain. Access: the cluster-admin user, htpasswd and OAuth login.
// Rows here are spread into SETTINGS (settings.ts); see setting-kinds.ts for the parsers.
import { define, InvalidSettingValue } from './setting-kinds';

const SECRET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const SECRET_ALLOWED =
  'a Secret name: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters';
const PROVIDER_ALLOWED =
  'an identity provider name: letters, digits, "_", "-" and ".", starting with a letter or digit, at most 63 characters';

export const ACCESS_SETTINGS = {
  htpasswdSecret: define<string>({
    name: 'RHOAI_HTPASSWD_SECRET',
    description:
      "The Secret in openshift-config holding the htpasswd file (key `htpasswd`) of the identity provider; the docs name it htpass-secret. When it exists, its other users are kept and only the admin user's entry is added or replaced.",
    allowed: SECRET_ALLOWED,
    default: 'htpass-secret',
    secret: false,
    parse: (raw) => {
      const value = raw ?? 'htpass-secret';
      if (value.length > 253 || !SECRET_NAME.test(value)) throw new InvalidSettingValue(SECRET_ALLOWED);
      return value;
    },
  }),
  htpasswdProvider: define<string>({
    name: 'RHOAI_HTPASSWD_PROVIDER',
    description:
      "The name of the HTPasswd identity provider the install adds to OAuth `cluster` (mappingMethod claim), next to the providers already there; the admin's identity is `<name>:<user>`. The docs name it my_htpasswd_provider.",
    allowed: PROVIDER_ALLOWED,
    default: 'my_htpasswd_provider',
    secret: false,
    parse: (raw) => {
      const value = raw ?? 'my_htpasswd_provider';
      if (!PROVIDER_NAME.test(value)) throw new InvalidSettingValue(PROVIDER_ALLOWED);
      return value;
    },
  }),
} as const;
