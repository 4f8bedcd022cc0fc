// A twin's state on disk, to start another twin from it: the objects of its store (what etcd holds)
// and the keys of its PKI (so that certificates signed after the restart verify against the CA
// bundles the objects hold). Restoring is a cluster restart, as after a power cut: every controller
// lists what is there and reconciles, every running pod's containers start again (their in-memory
// state is gone, as a container's is), watches from before get 410 Gone, tokens issued by the
// OAuth server before are gone unless the objects hold them. `rhoai-twin serve --snapshot-on-exit
// FILE` writes one when the twin stops; `--restore FILE` (RHOAI_TWIN_RESTORE for the embedded twin)
// starts from one. The fault catalogue installs once and starts each fault that the tutorials,
// pipelines, Ray or dashboard scenarios catch from that installed cluster.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Store } from './api/store';
import type { KObject } from './api/types';

export const SNAPSHOT_FORMAT = 'rhoai-twin-snapshot/v1';

export interface TwinSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  takenAt: string;
  appsDomain: string;
  store: ReturnType<Store['dump']>;
  keys: Record<string, string>;
}

/** Writes a snapshot (0600: it holds the twin's keys and the cluster's Secrets). */
export function writeSnapshot(file: string, snapshot: TwinSnapshot): void {
  writeFileSync(file, JSON.stringify(snapshot), { mode: 0o600 });
}

export function readSnapshot(file: string): TwinSnapshot {
  let parsed: Partial<TwinSnapshot>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<TwinSnapshot>;
  } catch (error) {
    throw new Error(`cannot read the twin snapshot ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (parsed.format !== SNAPSHOT_FORMAT || !parsed.store?.objects || !parsed.keys || !parsed.appsDomain)
    throw new Error(`${file} is not a twin snapshot (format ${SNAPSHOT_FORMAT}, as rhoai-twin serve --snapshot-on-exit writes it)`);
  return parsed as TwinSnapshot;
}

/**
 * The store of a snapshot as a restarted cluster finds it: pods that were running (or starting) on
 * a node are Pending there again, their containers to be started by the kubelet; pods that ended
 * stay as they ended.
 */
export function restartedObjects(store: TwinSnapshot['store']): TwinSnapshot['store'] {
  const objects = store.objects.map(({ resource, object }) => {
    if (resource !== '/pods' || !object.spec?.nodeName || object.metadata.deletionTimestamp) return { resource, object };
    const phase = object.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return { resource, object };
    const restarted: KObject = structuredClone(object);
    restarted.status = {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: object.status?.startTime }],
      hostIP: object.status?.hostIP,
    };
    return { resource, object: restarted };
  });
  return { rv: store.rv, objects };
}
