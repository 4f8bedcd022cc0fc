// What the model-serving containers of one twin have running, by pod: the model servers (OpenVINO
// Model Server, TGIS) and ModelMesh's runtime adapter. The containers of one pod reach each other
// through it as they would over localhost (ModelMesh's rest-proxy and adapter talk to the model
// server next to them), and the ModelMesh controller asks a pod's adapter to load a model as
// ModelMesh's `mm` container would.
import type { ControllerContext } from '../controllers/runtime';
import type { FaultSet } from '../fault-set';

/** One container's part in a pod, by role. */
export interface PodParts {
  ovms?: import('./openvino').OvmsServer;
  adapter?: import('./modelmesh').RuntimeAdapter;
  tgis?: import('./text-generation').TgisServer;
}

export class ServingPods {
  private readonly pods = new Map<string, PodParts>();

  /** The faults of the twin these pods run in (for the emulators of its serving images). */
  constructor(readonly faults?: FaultSet) {}

  /** Registers a part of a pod; returns a function that removes it again. */
  set<K extends keyof PodParts>(podUid: string, role: K, part: NonNullable<PodParts[K]>): () => void {
    const parts = this.pods.get(podUid) ?? {};
    parts[role] = part;
    this.pods.set(podUid, parts);
    return () => {
      const now = this.pods.get(podUid);
      if (now?.[role] !== part) return;
      delete now[role];
      if (!Object.keys(now).length) this.pods.delete(podUid);
    };
  }

  of(podUid: string | undefined): PodParts {
    return (podUid && this.pods.get(podUid)) || {};
  }
}

const registries = new WeakMap<ControllerContext, ServingPods>();

/** The serving pods of the twin this controller context belongs to. */
export function servingPodsOf(ctx: ControllerContext): ServingPods {
  let r = registries.get(ctx);
  if (!r) registries.set(ctx, (r = new ServingPods(ctx.faults)));
  return r;
}
