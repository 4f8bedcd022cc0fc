// RHOAI_RESOLVE: curl --resolve style host overrides, `HOSTPATTERN=IP:PORT[,...]`. A pattern is a
// host name, or `*.` followed by a domain that matches any host below it (not the domain itself).
import * as net from 'node:net';

export interface ResolveRule {
  /** The pattern as written, lower-cased: `api.x.example` or `*.apps.twin.local`. */
  readonly pattern: string;
  readonly address: string;
  readonly port: number;
}

const HOST = /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

export function parseResolveRules(text: string): ResolveRule[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map(parseResolveRule);
}

function parseResolveRule(entry: string): ResolveRule {
  const eq = entry.indexOf('=');
  if (eq < 0) throw new Error(`"${entry}" has no "="`);
  const pattern = entry.slice(0, eq).trim().toLowerCase();
  const target = entry.slice(eq + 1).trim();
  if (!HOST.test(pattern)) throw new Error(`"${pattern}" is not a host name or *.domain pattern`);
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d{1,5})$/.exec(target);
  if (!match) throw new Error(`"${target}" is not IP:PORT`);
  const address = match[1] ?? match[2]!;
  const port = Number(match[3]);
  if (!net.isIP(address)) throw new Error(`"${address}" is not an IP address`);
  if (port < 1 || port > 65535) throw new Error(`port ${port} is out of range 1-65535`);
  return { pattern, address, port };
}

export function formatResolveRules(rules: readonly ResolveRule[]): string {
  return rules.map((r) => `${r.pattern}=${r.address.includes(':') ? `[${r.address}]` : r.address}:${r.port}`).join(',');
}

/** The first rule matching host (case-insensitive), or undefined. Exact patterns win over wildcards. */
export function matchResolveRule(rules: readonly ResolveRule[], host: string): ResolveRule | undefined {
  const name = host.toLowerCase().replace(/\.$/, '');
  return (
    rules.find((r) => r.pattern === name) ??
    rules.find((r) => r.pattern.startsWith('*.') && name.endsWith(r.pattern.slice(1)) && name.length > r.pattern.length - 1)
  );
}
