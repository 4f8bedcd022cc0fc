@install @conformance
Feature: Create a secure gateway for Knative Serving with OpenSSL
  Checklist section: install (INS-GW-*).
  Checklist "create a secure gateway for knative-serving with OpenSSL", as the RHOAI 2.9 serving
  guide does it ("Creating secure gateways for Knative Serving"): a root certificate and a wildcard
  certificate for *.<apps domain> signed by it, made with the guide's own OpenSSL commands
  (OpenSSL >= 3.0, RHOAI_OPENSSL) in a private directory under RHOAI_WORK_DIR; the TLS secret
  wildcard-certs in istio-system; gateways.yaml (the Service knative-local-gateway and the Gateways
  knative-ingress-gateway and knative-local-gateway); and a check the way a person makes it: a TLS
  handshake with the ingress gateway, for a host of the apps domain, that trusts only the generated
  root. The gateways need the Service Mesh control plane and its ingress gateway (the Service Mesh
  scenarios). The check goes through a passthrough Route istio-system/rhoai-gateway-check to the
  istio-ingressgateway Service, which the install keeps. Re-running these scenarios reuses the
  certificates while they are valid (from a fresh RHOAI_WORK_DIR, those of the Secret) and changes
  nothing on the cluster.

  @req.INS-GW-01
  Scenario: Create a directory for the wildcard certificates and keys
    When I create the directory for the gateway certificates and keys
    Then the certificate directory is private to me and outside the reports

  @req.INS-GW-02
  Scenario: Create the OpenSSL configuration for the wildcard certificate
    When I write the OpenSSL configuration for a wildcard certificate of the cluster's apps domain
    Then its subjectAltName is DNS:*.<apps domain>, the domain the cluster reports

  @req.INS-GW-03
  Scenario: Generate a root certificate
    Given the OpenSSL configuration for the wildcard certificate exists
    When I generate the root certificate
    Then the root certificate is a self-signed CA for the organisation and the apps domain's last two labels
    And the root key is readable only by me

  @req.INS-GW-04
  Scenario: Generate a wildcard certificate signed by the root certificate
    Given the root certificate exists
    When I generate the wildcard certificate signed by the root certificate
    Then "openssl verify -CAfile root.crt wildcard.crt" answers OK
    And the wildcard certificate is for *.<apps domain> and issued by the root certificate
    And the wildcard key is readable only by me

  @req.INS-GW-05
  Scenario: Create a TLS secret in the istio-system namespace
    Given the wildcard certificate exists
    And the project "istio-system" exists
    When I create the TLS secret "wildcard-certs" in "istio-system" from the wildcard certificate and key
    Then "istio-system" has the kubernetes.io/tls secret "wildcard-certs" with the wildcard certificate and its key

  @req.INS-GW-06
  Scenario: Create the gateways: the local gateway Service and the ingress gateway with the TLS secret
    Given the Service Mesh's ingress gateway runs in "istio-system"
    And the project "knative-serving" exists
    And the TLS secret "wildcard-certs" exists in "istio-system"
    When I apply gateways.yaml
    Then the Service "knative-local-gateway" in "istio-system" sends port 80 to the ingress gateway pods' port 8081
    And the Gateway "knative-ingress-gateway" serves HTTPS on port 443 with TLS mode SIMPLE and the credential "wildcard-certs"
    And the Gateway "knative-local-gateway" serves HTTPS on port 8081 with TLS mode ISTIO_MUTUAL

  @req.INS-GW-07
  Scenario: Verify the local and ingress gateways
    Given the TLS secret "wildcard-certs" exists in "istio-system"
    And the gateways of gateways.yaml exist
    Then the local gateway sends to running ingress gateway pods that both Gateways select
    When I route a host of the apps domain through to the ingress gateway, with TLS passthrough
    Then a TLS handshake for that host verifies against the generated root alone, and the gateway presents the wildcard certificate
    And the answer comes from the Istio ingress gateway
