@install @conformance
Feature: Install Authorino as the authorization provider of KServe
  Checklist section: install (INS-AUTH-*).
  Checklist "install authorino", as the RHOAI 2.9 serving guide does it by hand ("Manually adding an
  authorization provider", "Configuring a Service Mesh instance to use Authorino", "Configuring
  authorization for KServe"): the Authorino operator (Subscription authorino-operator, channel from
  RHOAI_AUTHORINO_CHANNEL, by default the catalog's), an Authorino instance in
  redhat-ods-applications-auth-provider inside the mesh with the Istio sidecar, Authorino as the
  mesh's extension provider, the AuthorizationPolicy that sends KServe predictor requests to it and
  the EnvoyFilter that restores their Host header. The sidecar patch sets the pod-template label
  sidecar.istio.io/inject, as the docs do (the 2.9 operator's automatic path sets the same key as an
  annotation; OSSM 2.x honours both): what counts is the pod, which runs authorino and istio-proxy.
  The extension provider is added to the providers the control plane already has, never replacing
  them. Re-running these scenarios changes nothing.

  @req.INS-AUTH-01
  Scenario: Apply the Authorino subscription
    Given "openshift-operators" has exactly one operator group, watching all namespaces
    When I subscribe to the "authorino-operator" operator
    Then its install plan is approved and complete
    And the "authorino-operator" ClusterServiceVersion succeeds
    And the "authorino-operator" operator's deployments are available

  @req.INS-AUTH-02
  Scenario: Create the redhat-ods-applications-auth-provider project
    When I create the project "redhat-ods-applications-auth-provider"
    Then the project "redhat-ods-applications-auth-provider" is active

  @req.INS-AUTH-03
  Scenario: Enrol the Authorino project in the service mesh
    Given the project "redhat-ods-applications-auth-provider" exists
    And the ServiceMeshControlPlane "minimal" in "istio-system" is ready
    When I create the ServiceMeshMember of "redhat-ods-applications-auth-provider" for the control plane "minimal" in "istio-system"
    Then "redhat-ods-applications-auth-provider" is a configured member of the mesh in "istio-system"

  @req.INS-AUTH-04
  Scenario: Create an Authorino instance
    Given the "authorino-operator" ClusterServiceVersion succeeds
    And the project "redhat-ods-applications-auth-provider" exists
    When I create the Authorino "authorino" in "redhat-ods-applications-auth-provider"
    Then the Authorino "authorino" in "redhat-ods-applications-auth-provider" is ready, with its deployment available
    And it serves the external authorization API on the Service "authorino-authorino-authorization", port 50051

  @req.INS-AUTH-05
  Scenario: Patch the authorino deployment to inject the Istio sidecar
    Given "redhat-ods-applications-auth-provider" is a member of the mesh of the control plane "minimal" in "istio-system"
    And the Authorino "authorino" in "redhat-ods-applications-auth-provider" is ready
    When I patch the deployment "authorino" to inject the Istio sidecar
    Then the authorino pod runs the containers "authorino" and "istio-proxy", all ready

  @req.INS-AUTH-06
  Scenario: Configure the Service Mesh instance to use Authorino as an extension provider
    Given the ServiceMeshControlPlane "minimal" in "istio-system" is ready
    And the Authorino "authorino" in "redhat-ods-applications-auth-provider" is ready
    When I register Authorino as the extension provider "redhat-ods-applications-auth-provider" of the ServiceMeshControlPlane "minimal" in "istio-system"
    Then the mesh config of "minimal" in "istio-system" lists the extension provider "redhat-ods-applications-auth-provider" at "authorino-authorino-authorization.redhat-ods-applications-auth-provider.svc.cluster.local" port 50051

  @req.INS-AUTH-07
  Scenario: Create the AuthorizationPolicy in the namespace of the Service Mesh instance
    Given the ServiceMeshControlPlane "minimal" in "istio-system" is ready
    When I create the AuthorizationPolicy "kserve-predictor" in "istio-system" for the provider "redhat-ods-applications-auth-provider"
    Then "istio-system" has a CUSTOM AuthorizationPolicy for the KServe predictors using the provider "redhat-ods-applications-auth-provider" of the mesh config of "minimal"

  @req.INS-AUTH-08
  Scenario: Create the EnvoyFilter in the namespace of the Service Mesh instance
    Given the ServiceMeshControlPlane "minimal" in "istio-system" is ready
    When I create the EnvoyFilter "activator-host-header" in "istio-system"
    Then the EnvoyFilter "activator-host-header" in "istio-system" restores the Host header of the KServe predictors from k-original-host
