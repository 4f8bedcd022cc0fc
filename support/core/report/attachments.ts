// Helpers that put cluster state into the report, always redacted: the YAML a step applied, the
// state a wait saw, diagnostics of a failed scenario. Domain modules call these through the World.
import * as yaml from 'js-yaml';
import { describeRef, type KObject, type ObjectRef } from '../cluster';
import type { Redactor } from '../redact';

export interface AttachOptions {
  mediaType: string;
  fileName?: string;
}

/** What the helpers need: cucumber's attach (the World passes its own). */
export type Attach = (data: string, options: AttachOptions) => void | Promise<void>;

/** A plain-data copy without managedFields (noise in a report). */
function forReport(value: unknown): unknown {
  const plain = JSON.parse(JSON.stringify(value ?? null)) as unknown;
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, child] of Object.entries(v)) if (k !== 'managedFields') out[k] = strip(child);
      return out;
    }
    return v;
  };
  return strip(plain);
}

export function toYaml(value: unknown): string {
  return yaml.dump(forReport(value), { noRefs: true, lineWidth: -1, sortKeys: false });
}

function fileSafe(text: string): string {
  return text.replace(/[/\\:*?"<>|\s]+/g, '_').slice(0, 120);
}

export class ReportAttachments {
  constructor(
    private readonly attach: Attach,
    private readonly redactor: Redactor,
  ) {}

  text(name: string, text: string): void {
    void this.attach(this.redactor.redactText(text), { mediaType: 'text/plain', fileName: `${fileSafe(name)}.txt` });
  }

  yaml(name: string, value: unknown): void {
    void this.attach(toYaml(this.redactor.redactValue(value)), { mediaType: 'text/yaml', fileName: `${fileSafe(name)}.yaml` });
  }

  /** The object a step applied (sent), and the resourceVersion the server answered with. */
  applied(action: string, sent: unknown, live: KObject | undefined, ref: ObjectRef): void {
    const title = `${action} ${describeRef(ref)}`;
    if (sent === undefined) {
      this.text(title, `${title}${live ? ` (resourceVersion ${live.metadata.resourceVersion ?? '?'})` : ''}`);
      return;
    }
    this.yaml(title, sent);
  }

  /** The state a wait saw when it was satisfied: the status (or the objects' statuses). */
  observed(describe: string, state: KObject | KObject[] | undefined): void {
    const summary = (o: KObject) => ({ kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, status: o.status ?? {} });
    const value = state === undefined ? { absent: true } : Array.isArray(state) ? state.map(summary) : summary(state);
    this.yaml(`observed ${describe}`, value);
  }
}
