@install @conformance
Feature: Install Red Hat OpenShift Serverless
  Checklist section: install (INS-SL-*).
  Checklist "Serverless", as the RHOAI 2.9 serving guide does it by hand ("Creating a Knative
  Serving instance"): the Serverless operator in its own project openshift-serverless (operator
  group serverless-operators, Subscription serverless-operator: the RHOAI operator detects
  Serverless by that name), the project knative-serving enrolled in the service mesh, and the
  KnativeServing that puts the activator and the autoscaler in the mesh (Istio sidecar) and uses
  the Istio ingress. Re-running these scenarios changes nothing.

  @req.INS-SL-01
  Scenario: Install the Serverless operator: its project openshift-serverless
    When I create the project "openshift-serverless"
    Then the project "openshift-serverless" is active

  @req.INS-SL-02
  Scenario: Create the knative-serving project for OpenShift Serverless
    When I create the project "knative-serving"
    Then the project "knative-serving" is active

  @req.INS-SL-03
  Scenario: Create the operator group for openshift-serverless
    Given the project "openshift-serverless" exists
    When I create the operator group "serverless-operators" in "openshift-serverless"
    Then "openshift-serverless" has exactly one operator group, watching all namespaces

  @req.INS-SL-04
  Scenario: Create the subscription for the serverless-operator
    Given the project "openshift-serverless" exists
    And "openshift-serverless" has its operator group "serverless-operators"
    When I subscribe to the "serverless-operator" operator
    Then its install plan is approved and complete
    And the "serverless-operator" ClusterServiceVersion succeeds
    And the "serverless-operator" operator's deployments are available

  @req.INS-SL-05
  Scenario: Create the ServiceMeshMember for knative-serving
    Given the project "knative-serving" exists
    And the ServiceMeshControlPlane "minimal" in "istio-system" is ready
    When I create the ServiceMeshMember of "knative-serving" for the control plane "minimal" in "istio-system"
    Then "knative-serving" is a configured member of the mesh in "istio-system"

  @req.INS-SL-06
  Scenario: Create the KnativeServing that injects and enables the Istio sidecar
    Given the "serverless-operator" ClusterServiceVersion succeeds
    And "knative-serving" is a member of the mesh of the control plane "minimal" in "istio-system"
    When I create the KnativeServing "knative-serving" in "knative-serving"
    Then the KnativeServing "knative-serving" in "knative-serving" is ready
    And the "activator" and "autoscaler" pods of "knative-serving" run with the istio-proxy sidecar, 2/2 ready
    And the other Knative Serving deployments of "knative-serving" are available
