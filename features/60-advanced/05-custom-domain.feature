@advanced
Feature: ADV-05 and ADV-06 A custom domain for Knative Serving: domain mapping with its own certificate, and the wildcard-certificate gateway
  Checklist section: advanced (ADV-*).
  Checklist "TLS certificate to secure the mapped services of Knative Serving (domain mapping)" and
  "secure gateway for Knative Serving with a wildcard certificate". RHOAI 2.9 gives no procedure of
  its own for either; the OpenShift Serverless documentation does, and the upstream source decided
  the details: Serverless "Creating a custom domain mapping" and "Securing a mapped service using a
  TLS certificate" (the TLS Secret labelled networking.internal.knative.dev/certificate-uid because
  RHOAI's KnativeServing turns on net-istio's secret filtering; the DomainMapping
  serving.knative.dev/v1beta1 named after the host, spec.tls.secretName), Serverless "Using Service
  Mesh with OpenShift Serverless" (a wildcard certificate signed by a root, its Secret in the mesh
  namespace, a Gateway server with that credentialName, hosts reached through a passthrough Route in
  istio-system), serverless-operator release-1.32 pkg/serving/extension.go (ClusterDomainClaims are
  created automatically), and net-istio's MakeTLSServers (the mapping's own Gateway server, in the
  mapping's namespace, which therefore joins the mesh). The custom domain is RHOAI_CUSTOM_DOMAIN
  (default custom.<apps domain>, which the apps domain's wildcard DNS already sends to the router);
  its root, wildcard and host certificates are made with OpenSSL under RHOAI_WORK_DIR and reused.
  Both scenarios add objects of their own (a Gateway for the custom domain's names, a project with
  the mapping, two Routes) and change nothing of the install: they stay for a re-run to find.

  @req.ADV-06
  Scenario: A secure gateway for the custom domain with a wildcard certificate
    Given the custom domain's root, wildcard and mapped-host certificates, made with OpenSSL
    And the Service Mesh's ingress gateway runs in "istio-system"
    When I create the custom domain's wildcard TLS secret in istio-system and a Gateway serving its names with it
    Then a TLS handshake for a name of the custom domain, routed to the ingress gateway, verifies against the custom root alone and presents the custom wildcard certificate

  @req.ADV-05
  Scenario: A DomainMapping secured with a TLS certificate of its own
    Given the custom domain's root, wildcard and mapped-host certificates, made with OpenSSL
    And the KnativeServing "knative-serving" in "knative-serving" is ready
    And the project "rhoai-adv-domain-mapping" in the mesh of the control plane "minimal", with the Service the domain maps to
    When I create the TLS secret "mapped-host-tls" there from the mapped host's certificate, labelled for net-istio, and the DomainMapping of the mapped host with it
    Then the DomainMapping is Ready at https://<mapped host>
    And a TLS handshake for the mapped host, routed to the ingress gateway, verifies against the custom root alone and presents the DomainMapping's own certificate
