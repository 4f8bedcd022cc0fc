// A container's environment as the kubelet builds it: envFrom sources first (Secrets, ConfigMaps,
// with their prefix), then env entries (values with $(VAR) references, secretKeyRef,
// configMapKeyRef, fieldRef). A missing non-optional source stops the container with the kubelet's
// CreateContainerConfigError message.
import type { KObject } from '../api/types';
import type { ObjectLookup } from './volumes';
import { ContainerExit } from './types';

export function containerEnvironment(pod: KObject, container: KObject, lookup: ObjectLookup): Record<string, string> {
  const ns = pod.metadata.namespace!;
  const env: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: pod.metadata.name!,
    HOME: '/',
  };
  const decode = (kind: string, obj: KObject, key: string): string | undefined => {
    if (kind === 'Secret') return obj.data?.[key] === undefined ? undefined : Buffer.from(obj.data[key], 'base64').toString('utf8');
    return obj.data?.[key];
  };
  for (const from of container.envFrom ?? []) {
    const kind = from.secretRef ? 'Secret' : 'ConfigMap';
    const ref = from.secretRef ?? from.configMapRef;
    if (!ref) continue;
    const obj = lookup('v1', kind, ref.name, ns);
    if (!obj) {
      if (ref.optional) continue;
      throw new ContainerExit(`Error: ${kind.toLowerCase()} "${ref.name}" not found`);
    }
    for (const key of Object.keys(obj.data ?? {})) {
      if (/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(key)) env[`${from.prefix ?? ''}${key}`] = decode(kind, obj, key)!;
    }
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined) {
      env[e.name] = expand(String(e.value), env);
      continue;
    }
    const v = e.valueFrom;
    if (!v) {
      env[e.name] = '';
      continue;
    }
    if (v.secretKeyRef || v.configMapKeyRef) {
      const kind = v.secretKeyRef ? 'Secret' : 'ConfigMap';
      const ref = v.secretKeyRef ?? v.configMapKeyRef;
      const obj = lookup('v1', kind, ref.name, ns);
      const value = obj && decode(kind, obj, ref.key);
      if (value === undefined) {
        if (ref.optional) continue;
        throw new ContainerExit(
          obj ? `Error: couldn't find key ${ref.key} in ${kind} ${ns}/${ref.name}` : `Error: ${kind.toLowerCase()} "${ref.name}" not found`,
        );
      }
      env[e.name] = value;
    } else if (v.fieldRef) {
      env[e.name] = fieldValue(pod, v.fieldRef.fieldPath);
    } else if (v.resourceFieldRef) {
      env[e.name] = String(container.resources?.limits?.[v.resourceFieldRef.resource.replace(/^limits\./, '')] ?? '0');
    }
  }
  return env;
}

/** $(VAR) references to earlier variables, `$$(VAR)` escaping, as the kubelet expands them. */
function expand(value: string, env: Record<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => (m === '$$' ? '$' : (env[name!] ?? m)));
}

function fieldValue(pod: KObject, fieldPath: string): string {
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata.name!;
    case 'metadata.namespace':
      return pod.metadata.namespace!;
    case 'metadata.uid':
      return pod.metadata.uid!;
    case 'spec.nodeName':
      return pod.spec.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec.serviceAccountName ?? 'default';
    case 'status.podIP':
      return pod.status?.podIP ?? '';
    case 'status.hostIP':
      return pod.status?.hostIP ?? '';
  }
  const label = /^metadata\.labels\['(.+)'\]$/.exec(fieldPath);
  if (label) return pod.metadata.labels?.[label[1]] ?? '';
  const annotation = /^metadata\.annotations\['(.+)'\]$/.exec(fieldPath);
  if (annotation) return pod.metadata.annotations?.[annotation[1]] ?? '';
  return '';
}

/** command + args as a runtime runs them; a shell `-c` script is split into words so emulators can read it. */
export function containerArgv(container: KObject): string[] {
  return [...(container.command ?? []), ...(container.args ?? [])].map(String);
}

/** The words of the program a container runs, looking through `sh -c "..."` / `bash -c "..."`. */
export function effectiveWords(argv: string[]): string[] {
  const shell = argv[0] && /(^|\/)(ba)?sh$/.test(argv[0]);
  if (shell) {
    const c = argv.indexOf('-c') >= 0 ? argv.indexOf('-c') : argv.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
    if (c >= 0 && argv[c + 1] !== undefined) return splitWords(argv[c + 1]).filter((w) => w !== 'exec');
  }
  return argv;
}

/** Splits a simple command line into words (quotes respected, no expansion). */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) words.push(cur);
      cur = '';
      has = false;
    } else if (ch === '\\' && i + 1 < line.length) {
      cur += line[++i];
    } else cur += ch;
  }
  if (has || cur) words.push(cur);
  return words;
}
