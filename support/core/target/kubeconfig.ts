// Finding, validating and loading kubeconfig files. client-node silently drops malformed entries;
// here every problem becomes an error that names the file and what is wrong with it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';

export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

/** The kubeconfig files kubectl would read: KUBECONFIG's list, else ~/.kube/config when it exists. */
export function kubeconfigFiles(fromSetting: readonly string[] | undefined, home = os.homedir()): string[] {
  if (fromSetting && fromSetting.length > 0) return [...fromSetting];
  const fallback = path.join(home, '.kube', 'config');
  return fs.existsSync(fallback) ? [fallback] : [];
}

interface RawKubeconfig {
  file: string;
  currentContext?: string;
  clusters: Map<string, Record<string, unknown>>;
  users: Map<string, Record<string, unknown>>;
  contexts: Map<string, Record<string, unknown>>;
}

function named(file: string, section: string, entries: unknown, inner: string): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  if (entries === undefined || entries === null) return out;
  if (!Array.isArray(entries)) throw new KubeconfigError(`kubeconfig ${file}: "${section}" must be a list`);
  entries.forEach((entry, i) => {
    const e = entry as Record<string, unknown> | null;
    if (!e || typeof e !== 'object') throw new KubeconfigError(`kubeconfig ${file}: ${section}[${i}] is not a mapping`);
    if (typeof e.name !== 'string' || e.name === '') throw new KubeconfigError(`kubeconfig ${file}: ${section}[${i}] has no name`);
    const body = e[inner];
    if (!body || typeof body !== 'object') {
      throw new KubeconfigError(`kubeconfig ${file}: ${section}[${i}] ("${e.name}") has no "${inner}" mapping`);
    }
    out.set(e.name, body as Record<string, unknown>);
  });
  return out;
}

function readRaw(file: string): RawKubeconfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new KubeconfigError(`kubeconfig ${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let doc: unknown;
  try {
    // An empty (or comments-only) file is an empty kubeconfig, as for kubectl.
    const docs = yaml.loadAll(text);
    if (docs.length > 1) throw new Error('holds several YAML documents');
    doc = docs[0];
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    throw new KubeconfigError(`kubeconfig ${file}: is not valid YAML (${reason})`);
  }
  if (doc === undefined || doc === null) return { file, clusters: new Map(), users: new Map(), contexts: new Map() };
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new KubeconfigError(`kubeconfig ${file}: is not a YAML mapping`);
  const d = doc as Record<string, unknown>;
  const current = d['current-context'];
  if (current !== undefined && current !== null && typeof current !== 'string') {
    throw new KubeconfigError(`kubeconfig ${file}: "current-context" must be a string`);
  }
  return {
    file,
    currentContext: typeof current === 'string' && current !== '' ? current : undefined,
    clusters: named(file, 'clusters', d.clusters, 'cluster'),
    users: named(file, 'users', d.users, 'user'),
    contexts: named(file, 'contexts', d.contexts, 'context'),
  };
}

/** The current context named by the files (the first that names one), or undefined; validates YAML. */
export function currentContextOf(files: readonly string[]): { context: string; file: string } | undefined {
  for (const file of files) {
    const raw = readRaw(file);
    if (raw.currentContext) return { context: raw.currentContext, file };
  }
  return undefined;
}

export interface LoadedKubeconfig {
  readonly kubeConfig: KubeConfig;
  readonly files: readonly string[];
  readonly context: string;
  readonly server: string;
  readonly userName: string;
}

/**
 * Loads the files as kubectl merges them (the first file to name a current context, cluster, user
 * or context wins) and checks that the current context resolves to a cluster with a server and a user.
 */
export function loadKubeconfig(files: readonly string[]): LoadedKubeconfig {
  if (files.length === 0) throw new KubeconfigError('no kubeconfig: KUBECONFIG is unset and ~/.kube/config does not exist');
  const raws = files.map(readRaw);
  const where = files.length === 1 ? `kubeconfig ${files[0]}` : `kubeconfig ${files.join(path.delimiter)}`;
  const currentContext = raws.find((r) => r.currentContext)?.currentContext;
  if (!currentContext) throw new KubeconfigError(`${where}: has no current-context (run "oc login" or "kubectl config use-context")`);
  const context = raws.map((r) => r.contexts.get(currentContext)).find(Boolean);
  if (!context) throw new KubeconfigError(`${where}: current-context "${currentContext}" is not defined under contexts`);
  const clusterName = context.cluster;
  const userName = context.user;
  if (typeof clusterName !== 'string' || !clusterName) throw new KubeconfigError(`${where}: context "${currentContext}" names no cluster`);
  if (typeof userName !== 'string' || !userName) throw new KubeconfigError(`${where}: context "${currentContext}" names no user`);
  const cluster = raws.map((r) => r.clusters.get(clusterName)).find(Boolean);
  if (!cluster)
    throw new KubeconfigError(`${where}: cluster "${clusterName}" of context "${currentContext}" is not defined under clusters`);
  if (typeof cluster.server !== 'string' || !cluster.server) {
    throw new KubeconfigError(`${where}: cluster "${clusterName}" has no server`);
  }
  if (!/^https?:\/\//.test(cluster.server)) {
    throw new KubeconfigError(`${where}: cluster "${clusterName}" has server "${cluster.server}", which is not an http(s) URL`);
  }
  if (!raws.some((r) => r.users.has(userName))) {
    throw new KubeconfigError(`${where}: user "${userName}" of context "${currentContext}" is not defined under users`);
  }

  // Build client-node's KubeConfig from each file (it makes relative certificate paths absolute),
  // merging with first-wins on duplicate names as kubectl does.
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  for (const file of files) {
    const kc = new KubeConfig();
    kc.loadFromFile(file);
    for (const c of kc.getClusters()) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of kc.getUsers()) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of kc.getContexts()) if (!contexts.has(c.name)) contexts.set(c.name, c);
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext,
  });
  return { kubeConfig, files: [...files], context: currentContext, server: cluster.server.replace(/\/+$/, ''), userName };
}

/** Credential strings of the current user (tokens, passwords, client keys), for the redactor. */
export function credentialsOf(kubeConfig: KubeConfig): string[] {
  const user = kubeConfig.getCurrentUser();
  if (!user) return [];
  const out = [user.token, user.password, user.keyData, user.keyData ? Buffer.from(user.keyData, 'base64').toString('utf8') : undefined];
  if (user.keyFile && fs.existsSync(user.keyFile)) out.push(fs.readFileSync(user.keyFile, 'utf8'));
  return out.filter((v): v is string => typeof v === 'string' && v.length > 0);
}
