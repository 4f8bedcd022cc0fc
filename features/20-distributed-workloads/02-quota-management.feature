@install @conformance @distributed
Feature: Distributed workloads: configure quota management
  Checklist "configure quota management", as the RHOAI 2.9 guide "Configuring quota management for
  distributed workloads" does it with Kueue v1beta1: an empty ResourceFlavor default-flavor (2.9
  supports empty flavors only), one ClusterQueue cluster-queue for it that every namespace may use
  (namespaceSelector {}) with quotas "adjusted per cluster", and LocalQueues pointing to it.
  Checklist section: distributed workloads (DW-Q-01, DW-Q-02, DW-Q-03, DW-Q-04, DW-Q-05).

  The quotas replace the docs' example (9 CPU, 36Gi, 5 GPUs) with what the cluster can give: the
  allocatable cpu, memory and nvidia.com/gpu of the Ready, schedulable worker nodes minus what the
  pods on them already request (distributed-workload pods excluded), rounded down to whole cores,
  GiB and GPUs. RHOAI_CLUSTER_QUEUE_CPU, RHOAI_CLUSTER_QUEUE_MEMORY and RHOAI_CLUSTER_QUEUE_GPU
  set them instead. The computation is attached to the report.

  The seed asks to "configure the local_queue.yaml to cover all namespaces". A LocalQueue cannot do
  that: it is namespaced, and its spec has only clusterQueue — the namespaceSelector in the seed's
  local_queue.yaml is not a LocalQueue field and a cluster would drop it. Cluster-wide reach comes
  from the ClusterQueue's namespaceSelector {}; each data science project (a namespace labelled
  opendatahub.io/dashboard=true) still needs a LocalQueue of its own. So the install keeps one data
  science project for distributed workloads (RHOAI_DW_PROJECT, created when missing), gives it a
  local queue marked kueue.x-k8s.io/default-queue (the queue the CodeFlare SDK uses when none is
  named), and gives every other data science project one too.

  @req.DW-Q-01
  Scenario: Create an empty Kueue resource flavor
    Server-side apply leaves fields other managers own: a flavor an earlier setup gave node labels,
    taints or tolerations stays non-empty, and the check names who set them.
    When I create the empty resource flavor "default-flavor"
    Then the resource flavor "default-flavor" is empty and Kueue has taken charge of it

  @req.DW-Q-02
  Scenario: Create a cluster queue to manage the empty resource flavor, with quotas adjusted to the cluster
    Given the resource flavor "default-flavor" exists
    When I create the cluster queue "cluster-queue" for "default-flavor", with quotas sized to the cluster
    Then the cluster queue "cluster-queue" admits every namespace and covers cpu, memory and nvidia.com/gpu of "default-flavor" with those quotas

  @req.DW-Q-03
  Scenario: Create a local queue that points to the cluster queue
    Kueue must have resolved the queue's ClusterQueue (Kueue 0.6 reports ClusterQueueDoesNotExist
    otherwise), and the project's default queue — where the CodeFlare SDK submits when no
    local_queue is named — must be one backed by the cluster queue: a default queue that something
    else put there (a project template, a team) is reported, not taken over.
    Given the data science project for distributed workloads exists
    When I create its local queue, pointing to "cluster-queue"
    Then its local queues show the local queue backed by "cluster-queue", as the project's default queue

  @req.DW-Q-04
  Scenario: Local queues cover all data science project namespaces
    Given the data science project for distributed workloads exists
    When I create a local queue pointing to "cluster-queue" in every data science project that has none
    Then every data science project has a local queue backed by "cluster-queue"

  @req.DW-Q-05
  Scenario: Verify the status of the local queue
    Kueue 0.6 (RHOAI 2.9) gives a LocalQueue the condition Active (reason Ready while its
    ClusterQueue is active); the check uses it when present, else the workload counts a reconciled
    LocalQueue reports. The report says which.
    Given quota management for distributed workloads is configured
    Then the cluster queue "cluster-queue" is active
    And the local queue of the data science project is active
