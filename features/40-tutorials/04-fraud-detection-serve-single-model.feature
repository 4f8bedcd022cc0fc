@tutorial @serving @fraud-detection-project
Feature: Fraud detection tutorial: deploy the model on the single-model serving platform
  The RHOAI 2.9 tutorial's "Deploying the model" on a single-model server, as the dashboard's
  "Deploy model" (KServe) does it: the project takes the single-model platform (its label
  modelmesh-enabled=false), the model `fraud` gets a model server of its own — a ServingRuntime
  copied from the "OpenVINO Model Server" template — and an InferenceService with the framework
  "onnx - 1", the data connection "My Storage" and the path "models/fraud". Ready as the dashboard
  shows it: the Ready condition (with PredictorReady and IngressReady) and the model Loaded. The
  endpoint is read from status.url and checked over the wire with the v2 REST protocol: the input
  and output names come from the model's metadata, and two of the tutorial's transactions, scaled
  with the StandardScaler the training left in the workbench, must land on the two sides of the
  tutorial's 0.95 threshold. The model is the one the training scenarios stored in the tutorial's
  project (made when missing).
  Checklist sections: tutorials (TUT-FD-05); user interface (UI-MS-02).

  @req.TUT-FD-05 @req.UI-MS-02
  Scenario: Deploy the model on a single-model server
    Given the serving platforms of the installed platform are running
    And the fraud model of the tutorial is stored in the bucket of the data connection "My Storage"
    When I deploy the model "fraud" in the tutorial's project on the single-model serving platform with the serving runtime "OpenVINO Model Server", the framework "onnx - 1", the data connection "My Storage" and the path "models/fraud"
    Then the project's model serving platform is "single-model"
    And the model "fraud" is ready, as the dashboard shows it
    And the model "fraud" runs on a model server of its own, from the template "kserve-ovms"
    And the model's inference endpoint, read from its status, serves its metadata over the v2 REST protocol
    And a fraudulent and a legitimate transaction of the tutorial, scaled as the training scaled its data, land on the two sides of 0.95
