@tutorial @serving @fraud-detection-project
Feature: Fraud detection tutorial: deploy the model on the multi-model serving platform
  The RHOAI 2.9 tutorial's "Deploying the model" on a multi-model server, in another project than
  the single-model deployment (a project has one serving platform): the project gets S3 storage of
  its own (MinIO deployed into it, or RHOAI_S3_ENDPOINT) with the bucket my-storage and the data
  connection "My Storage", and the trained model is uploaded there too — copied through S3 from the
  tutorial project's bucket, as a data scientist uploads the model to the bucket of the project
  that serves it. (The projects are not made to share one MinIO: once the tutorial's project is in
  the service mesh for KServe, its MinIO is not meant to be reached from outside the mesh.) Then the
  dashboard's "Add model server" (OpenVINO Model Server from the "ovms" template, an external
  route, no token authentication) sets the project's platform to multi-model, and "Deploy model"
  puts `fraud` — and a second model — on that one server. ModelMesh serves it; the route
  odh-model-controller makes for it is the endpoint, checked over the wire as for KServe.
  Checklist sections: tutorials (TUT-FD-06); user interface (UI-MS-03).

  @req.TUT-FD-06 @req.UI-MS-03
  Scenario: Deploy the model on a multi-model server
    Given the serving platforms of the installed platform are running
    And the fraud model of the tutorial is stored in the bucket of the data connection "My Storage"
    And the data science project "multi-model" named "Fraud Detection multi-model" with S3 storage
    And the bucket "my-storage" with the data connection "My Storage"
    And the tutorial's stored model is uploaded to the bucket "my-storage" of this project under "models/fraud"
    When I add the model server "Model Server" with the serving runtime "OpenVINO Model Server" on the multi-model serving platform, with an external route and without token authentication
    And I deploy the model "fraud" on the model server "Model Server" with the framework "onnx - 1", the data connection "My Storage" and the path "models/fraud"
    Then the project's model serving platform is "multi-model"
    And the model "fraud" is ready, as the dashboard shows it
    And the model server "Model Server" runs its pods for the project's models
    And the model's inference endpoint, read from its route, serves its metadata over the v2 REST protocol
    And a fraudulent and a legitimate transaction of the tutorial, scaled as the training scaled its data, land on the two sides of 0.95
    When I deploy the model "fraud copy" on the model server "Model Server" with the framework "onnx - 1", the data connection "My Storage" and the path "models/fraud"
    Then the model "fraud-copy" is ready, as the dashboard shows it
    And the models "fraud" and "fraud-copy" are served by the one model server "Model Server"
