@advanced @opt-in
Feature: ADV-08 A cluster-wide proxy during installation
  Checklist section: advanced (ADV-*).
  Checklist "cluster-wide proxy during installation". RHOAI 2.9 has no proxy setting of its own: it
  works behind OpenShift's cluster-wide proxy (OpenShift 4.15 "Configuring the cluster-wide proxy":
  Proxy cluster with httpProxy, httpsProxy, noProxy, and trustedCA naming openshift-config/
  user-ca-bundle). What RHOAI gets from it was decided by the upstream source: the Cluster Network
  Operator publishes the proxy in the Proxy's status, with the cluster's own names kept direct, and
  adds the trusted CA to the cluster-wide trust bundle (cluster-network-operator release-4.15
  pkg/controller/proxyconfig), which every odh-trusted-ca-bundle ConfigMap carries in ca-bundle.crt
  (rhods-operator rhoai-2.9 pkg/trustedcabundle: the label config.openshift.io/inject-trusted-cabundle);
  OLM injects HTTP_PROXY, HTTPS_PROXY and NO_PROXY from that status into the containers of the
  operators it installs, the RHOAI operator's among them (operator-lifecycle-manager
  pkg/controller/operators/olm/overrides/initializer.go, pkg/lib/proxy/envvar.go). The proxy's CA
  here is the custom CA of the install (RHOAI_CUSTOM_CA_FILE, else the secure gateway's root); the
  proxy is RHOAI_CLUSTER_PROXY (on the twin, a made-up one nothing dials). The harness's own HTTP
  clients honour HTTPS_PROXY and NO_PROXY when it runs behind a proxy itself (test/unit/support/
  http-proxy.test.ts proves it through a proxy on loopback).
  A proxy changes the whole cluster (on a real cluster the nodes roll): the scenario is @opt-in, it
  runs only when asked for by tag (--tags @req.ADV-08, or '@install or @advanced'), and it takes the
  proxy out again at its end, and in a cleanup when it fails half-way.

  @req.ADV-08
  Scenario: A cluster-wide proxy with a trusted CA, taken up by the RHOAI operator, then removed
    Given the Red Hat OpenShift AI operator has made the DSCInitialization "default-dsci" Ready
    And the custom CA certificates: the file RHOAI_CUSTOM_CA_FILE, else the secure gateway's root CA
    And the cluster has no cluster-wide proxy of its own, and RHOAI_CLUSTER_PROXY says which proxy to use
    When I configure the cluster-wide proxy with those certificates as its trusted CA
    Then the cluster publishes the proxy, with the cluster's own names kept direct
    And the cluster-wide trust bundle and odh-trusted-ca-bundle in "redhat-ods-applications" hold the proxy's trusted CA
    And the RHOAI operator runs with the HTTP_PROXY, HTTPS_PROXY and NO_PROXY of the cluster-wide proxy
    When I remove the cluster-wide proxy
    Then the RHOAI operator runs without proxy variables, and odh-trusted-ca-bundle in "redhat-ods-applications" without the proxy's CA
