@install @conformance
Feature: Install Red Hat OpenShift Service Mesh
  Checklist section: install (INS-SM-*).
  Checklist "ServiceMesh", as the RHOAI 2.9 serving guide does it by hand ("Manually installing
  KServe"): the project istio-system, the Service Mesh operator from redhat-operators (its
  Subscription keeps the name servicemeshoperator: the RHOAI operator detects the mesh by it) and
  the documented ServiceMeshControlPlane "minimal", without spec.version unless RHOAI_SMCP_VERSION
  sets one. The control plane is ready as OSSM and the RHOAI 2.9 operator judge it: Ready=True and
  no pending or unready component in status.readiness. It is the only control plane: default-dsci's
  serviceMesh was set Unmanaged before the mesh operator arrived (02-components.feature), so the
  RHOAI operator built no data-science-smcp beside it. Re-running these scenarios changes nothing.

  @req.INS-SM-01
  Scenario: Verify or create the istio-system project
    When I create the project "istio-system"
    Then the project "istio-system" is active

  @req.INS-SM-02
  Scenario: Install the Service Mesh operator
    Given "openshift-operators" has exactly one operator group, watching all namespaces
    When I subscribe to the "servicemeshoperator" operator
    Then its install plan is approved and complete
    And the "servicemeshoperator" ClusterServiceVersion succeeds
    And the "servicemeshoperator" operator's deployments are available

  @req.INS-SM-03
  Scenario: Create a ServiceMeshControlPlane and wait for it to be ready
    Given the project "istio-system" exists
    And the "servicemeshoperator" ClusterServiceVersion succeeds
    When I create the ServiceMeshControlPlane "minimal" in "istio-system"
    Then the ServiceMeshControlPlane "minimal" in "istio-system" is ready
    And its deployments "istiod-minimal", "istio-ingressgateway" and "istio-egressgateway" are available
    And the ingress gateway and its pods carry the label "knative=ingressgateway"
    And "minimal" is the only ServiceMeshControlPlane on the cluster
