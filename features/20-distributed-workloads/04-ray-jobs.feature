@distributed @ray
Feature: Ray jobs over the local queue
  Ray clusters as the CodeFlare SDK 0.16 makes them (a plain ray.io/v1 RayCluster labelled with the
  project's local queue), admitted by Kueue within a real quota, reached through the dashboard
  Route the CodeFlare operator puts behind its oauth-proxy, and Ray jobs submitted over HTTP (the
  Ray jobs REST API, or a RayJob in HTTPMode). Every job status checked comes from the Ray API or
  the RayJob's status. Reference workloads.md §8.
  Checklist sections: components (CMP-11, CMP-12); distributed workloads (DW-RAY-01); questions (Q-03); user interface (UI-DW-01, UI-DW-02).

  @req.DW-RAY-01
  Scenario: Ray jobs over HTTP through the dashboard route of a queued Ray cluster
    Given a Ray cluster "jobs" made as the CodeFlare SDK makes it, in the project for distributed workloads
    Then the Ray cluster "jobs" is admitted through the local queue and ready
    When I submit a Python job to "jobs" through its dashboard route and follow it
    And I stop a long job on "jobs" and delete it
    Then the dashboard route of "jobs" refuses a request without a token and a token without access

  @req.DW-RAY-01
  Scenario: A RayJob in HTTPMode is admitted by Kueue and succeeds; the default K8sJobMode does not work in 2.9
    When I create the RayJob "squares" with submissionMode "HTTPMode"
    Then the RayJob "squares" is admitted by Kueue and ends SUCCEEDED and Complete
    When I create the RayJob "squares-k8sjob" with submissionMode "K8sJobMode"
    Then the RayJob "squares-k8sjob" fails, as HTTPMode is the only mode RHOAI 2.9 supports

  @req.CMP-12
  Scenario: Control remote Ray clusters and their jobs
    Given a Ray cluster "remote" made as the CodeFlare SDK makes it, in the project for distributed workloads
    Then the Ray cluster "remote" is admitted through the local queue and ready
    When I submit a Python job to "remote" through its dashboard route and follow it
    Then I can list and inspect the Ray cluster "remote" and its jobs from outside, and delete it

  @req.CMP-11
  Scenario: Ray clusters are deployed with mTLS by default
    With codeflare-operator-config's default (kuberay.mTLSEnabled true) the operator gives the head
    and the first worker group RAY_USE_TLS and the create-cert init container, and the cluster a CA
    of its own; the Ray client route is passthrough, so a client meets Ray's own TLS there, with a
    certificate issued by that CA. (That a client without a certificate of that CA is refused is
    Ray's gRPC server's part; the check stops at the server side of the handshake.)
    Given a Ray cluster "mtls" made as the CodeFlare SDK makes it, in the project for distributed workloads
    Then the Ray cluster "mtls" is admitted through the local queue and ready
    And the Ray cluster "mtls" runs with mTLS: its client route presents a certificate of the cluster's own CA

  @req.UI-DW-01
  Scenario: The quota is real, and the project's workloads show as the dashboard shows them
    The dashboard's status of each workload (Pending, Admitted, Running, ...) and the resources
    reserved against the quota are attached to the report. Kueue 0.6 reports a workload that does
    not fit with QuotaReserved=False reason Pending ("couldn't assign flavors to pod set ...:
    insufficient unused quota ..."); Inadmissible is its reason for a missing or inactive queue.
    Given a project with a local queue backed by a small cluster queue of its own
    When a first Ray cluster runs and a second one does not fit in the quota
    Then the second stays suspended, without pods, its Workload pending for lack of quota
    And once the first is deleted the second is admitted and becomes ready

  @req.UI-DW-02
  Scenario: Distributed workloads accept NVIDIA GPUs as the only accelerator
    Given a project with a local queue backed by a small cluster queue of its own
    When Ray clusters ask for an NVIDIA GPU worker and for a Habana Gaudi worker
    Then the NVIDIA GPU worker is admitted against the GPU quota and the Gaudi worker is not

  @req.Q-03
  Scenario: Do you have to create a distributed workloads local queue per project?
    Yes. A LocalQueue is namespaced and Kueue admits a workload only through a LocalQueue of its own
    namespace: a Ray cluster made for the local queue in a project that has none is Inadmissible
    ("LocalQueue ... doesn't exist") and never runs, although the cluster queue admits every
    namespace; creating the project's LocalQueue is what makes it run (the CodeFlare SDK, given no
    local_queue, also needs the project's default queue).
    Given a data science project without a local queue, and a Ray cluster made for the local queue
    Then Kueue does not admit the Ray cluster: its Workload is Inadmissible and it has no pods
    And creating the local queue makes the Ray cluster run
