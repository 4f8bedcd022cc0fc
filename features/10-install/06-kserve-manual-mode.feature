@install @conformance @serving
Feature: Configure KServe for the manual dependency mode
  Checklist section: install (INS-MAN-*).
  Checklist "configure servicemesh, serverless and authorino to manual", as the RHOAI 2.9 serving
  guide does it ("Manually installing KServe"). With OpenShift Service Mesh, Serverless and the
  secure gateway in place (the features before this one), KServe is set Managed in default-dsc and
  its serving Unmanaged, so that the operator uses the KnativeServing knative-serving made by hand
  and builds no Serverless of its own. Each change is a merge patch of those fields only, as
  `oc patch dsc default-dsc --type merge` makes it; a second run changes nothing.

  The first step of this checklist item, serviceMesh Unmanaged in default-dsci, ran before the
  Service Mesh operator was installed (02-components.feature explains why); it is checked again
  here. Profiles without KServe (RHOAI_PROFILE=train-only) skip these scenarios.

  @req.INS-MAN-02
  Scenario: Change kserve to Managed in default-dsc
    Given default-dsc manages the components of the profile RHOAI_PROFILE chooses
    And default-dsci leaves the Service Mesh to me
    When I change kserve to Managed in default-dsc
    Then default-dsc sets kserve Managed
    And default-dsc becomes Ready with KServe reconciled

  @req.INS-MAN-03
  Scenario: Change kserve serving to Unmanaged in default-dsc
    Given kserve is Managed in default-dsc
    When I change kserve serving to Unmanaged in default-dsc
    Then default-dsc sets kserve serving Unmanaged, using the KnativeServing made by hand
    And default-dsc becomes Ready with KServe reconciled
    And the Deployments "kserve-controller-manager" and "odh-model-controller" are available in "redhat-ods-applications"
    And default-dsci still leaves the Service Mesh to me, and the operator has built no ServiceMeshControlPlane of its own
