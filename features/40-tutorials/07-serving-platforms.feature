@tutorial @serving
Feature: Model serving platforms: ModelMesh and KServe, one per project
  RHOAI 2.9 serves models on two platforms: single-model serving (KServe, each model on its own
  model server) and multi-model serving (ModelMesh, all the models of a project on one server). A
  project has one of them: the dashboard records it as the namespace label modelmesh-enabled on the
  first model server or model, offers to change it while the project has neither, and offers no
  change after. The API itself refuses nothing; what the label decides is which controller serves
  the project — ModelMesh serves only projects labelled modelmesh-enabled=true — and that is what
  these scenarios check over the API: a multi-model server added to the single-model project gets
  no pods and its model no status (watched for a quiet period, since an absence has no event).
  Checklist sections: components (CMP-05); user interface (UI-MOD-01, UI-MS-01).

  @req.CMP-05
  Scenario: Model serving with ModelMesh and KServe is available
    Given the serving platforms of the installed platform are running
    Then the components "kserve" and "modelmeshserving" of the DataScienceCluster are ready
    And the controllers "kserve-controller-manager", "odh-model-controller" and "modelmesh-controller" are available
    And the API serves InferenceService "serving.kserve.io/v1beta1" and ServingRuntime "serving.kserve.io/v1alpha1"
    And the dashboard offers the serving runtime "OpenVINO Model Server" for the single-model and the multi-model platform, and enables both platforms

  @req.UI-MOD-01
  Scenario: The serving platform can change until the first model is deployed
    Given the serving platforms of the installed platform are running
    And the data science project "platform-choice" named "Serving platform choice"
    And the project has no model server and no model
    When I choose the "multi-model" serving platform for the project
    Then the project's model serving platform is "multi-model"
    And ModelMesh takes up the project: it makes the project's Service "modelmesh-serving"
    When I change the project's serving platform to "single-model"
    Then the project's model serving platform is "single-model"
    And ModelMesh lets the project go: it removes the project's Service "modelmesh-serving"

  @req.UI-MS-01 @fraud-detection-project
  Scenario: One model serving platform per project
    Given the serving platforms of the installed platform are running
    And the model "fraud" is deployed in the tutorial's project on the single-model serving platform with the serving runtime "OpenVINO Model Server", the framework "onnx - 1", the data connection "My Storage" and the path "models/fraud"
    Then the project's model serving platform is "single-model"
    And the dashboard would not change it: the project has a deployed model
    When a multi-model server "Other platform" and its model "fraud-other" are added to the project anyway
    Then ModelMesh does not serve them: no pods for "Other platform" and no status for "fraud-other" within 10 seconds
    And the model "fraud" is ready, as the dashboard shows it
