@pipelines @tutorial @fraud-detection-project
Feature: Fraud detection tutorial: a pipeline coded with the kfp SDK, run and reviewed
  The tutorial's "Running a data science pipeline generated from Python code" (rh-aiservices-bu/
  fraud-detection, pipeline/7_get_data_train_upload.py; workloads.md §1.4): its IR as the kfp 2.x
  SDK compiles it (fixtures/pipelines/fraud-detection-pipeline.yaml) is imported into the pipeline
  server of the tutorial's project and run once; the run's end is watched on its Argo Workflow; it
  succeeds task by task (get-data → train-model → upload-model), each task's outputs are in the
  pipeline-artifacts bucket, and the model it uploads is in the bucket of "My Storage". The run's
  graph and the pipeline version's YAML are reviewed as the dashboard shows them, and attached to
  the report.
  Checklist sections: tutorials (TUT-KFP-01); user interface (UI-PIPE-08, UI-PIPE-09).

  @req.TUT-KFP-01
  Scenario: Import the pipeline coded with the kfp SDK and run it
    Given the data science pipelines of the installed platform are running
    And the tutorial's project has a pipeline server
    When I import the fraud-detection pipeline compiled with the kfp SDK
    And I run the pipeline once as "fraud-kfp"
    Then the run "fraud-kfp" ends SUCCEEDED
    And every task of the run "fraud-kfp" succeeded in the pipeline's order: get-data, train-model, upload-model
    And the outputs of the tasks of the run "fraud-kfp" are in the pipeline-artifacts bucket
    And the run "fraud-kfp" uploaded the model "models/fraud/1/model.onnx" to the bucket of the data connection "My Storage"

  @req.UI-PIPE-08
  Scenario: Review a successful run: its graph
    Given the data science pipelines of the installed platform are running
    And the tutorial's project has a pipeline server
    And the fraud-detection pipeline has a run "review" that succeeded
    Then the graph of the run "review" shows every task of the pipeline with its state, attached to the report as a picture

  @req.UI-PIPE-09
  Scenario: Review a successful run: the pipeline's YAML
    Given the data science pipelines of the installed platform are running
    And the tutorial's project has a pipeline server
    And the fraud-detection pipeline has a run "review" that succeeded
    Then the YAML of the pipeline version is the pipeline that was imported, attached to the report
