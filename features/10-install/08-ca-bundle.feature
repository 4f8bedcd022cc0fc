@install @conformance
Feature: Add a custom CA bundle
  Checklist section: install (INS-CA-*).
  Checklist "add a CA bundle: use self-signed certificates in a custom CA bundle separate from the
  cluster-wide bundle" (RHOAI 2.9 "Working with certificates", "Adding a CA bundle"). The
  certificates to trust are the PEM file RHOAI_CUSTOM_CA_FILE, or by default the root CA that the
  secure-gateway step generated (the same files, reused while valid). They go into the
  DSCInitialization default-dsci as spec.trustedCABundle.customCABundle, Managed; the operator then
  puts the ConfigMap odh-trusted-ca-bundle into every namespace that is not reserved (openshift-*,
  kube-*, default, openshift) and has not opted out with the annotation
  security.opendatahub.io/inject-trusted-ca-bundle=false: odh-ca-bundle.crt holds the custom
  certificates, ca-bundle.crt the cluster-wide bundle that OpenShift injects. The two projects the
  scenario creates to prove it stay, so that a re-run finds them and changes nothing. The opted-out
  project is created before the bundle changes: in 2.9 only the operator's pass over every namespace,
  which that change starts, visits it, so its absence is judged after that pass.

  @req.INS-CA-01
  Scenario: Trust the self-signed root CA through a custom CA bundle in default-dsci
    Given the Red Hat OpenShift AI operator has made the DSCInitialization "default-dsci" Ready
    And the custom CA certificates: the file RHOAI_CUSTOM_CA_FILE, else the secure gateway's root CA
    When I create the project "rhoai-harness-ca-opt-out", opted out of the trusted CA bundle
    And I add them to "default-dsci" as its custom CA bundle, with the trusted CA bundle Managed
    Then "redhat-ods-applications" has the ConfigMap odh-trusted-ca-bundle with the custom CA and the cluster-wide CA bundle
    And "rhoai-harness-ca-opt-out" has no ConfigMap odh-trusted-ca-bundle, after the operator gave "redhat-ods-applications" the new bundle
    When I create the project "rhoai-harness-ca-probe"
    Then "rhoai-harness-ca-probe" has the ConfigMap odh-trusted-ca-bundle with the custom CA and the cluster-wide CA bundle
    And "rhoai-harness-ca-opt-out" still has no ConfigMap odh-trusted-ca-bundle, while "rhoai-harness-ca-probe", created after it, has it
    And every other namespace has it too, except the reserved namespaces openshift-*, kube-*, default and openshift
