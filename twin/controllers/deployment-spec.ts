// The spec of a Deployment whose selector and pod template carry the same labels — the shape every
// operator manifest the twin installs (kueue, the CodeFlare and KubeRay operators, the pipeline
// servers' components) repeats: one place for it, so a controller states only its pod.
// Upstream: kubernetes staging/src/k8s.io/api/apps/v1/types.go (DeploymentSpec: the selector must
// match the template's labels, which apps/v1 validation enforces); the manifests it stands for:
// kueue config/components/manager/manager.yaml, codeflare-operator config/manager/manager.yaml (both
// red-hat-data-services, rhoai-2.9), data-science-pipelines-operator config/internal/apiserver and
// persistence-agent/scheduled-workflow deployment templates (rhoai-2.9).
type Labels = Record<string, string>;

/** `{replicas?, selector: {matchLabels: labels}, template: {metadata: {labels}, spec: pod}}` (replicas only when given). */
export function deploymentSpec(labels: Labels, pod: Record<string, unknown>, replicas?: number): Record<string, unknown> {
  return {
    ...(replicas === undefined ? {} : { replicas }),
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: pod },
  };
}
