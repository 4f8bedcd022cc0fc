@install @conformance
Feature: Install the components
  Checklist section: install (INS-CMP-*, INS-MAN-*).
  Checklist "install the components", as the RHOAI 2.9 install guide does it from the CLI
  ("Installing Red Hat OpenShift AI components by using the CLI"): a DataScienceCluster named
  default-dsc (cluster-scoped; RHOAI allows one) that sets each component Managed or Removed. Three
  profiles are identified — all, train-only, infer-only — and the cluster checks each in a
  server-side dry run; the install applies the one RHOAI_PROFILE chooses (default all). TrustyAI is
  deprecated in RHOAI 2.9 and stays Removed.

  KServe (single-model serving) needs OpenShift Service Mesh and Serverless, which the next
  sections install; the checklist turns it on afterwards, in its manual dependency mode ("change
  the kserve to managed", 06-kserve-manual-mode.feature). So default-dsc is applied here with the
  profile's other components, and they must be ready: RHOAI 2.9 sets phase Ready even when a
  component failed, so ready means ReconcileComplete with reason ReconcileCompleted, one
  <component>Ready=True per Managed component, and their Deployments available.

  The last scenario, serviceMesh Unmanaged in default-dsci, is listed later by the checklist (under
  "configure servicemesh, serverless and authorino to manual") but has to happen here, before the
  Service Mesh operator is installed (03-service-mesh.feature): while serviceMesh is Managed, the
  2.9 operator builds its own ServiceMeshControlPlane, data-science-smcp in istio-system, as soon as
  a servicemeshoperator Subscription exists — a second control plane next to the manual one. Until
  this patch default-dsci is Progressing with CapabilityServiceMesh=False (MissingOperator), as
  01-rhoai-operator.feature explains; the patch does not wait for Ready (that would wait forever on
  a real cluster), and afterwards default-dsci must become Ready. The stale CapabilityServiceMesh
  condition stays (2.9 removes it nowhere), but the operator must not set it again.

  Scenario Outline: Identify the components: <profile>
    When I choose the components of the "<profile>" profile
    Then default-dsc manages exactly "<managed>"
    And default-dsc removes every other component, TrustyAI included
    And KServe, where chosen, leaves Knative Serving to me: serving Unmanaged
    And the cluster accepts that default-dsc in a server-side dry run

    @req.INS-CMP-01
    Examples: all
      | profile | managed                                                                                      |
      | all     | dashboard, workbenches, datasciencepipelines, codeflare, ray, kueue, modelmeshserving, kserve |

    @req.INS-CMP-02
    Examples: train-only
      | profile    | managed                                                             |
      | train-only | dashboard, workbenches, datasciencepipelines, codeflare, ray, kueue |

    @req.INS-CMP-03
    Examples: infer-only
      | profile    | managed                             |
      | infer-only | dashboard, modelmeshserving, kserve |

  @req.INS-CMP-04
  Scenario: The cluster has the CPU and memory the chosen components need
    Given the components of the profile RHOAI_PROFILE chooses
    Then the schedulable nodes meet the documented requirements of those components

  # Whichever profile RHOAI_PROFILE chooses, this is where it is provisioned: the scenario carries
  # the three ids of "identify components".
  @req.INS-CMP-01 @req.INS-CMP-02 @req.INS-CMP-03
  Scenario: Install the components of the chosen profile
    Given the components of the profile RHOAI_PROFILE chooses
    When I apply default-dsc with those components, KServe aside until its manual mode
    Then default-dsc becomes Ready with every chosen component reconciled
    And TrustyAI is not installed
    And the chosen components' Deployments are available in "redhat-ods-applications"

  @req.INS-MAN-01
  Scenario: Change serviceMesh to Unmanaged in default-dsci, before the Service Mesh operator is installed
    Given the operator has created default-dsci
    When I change serviceMesh to Unmanaged in default-dsci
    Then default-dsci leaves the Service Mesh to me: serviceMesh Unmanaged, and Ready
    And the operator has built no ServiceMeshControlPlane of its own
