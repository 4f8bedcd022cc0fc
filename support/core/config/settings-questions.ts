// Settings of one domain. The seed's open questions: the OpenShift groups of data
// scientists and their admins, the users the answers log in as, and the workspace name pattern.
// Rows here are spread into SETTINGS (settings.ts); see setting-kinds.ts for the parsers.
import { define, InvalidSettingValue } from './setting-kinds';

const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const USER_NAME = /^[a-z0-9]([a-z0-9.-]{0,40}[a-z0-9])?$/;
const GROUP_ALLOWED = 'an OpenShift group name: letters, digits, ".", "_" and "-", starting with a letter or digit, at most 63 characters';
const USER_ALLOWED =
  'an htpasswd user name usable in a project name: lower-case letters, digits, "." and "-", starting and ending with a letter or digit, at most 42 characters';
const USERS_ALLOWED = `two or more user names separated by ",", each ${USER_ALLOWED}`;
const PREFIX_ALLOWED =
  'lower-case letters, digits and "-", starting with a letter, at most 20 characters (the project name is <prefix><user>, a DNS-1123 label)';

function group(name: string, fallback: string, description: string) {
  return define<string>({
    name,
    description,
    allowed: GROUP_ALLOWED,
    default: fallback,
    secret: false,
    parse: (raw) => {
      const value = raw ?? fallback;
      if (value.startsWith('system:'))
        throw new InvalidSettingValue(GROUP_ALLOWED, 'system: groups are virtual and have no members to manage');
      if (!GROUP_NAME.test(value)) throw new InvalidSettingValue(GROUP_ALLOWED);
      return value;
    },
  });
}

function users(raw: string | undefined, fallback: string): string[] {
  const list = (raw ?? fallback)
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  if (!list.length) throw new InvalidSettingValue(USERS_ALLOWED, 'no user named');
  const bad = list.filter((u) => !USER_NAME.test(u));
  if (bad.length) throw new InvalidSettingValue(USERS_ALLOWED, `not allowed: ${bad.join(', ')}`);
  if (new Set(list).size !== list.length) throw new InvalidSettingValue(USERS_ALLOWED, 'a user is named twice');
  return list;
}

export const QUESTION_SETTINGS = {
  dsUsersGroup: group(
    'RHOAI_DS_USERS_GROUP',
    'datascience-users',
    'The OpenShift group (user.openshift.io/v1 Group) of data scientists: Q-01 takes project self-provisioning away from its members, Q-02 pre-provisions one workspace for each of them.',
  ),
  dsAdminsGroup: group(
    'RHOAI_DS_ADMINS_GROUP',
    'datascience-admins',
    'The OpenShift group of data science admins: Q-01 grants ClusterRole self-provisioner back to this group only.',
  ),
  dsUsers: define<string[]>({
    name: 'RHOAI_DS_USERS',
    description:
      'htpasswd users the questions add to RHOAI_DS_USERS_GROUP and log in as (through the OAuth server, as `oc login -u -p`); their passwords are generated once and kept under RHOAI_WORK_DIR/questions (0600). Other members of the group are left as they are. The last one is the member who leaves the group in Q-02.',
    allowed: USERS_ALLOWED,
    default: 'ds-user-1,ds-user-2',
    secret: false,
    parse: (raw) => {
      const list = users(raw, 'ds-user-1,ds-user-2');
      if (list.length < 2)
        throw new InvalidSettingValue(USERS_ALLOWED, "Q-02 needs two users: one works in a workspace that is not the other's");
      return list;
    },
  }),
  dsAdmin: define<string>({
    name: 'RHOAI_DS_ADMIN',
    description:
      'The htpasswd user the questions add to RHOAI_DS_ADMINS_GROUP and log in as, to prove that an admin may still request a project.',
    allowed: USER_ALLOWED,
    default: 'ds-admin-1',
    secret: false,
    parse: (raw) => {
      const value = raw ?? 'ds-admin-1';
      if (!USER_NAME.test(value)) throw new InvalidSettingValue(USER_ALLOWED);
      return value;
    },
  }),
  workspacePrefix: define<string>({
    name: 'RHOAI_WORKSPACE_PREFIX',
    description:
      'The name of each data scientist\'s pre-provisioned workspace (Q-02) is this prefix followed by the user name (lower-cased, characters outside [a-z0-9-] replaced by "-").',
    allowed: PREFIX_ALLOWED,
    default: 'ws-',
    secret: false,
    parse: (raw) => {
      const value = raw ?? 'ws-';
      if (!/^[a-z][a-z0-9-]{0,19}$/.test(value)) throw new InvalidSettingValue(PREFIX_ALLOWED);
      if (/^(openshift|kube|redhat-ods)/.test(value))
        throw new InvalidSettingValue(PREFIX_ALLOWED, 'the dashboard does not list system namespaces as data science projects');
      return value;
    },
  }),
} as const;
