@install @conformance @distributed
Feature: Distributed workloads: the operator pods
  Checklist "Distributed Workloads — verify the status of the following pods in the
  redhat-ods-applications project", as the RHOAI 2.9 guide "Configuring distributed workloads"
  checks them: `oc get pods -n redhat-ods-applications` shows the codeflare-operator-manager,
  kuberay-operator and kueue-controller-manager pods Running, `oc get deploy` shows each Deployment
  available, and default-dsc reports codeflareReady, rayReady and kueueReady. They exist only when
  the components codeflare, ray and kueue are Managed in default-dsc: the profiles all and
  train-only manage them, infer-only does not (RHOAI_PROFILE). A crash-looping or unpullable
  container fails the check at once with the container's state. As the guide requires, no
  separately installed CodeFlare operator may stand next to the RHOAI one: the 2.9 codeflare
  component only refuses to deploy next to rhods-codeflare-operator, so a community
  codeflare-operator (or its CSV, left after its Subscription was deleted) is looked for here. Nor
  may another KubeRay operator (OperatorHub or Helm) run next to the ray component's: the 2.9 ray
  component does not look for one, and both would reconcile every RayCluster. Likewise no other
  Kueue (an upstream install in kueue-system): two managers would admit the same workloads.
  Checklist section: distributed workloads (DW-POD-01, DW-POD-02, DW-POD-03).

  @req.DW-POD-01
  Scenario: The codeflare-operator-manager pod is running in redhat-ods-applications
    Given the DataScienceCluster "default-dsc" manages the distributed workloads components
    Then no separately installed CodeFlare operator is on the cluster
    And the "codeflare-operator-manager" pods are running in "redhat-ods-applications"
    And the deployment "codeflare-operator-manager" in "redhat-ods-applications" is available
    And "default-dsc" reports the "codeflare" component ready

  @req.DW-POD-02
  Scenario: The kuberay-operator pod is running in redhat-ods-applications
    Given the DataScienceCluster "default-dsc" manages the distributed workloads components
    Then no other KubeRay operator runs on the cluster
    And the "kuberay-operator" pods are running in "redhat-ods-applications"
    And the deployment "kuberay-operator" in "redhat-ods-applications" is available
    And "default-dsc" reports the "ray" component ready

  @req.DW-POD-03
  Scenario: The kueue-controller-manager pod is running in redhat-ods-applications
    Given the DataScienceCluster "default-dsc" manages the distributed workloads components
    Then no other Kueue runs on the cluster
    And the "kueue-controller-manager" pods are running in "redhat-ods-applications"
    And the deployment "kueue-controller-manager" in "redhat-ods-applications" is available
    And "default-dsc" reports the "kueue" component ready
