// The "Create workbench" form as a feature writes it, one field per row:
//   | image           | CUDA                                        |
//   | size            | Small                                       |
//   | cluster storage | Workbench data, 5Gi                         |  (default: new, named after the workbench, the cluster's size)
//   | accelerator     | 1 nvidia.com/gpu                            |
//   | data connection | existing "My Storage"                       |
//   | data connection | new "Workbench Storage" for bucket my-storage |
import type { EnvironmentGroup, WorkbenchRequest } from './workbenches';

const FIELDS = ['image', 'size', 'cluster storage', 'accelerator', 'data connection'];

export function parseWorkbenchTable(rows: Record<string, string>): Omit<WorkbenchRequest, 'displayName'> {
  const unknown = Object.keys(rows).filter((k) => !FIELDS.includes(k));
  if (unknown.length)
    throw new Error(`the workbench form has no field ${unknown.map((k) => `"${k}"`).join(', ')}; its fields are: ${FIELDS.join(', ')}`);
  if (!rows.image || !rows.size) throw new Error('a workbench needs an "image" and a "size" row');
  const request: Omit<WorkbenchRequest, 'displayName'> = { image: rows.image, size: rows.size };
  if (rows['cluster storage']) {
    const m = /^(.+?),\s*(\d+(?:Mi|Gi|Ti))$/.exec(rows['cluster storage'].trim());
    if (!m) throw new Error(`cluster storage "${rows['cluster storage']}": write "<name>, <size>", e.g. "Workbench data, 5Gi"`);
    request.storage = { displayName: m[1], size: m[2] };
  }
  if (rows.accelerator) {
    const m = /^(\d+)\s+(\S+)$/.exec(rows.accelerator.trim());
    if (!m || Number(m[1]) < 1) throw new Error(`accelerator "${rows.accelerator}": write "<count> <identifier>", e.g. "1 nvidia.com/gpu"`);
    request.accelerator = { count: Number(m[1]), identifier: m[2] };
  }
  if (rows['data connection']) {
    const existing = /^existing\s+"([^"]+)"$/.exec(rows['data connection'].trim());
    const created = /^new\s+"([^"]+)"\s+for bucket\s+(\S+)$/.exec(rows['data connection'].trim());
    if (existing) request.dataConnection = { existing: existing[1] };
    else if (created) request.dataConnection = { create: { displayName: created[1], bucket: created[2] } };
    else throw new Error(`data connection "${rows['data connection']}": write existing "<name>" or new "<name>" for bucket <bucket>`);
  }
  return request;
}

/**
 * The form's environment variables, one per row (type ConfigMap or Secret, name, value), grouped
 * by type as the dashboard stores them; a value "(generated)" is made up by `generate` (a secret
 * the feature does not spell out).
 */
export function parseEnvironmentTable(rows: Record<string, string>[], generate: () => string): EnvironmentGroup[] {
  const groups = new Map<string, EnvironmentGroup>();
  for (const row of rows) {
    const type = row.type;
    if (type !== 'ConfigMap' && type !== 'Secret')
      throw new Error(`an environment variable's type is ConfigMap or Secret, not "${row.type}"`);
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(row.name ?? '')) throw new Error(`"${row.name}" is not an environment variable name`);
    const group = groups.get(type) ?? { type, values: {} };
    group.values[row.name] = row.value === '(generated)' ? generate() : row.value;
    if (row.value === '(generated)') group.generated = [...(group.generated ?? []), row.name];
    groups.set(type, group);
  }
  return [...groups.values()];
}
