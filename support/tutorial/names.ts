// Names as the RHOAI 2.9 dashboard (odh-dashboard v2.22) derives them, and the names of the
// projects the tutorial scenarios create.
import { createHash } from 'node:crypto';
import type { Settings } from '../core/config';

/** translateDisplayNameForK8s: trimmed, lower case, whitespace to "-", anything else but [a-z0-9-] dropped. */
export function k8sName(displayName: string): string {
  return displayName
    .trim()
    .toLowerCase()
    .replace(/\s/g, '-')
    .replace(/[^a-z0-9-]/g, '');
}

/** The dashboard's data connection Secret name: "aws-connection-" + the k8s name of the display name. */
export function dataConnectionSecretName(displayName: string): string {
  return `aws-connection-${k8sName(displayName)}`;
}

/**
 * The dashboard's genRandomChars() (six characters of [a-z0-9]), made stable for the harness: derived
 * from what the object is for, so that a second run applies the same object instead of adding one.
 */
export function stableChars(...seed: string[]): string {
  const digest = createHash('sha256').update(seed.join('\0')).digest();
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(digest.subarray(0, 6), (b) => alphabet[b % alphabet.length]).join('');
}

/**
 * usernameTranslate (utilities/notebookControllerUtils): the user name URI-encoded, with the
 * characters encodeURIComponent keeps encoded too, "%" replaced by "-", lower case (kube:admin →
 * kube-3aadmin), as the opendatahub.io/user label carries it.
 */
export function translateUsername(username: string): string {
  return encodeURIComponent(username)
    .replace(/!/g, '%21')
    .replace(/'/g, '%27')
    .replace(/\(/g, '%28')
    .replace(/\)/g, '%29')
    .replace(/\*/g, '%2A')
    .replace(/-/g, '%2D')
    .replace(/\./g, '%2E')
    .replace(/_/g, '%5F')
    .replace(/~/g, '%7E')
    .replace(/%/g, '-')
    .toLowerCase();
}

/** A project of one tutorial scenario: RHOAI_TUTORIAL_PROJECT_PREFIX + the name the feature gives. */
export function scenarioProjectName(settings: Pick<Settings, 'tutorialProjectPrefix'>, name: string): string {
  const full = `${settings.tutorialProjectPrefix}${name}`;
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(full)) {
    throw new Error(
      `project name ${JSON.stringify(full)} (RHOAI_TUTORIAL_PROJECT_PREFIX ${JSON.stringify(settings.tutorialProjectPrefix)} + ${JSON.stringify(name)}) is not a DNS-1123 label of at most 63 characters`,
    );
  }
  return full;
}
