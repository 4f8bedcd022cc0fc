@advanced
Feature: ADV-04 Service Mesh control plane customizations
  Checklist section: advanced (ADV-*).
  Checklist "Service Mesh control plane customizations". RHOAI 2.9's serving guide ("Manually
  installing KServe") documents the ServiceMeshControlPlane `minimal` as the starting point and
  names no customization of its own; the fields a cluster owner may add come from OpenShift Service
  Mesh 2.5 (SMCP v2 reference, "Customizing the control plane"; maistra/istio-operator maistra-2.5
  pkg/apis/maistra/v2): the ingress gateway's replicas without autoscaling and its container
  resources (spec.gateways.ingress.runtime), istiod's container resources
  (spec.runtime.components.pilot), tracing None and the addons off. They are applied server-side on
  top of the documented SMCP; the proof is what OSSM renders once it reports that generation ready
  (the Deployments' replicas and resources), and that what RHOAI uses the mesh for still works: the
  secure gateway's TLS handshake, the KnativeServing and default-dsc with KServe Ready. The
  scenario then applies the documented SMCP again, as the installer does, so the cluster is left as
  the installer left it (on a real cluster the gateway and istiod roll twice).

  @req.ADV-04
  Scenario: Customize the control plane, and the RHOAI features stay ready
    Given the ServiceMeshControlPlane "minimal" in "istio-system" is ready
    And the TLS secret "wildcard-certs" exists in "istio-system"
    When I customize the ServiceMeshControlPlane "minimal" in "istio-system": two ingress gateway replicas, container resources for the gateway and istiod, tracing and the addons off
    Then the ingress gateway and istiod run as customized
    And no tracing or addon deployment runs in "istio-system"
    When I route a host of the apps domain through to the ingress gateway, with TLS passthrough
    Then a TLS handshake for that host verifies against the generated root alone, and the gateway presents the wildcard certificate
    And the KnativeServing "knative-serving" in "knative-serving" is ready
    And default-dsc becomes Ready with KServe reconciled
    When I put the documented ServiceMeshControlPlane "minimal" in "istio-system" back
    Then the ServiceMeshControlPlane "minimal" in "istio-system" is ready
