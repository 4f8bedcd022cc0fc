@tutorial @serving @fraud-detection-project
Feature: Fraud detection tutorial: token authorization of the deployed model
  A single-model deployment of the tutorial's fraud model with "Require token authentication"
  ticked in the dashboard's "Deploy model", as the RHOAI 2.9 dashboard sets it up. It is a model of
  its own, `fraud-secure`: one intended state per object — `fraud` of the previous features stays
  open, `fraud-secure` is always protected, so no later scenario (and no second run) re-applies a
  protected model without its protection. The dashboard makes a service account fraud-secure-sa,
  the RoleBinding fraud-secure-view to the ClusterRole view, the token Secret
  default-name-fraud-secure-sa, and the annotation security.opendatahub.io/enable-auth on the
  InferenceService. odh-model-controller then protects
  the model through Authorino (installed by the installer: the CUSTOM AuthorizationPolicy in
  istio-system sends the predictors' requests to it): a Kubernetes token must pass a TokenReview and
  a SubjectAccessReview for `get services` in the project. Checked over the wire, at the endpoint
  read from status.url: no token is refused, the model's token gets v2 answers that tell fraud from
  a legitimate purchase, and a token of a service account of another project, which has no access
  to the model, is refused.
  Checklist sections: components (CMP-06, CMP-08); tutorials (TUT-FD-07, TUT-FD-08).

  @req.TUT-FD-07
  Scenario: Configure token authorization with a service account
    Given the serving platforms of the installed platform are running
    And the fraud model of the tutorial is stored in the bucket of the data connection "My Storage"
    When I deploy the model "fraud-secure" in the tutorial's project on the single-model serving platform, requiring token authentication with the token "default-name"
    Then the model "fraud-secure" has the service account "fraud-secure-sa" with the view role, and the token Secret "default-name-fraud-secure-sa"
    And the token Secret holds a token the cluster authenticates as "fraud-secure-sa"
    And the model "fraud-secure" asks for token authentication and is ready, as the dashboard shows it: no token and a foreign token are refused, its own token answered

  @req.TUT-FD-08 @req.CMP-08
  Scenario: Test the inference API: a token is required, the model's token is accepted, a foreign token is refused
    Given the serving platforms of the installed platform are running
    And the model "fraud-secure" is deployed in the tutorial's project on the single-model serving platform, with token authentication by the token "default-name"
    When I send an inference request for the model "fraud-secure" without a token
    Then the request is refused with 401
    When I send the tutorial's transactions to the model "fraud-secure" with the model's token
    Then the answers are v2 inference responses, and the fraudulent and the legitimate transaction land on the two sides of 0.95
    When I send an inference request for the model "fraud-secure" with the token of a service account of another project
    Then the request is refused with 403

  @req.CMP-06
  Scenario: Traffic to served models flows through the mesh and access policies are enforced
    Given the serving platforms of the installed platform are running
    And the model "fraud-secure" is deployed in the tutorial's project on the single-model serving platform, with token authentication by the token "default-name"
    Then the model's endpoint is a passthrough route in "istio-system" to the Istio ingress gateway
    And the model's predictor pods run in the service mesh, with the Istio sidecar
    And the CUSTOM AuthorizationPolicy of "istio-system" applies to them through the extension provider of the mesh config
    And the model has an AuthConfig that requires a Kubernetes token with access to the project's services
    When I send an inference request for the model "fraud-secure" with an invalid token
    Then the request is refused with 401
