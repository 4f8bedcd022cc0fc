@advanced
Feature: ADV-07 Configure a CA bundle: its variants
  Checklist section: advanced (ADV-*).
  Checklist "configure a CA bundle" beyond the install's custom bundle (08-ca-bundle.feature): the
  custom CA bundle in default-dsci, a namespace that opts out, the bundle Removed and Managed again,
  and Unmanaged keeping the ConfigMaps. RHOAI 2.9 "Working with certificates" names the three
  management states; what each does was decided by the 2.9 operator's source (rhods-operator
  rhoai-2.9 pkg/trustedcabundle/trustedcabundle.go ConfigureTrustedCABundle,
  AddCABundleConfigMapInAllNamespaces, RemoveCABundleConfigMapInAllNamespaces, and
  controllers/certconfigmapgenerator/certconfigmapgenerator_controller.go):
    - Managed: odh-trusted-ca-bundle in every namespace that is not reserved (openshift-*, kube-*,
      default, openshift) and not annotated security.opendatahub.io/inject-trusted-ca-bundle=false
      (an annotation, read with Go's strconv.ParseBool; 2.9 reads no label). A change of state
      starts a pass over every namespace, so after Removed -> Managed every eligible one has it back;
    - Removed: the ConfigMap deleted from every namespace;
    - Unmanaged: the ConfigMaps kept as they are, even when customCABundle changes.
  An existing namespace annotated false later keeps its ConfigMap in 2.9 until the ConfigMap changes
  (watchNamespaceResource maps only namespaces that should get the bundle): delete it by hand then.
  Unmanaged is judged on the ConfigMaps as the change finds them (a deletion or an update fails at
  once when seen); 2.9 reports nothing that says the operator has seen the change (no
  observedGeneration on the DSCI), so a late one could go unseen: Removed, whose effect is positive,
  is the variant a fault proves (trusted-ca-bundle-removed-keeps-configmaps).
  The scenario ends in the install's state (Managed, the custom CA), so it can run after the
  installer and again: it takes seconds on the twin and leaves the cluster as it found it.

  @req.ADV-07
  Scenario: The trusted CA bundle Removed, Managed again, and Unmanaged, with a namespace opted out
    Given the Red Hat OpenShift AI operator has made the DSCInitialization "default-dsci" Ready
    And the custom CA certificates: the file RHOAI_CUSTOM_CA_FILE, else the secure gateway's root CA
    And I add them to "default-dsci" as its custom CA bundle, with the trusted CA bundle Managed
    And I create the project "rhoai-adv-ca-opt-out", opted out of the trusted CA bundle
    When I set the trusted CA bundle of "default-dsci" to Removed
    Then no namespace has the ConfigMap odh-trusted-ca-bundle any more
    When I set the trusted CA bundle of "default-dsci" to Managed
    Then every other namespace has it too, except the reserved namespaces openshift-*, kube-*, default and openshift
    And "rhoai-adv-ca-opt-out" has no ConfigMap odh-trusted-ca-bundle, after the operator gave "redhat-ods-applications" the new bundle
    When I set the trusted CA bundle of "default-dsci" to Unmanaged
    Then the ConfigMaps odh-trusted-ca-bundle are kept as they were, with the custom CA and not the new bundle
    When I set the trusted CA bundle of "default-dsci" to Managed
    Then every other namespace has it too, except the reserved namespaces openshift-*, kube-*, default and openshift
