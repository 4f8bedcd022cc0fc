// The spec of a Deployment whose selector and pod template carry the same labels — the shape every
// operator manifest the twin installs (kueue, the CodeFlare and KubeRay operators, the pipeline
// servers' components) repeats: one place for it, so a controller states only its pod.
type Labels = Record<string, string>;

/** `{replicas?, selector: {matchLabels: labels}, template: {metadata: {labels}, spec: pod}}` (replicas only when given). */
export function deploymentSpec(labels: Labels, pod: Record<string, unknown>, replicas?: number): Record<string, unknown> {
  return {
    ...(replicas === undefined ? {} : { replicas }),
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: pod },
  };
}
