@tutorial @fraud-detection-project
Feature: Fraud detection tutorial: create the workbench, clone the repository, train and store the model
  Checklist section: tutorials (TUT-FD-*).
  The RHOAI 2.9 tutorial "Fraud detection example" (rh-aiservices-bu/fraud-detection, branch v2.9),
  walked as a data scientist walks it, every step in the workbench over the Kubernetes exec protocol:
  the project RHOAI_TUTORIAL_PROJECT with its S3 storage and the data connections "My Storage" and
  "Pipeline Artifacts"; a TensorFlow workbench of size Small with the default cluster storage and
  the existing data connection "My Storage"; the tutorial repository cloned (RHOAI_TUTORIAL_REPO at
  RHOAI_TUTORIAL_REF: point it at a mirror on a disconnected cluster); the notebooks run headless
  with `jupyter nbconvert --to notebook --execute`, as in the real workbench images; and the stored
  model checked in the bucket through S3. Before the training, the workbench must reach the package
  index its first notebook installs from (RHOAI_PIP_INDEX_URL, set as PIP_INDEX_URL in the workbench;
  unset: pypi.org).
  Each scenario makes what the steps before it made when it is missing, so that it can run alone.
  The project is kept until the end of the run, for the model serving scenarios of the same run
  (tag @fraud-detection-project: under --parallel these scenarios run one at a time), then deleted
  unless RHOAI_KEEP says otherwise.

  @req.TUT-FD-01
  Scenario: Create the tutorial's workbench
    Given the workbenches of the installed platform are running
    And the tutorial's project with S3 storage and the data connections "My Storage" and "Pipeline Artifacts"
    When I create the tutorial's workbench "fraud-detection" with the image "TensorFlow", the size "Small", the default cluster storage and the existing data connection "My Storage"
    Then the workbench is running, as the dashboard shows it
    And it runs the notebook image "tensorflow" at the tag the dashboard recommends
    And the workbench has the data connection "My Storage" in its environment

  @req.TUT-FD-02
  Scenario: Clone the tutorial repository into the workbench
    Given the workbenches of the installed platform are running
    And the tutorial's workbench is running
    When I clone the tutorial repository into the workbench
    Then the workbench has the tutorial's notebooks and data at the tutorial's ref

  @req.TUT-FD-03
  Scenario: Train the model
    Given the workbenches of the installed platform are running
    And the tutorial repository is cloned into the tutorial's workbench
    And the workbench reaches the package index the notebooks install from
    When I run the notebook "1_experiment_train.ipynb" in the workbench
    Then the workbench has the trained model "models/fraud/1/model.onnx"

  @req.TUT-FD-04
  Scenario: Store the model in the S3 bucket
    Given the workbenches of the installed platform are running
    And the model is trained in the tutorial's workbench
    When I run the notebook "2_save_model.ipynb" in the workbench
    Then the bucket of the data connection "My Storage" holds "models/fraud/1/model.onnx", a valid ONNX model with the input "dense_input" of 5 features and one FP32 output
