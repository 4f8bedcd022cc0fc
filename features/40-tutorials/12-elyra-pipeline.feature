@pipelines @tutorial @fraud-detection-project
Feature: Fraud detection tutorial: an Elyra pipeline submitted from the workbench
  The tutorial's "6 Train Save.pipeline" (rh-aiservices-bu/fraud-detection v2.9; workloads.md §1.4,
  §7): two notebook nodes, 1_experiment_train.ipynb with its file dependency data/card_transdata.csv
  and its output models/fraud/1/model.onnx, then 2_save_model.ipynb with the data connection
  "My Storage" passed as Kubernetes secrets. The file (fixtures/pipelines/train-save.pipeline, as the
  Elyra 3.16 editor saves it) is saved next to the notebooks in a workbench created after the
  pipeline server, which mounts the dashboard's runtime configuration odh_dsp, and submitted from the
  workbench's terminal with `elyra-pipeline submit` (pod exec). Elyra packs each node's file and
  dependencies into the pipeline server's bucket, compiles the pipeline to KFP v2 IR, uploads it and
  starts a run; what it made is read back from the pipeline server and the bucket. Every run trains
  the model: the schedule runs one at a time, so that the twin's fast scheduler clock does not pile
  up runs, and is disabled once its runs are checked (a kept project keeps the recurring run, not a
  training every minute).
  Checklist section: tutorials (TUT-EL-01, TUT-EL-02, TUT-EL-03, TUT-EL-04, TUT-EL-05, TUT-EL-06).

  Background:
    Given the data science pipelines of the installed platform are running
    And the tutorial's project has a pipeline server
    And a workbench made after the pipeline server, with the tutorial cloned and "6 Train Save.pipeline" saved next to its notebooks

  @req.TUT-EL-01
  Scenario: Elyra: a pipeline with node properties and file dependencies
    When I submit "6 Train Save.pipeline" from the workbench's terminal with the runtime configuration "odh_dsp"
    Then every node is a task of the pipeline Elyra uploaded, with its notebook, outputs, runtime image and the nodes before it, and its archive holds its notebook and file dependencies

  @req.TUT-EL-02
  Scenario: Elyra: a node's data connection through Kubernetes secrets
    When I submit "6 Train Save.pipeline" from the workbench's terminal with the runtime configuration "odh_dsp"
    Then the pipeline server passes the Secret "aws-connection-my-storage" to the task of the node that saves the model, as the node's Kubernetes secrets say
    And the Elyra run ends SUCCEEDED
    And the Elyra run uploaded the model "models/fraud/1/model.onnx" to the bucket of the data connection "My Storage"

  @req.TUT-EL-03
  Scenario: Elyra: run the pipeline on the pipeline server
    When I submit "6 Train Save.pipeline" from the workbench's terminal with the runtime configuration "odh_dsp"
    Then the Elyra run ends SUCCEEDED

  @req.TUT-EL-04
  Scenario: Elyra: inspect the run's details
    Given "6 Train Save.pipeline" was submitted from the workbench and its run ended
    Then every node's task succeeded after the nodes before it, the run's graph is in the report, and the executed notebooks and outputs are in the run's object storage working directory

  @req.TUT-EL-05
  Scenario: Schedule the Elyra pipeline to run once
    Given "6 Train Save.pipeline" was submitted from the workbench and its run ended
    When I submit "6 Train Save.pipeline" again from the workbench's terminal, which uploads a new version of the pipeline
    And I run the pipeline once as "elyra-once"
    Then the run "elyra-once" ends SUCCEEDED
    And the run "elyra-once" ran the version Elyra uploaded

  @req.TUT-EL-06
  Scenario: Schedule the Elyra pipeline to run on a schedule
    Given "6 Train Save.pipeline" was submitted from the workbench and its run ended
    When I schedule the pipeline "elyra-every-minute" to run periodically every 60 seconds, one run at a time
    Then the scheduler starts runs of "elyra-every-minute" 60 seconds apart
    And the runs the schedule "elyra-every-minute" started of the Elyra pipeline succeeded
    And after I disable the schedule "elyra-every-minute" it reads DISABLED
