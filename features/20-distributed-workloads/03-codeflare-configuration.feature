@install @conformance @distributed
Feature: Distributed workloads: configure the CodeFlare operator
  Checklist "Configure the CodeFlare Operator", as the RHOAI 2.9 guide "Configuring the CodeFlare
  Operator" reviews it: the ConfigMap codeflare-operator-config in redhat-ods-applications, key
  config.yaml, which the operator creates with its defaults when it starts. It is read the way the
  operator reads it (a key left out keeps the operator's default). The checklist's
  "rayDashboardOauthEnabled" is spelled rayDashboardOAuthEnabled in the operator and in the
  ConfigMap; the expected values come from RHOAI_CODEFLARE_INGRESS_DOMAIN,
  RHOAI_CODEFLARE_MTLS_ENABLED and RHOAI_CODEFLARE_DASHBOARD_OAUTH_ENABLED.
  Checklist section: distributed workloads (DW-CF-01, DW-CF-02, DW-CF-03, DW-CF-04).

  @req.DW-CF-01
  Scenario: The CodeFlare SDK can reach the cluster (the seed's "install the codeflare-cli")
    The RHOAI 2.9 docs have no codeflare-cli step: the documented client is the CodeFlare SDK
    (codeflare-sdk, in the workbench images), which needs nothing installed on the cluster. What it
    needs from the cluster is proved instead: the kinds it creates and reads are served, a bearer
    token reaches them as its TokenAuthentication does, and the user may create Ray clusters and
    jobs in a data science project and read the local queues and workloads that admit them. And
    what Cluster.up() relies on happens: a RayCluster created in the project (suspended, so that it
    starts no pod; created once and kept) is mutated by the CodeFlare operator's webhook as its
    codeflare-operator-config says (oauth-proxy sidecar, create-cert init containers), carries its
    controller's finalizer and, with mTLS, its CA secret, and KubeRay reports it suspended. An
    operator that runs with another configuration than its ConfigMap's (edited, pod not restarted)
    fails here.
    Given quota management for distributed workloads is configured
    Then the cluster serves the kinds the CodeFlare SDK uses: RayCluster and RayJob, LocalQueue and Workload
    And a bearer token reaches those APIs, as the SDK's TokenAuthentication does
    And I may create Ray clusters and jobs in the project and read its local queues and workloads
    And a Ray cluster created in the project is admitted and taken in charge by the CodeFlare operator as codeflare-operator-config says, and by KubeRay

  @req.DW-CF-02
  Scenario: Review codeflare-operator-config: ingressDomain
    Given the CodeFlare operator has its configuration "codeflare-operator-config" in "redhat-ods-applications"
    Then kuberay.ingressDomain is empty or the cluster's apps domain, as RHOAI_CODEFLARE_INGRESS_DOMAIN expects

  @req.DW-CF-03
  Scenario: Review codeflare-operator-config: mTLSEnabled
    Given the CodeFlare operator has its configuration "codeflare-operator-config" in "redhat-ods-applications"
    Then kuberay.mTLSEnabled is as RHOAI_CODEFLARE_MTLS_ENABLED expects (default true)

  @req.DW-CF-04
  Scenario: Review codeflare-operator-config: rayDashboardOAuthEnabled (the checklist's "rayDashboardOauthEnabled")
    Given the CodeFlare operator has its configuration "codeflare-operator-config" in "redhat-ods-applications"
    Then kuberay.rayDashboardOAuthEnabled is as RHOAI_CODEFLARE_DASHBOARD_OAUTH_ENABLED expects (default true)
