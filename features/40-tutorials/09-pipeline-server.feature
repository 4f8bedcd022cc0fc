@pipelines
Feature: The pipeline server of a data science project
  Checklist "Pipelines" and "Data connections" (RHOAI 2.9 = Data Science Pipelines 2.0: KFP v2 on
  Argo, REST v2beta1; workloads.md §6.1). "Configure pipeline server" makes what the dashboard makes:
  the Secret dashboard-dspa-secret with the keys of the project's "Pipeline Artifacts" data
  connection and the DataSciencePipelinesApplication "dspa" with dspVersion v2, whose database is the
  default MariaDB on the cluster or an external MySQL whose password is in the Secret
  pipelines-db-password. It is ready when the data-science-pipelines-operator reports it so
  (DatabaseAvailable, ObjectStoreAvailable, APIServerReady, PersistenceAgentReady,
  ScheduledWorkflowReady, Ready); its API is the Route ds-pipeline-dspa behind an oauth-proxy that
  answers a bearer token of a user who may get that route, and no one else. The pipelines run on an
  installed platform: run them after the installer, e.g. --tags "@install or @pipelines".
  Checklist sections: advanced (ADV-09); components (CMP-04); user interface (UI-DC-02, UI-DC-03, UI-PIPE-01).

  @tutorial @fraud-detection-project @req.UI-DC-02
  Scenario: A pipeline server with the default database on the cluster
    Given the data science pipelines of the installed platform are running
    And the tutorial's project with S3 storage and the data connections "My Storage" and "Pipeline Artifacts"
    When I configure the pipeline server of the tutorial's project with the data connection "Pipeline Artifacts" and the default database
    Then the operator reports the pipeline server ready: database, object storage, API server, persistence agent and scheduled workflow
    And the pipeline server's database is the MariaDB the operator deployed on the cluster

  @req.UI-DC-03
  Scenario: A pipeline server with an external MySQL database
    Given the data science pipelines of the installed platform are running
    And the project "pipelines-mysql" named "Pipelines with MySQL" with S3 storage and the data connection "Pipeline Artifacts"
    When I configure the pipeline server with the data connection "Pipeline Artifacts" and an external MySQL database whose password is in a Secret
    Then the operator reports the pipeline server ready: database, object storage, API server, persistence agent and scheduled workflow
    And the pipeline server's database is the external MySQL, its password read from the Secret "pipelines-db-password"

  @fraud-detection-project @req.UI-PIPE-01
  Scenario: The pipeline server stores and manages pipelines for the project's members
    Given the data science pipelines of the installed platform are running
    And the tutorial's project has a pipeline server
    Then the pipeline API route answers a project member's token and refuses a request without a token or with the token of someone without access
    When I import the fraud-detection pipeline compiled with the kfp SDK
    And I upload a second version of it
    Then the pipeline server lists both versions of the pipeline, newest first

  @fraud-detection-project @req.CMP-04
  Scenario: Data science pipelines are available: Kubeflow Pipelines and the Elyra interface
    Given the data science pipelines of the installed platform are running
    And the tutorial's project has a pipeline server
    Then the data science pipelines component is available: its operator, the DSPA, Argo Workflow and ScheduledWorkflow APIs, and a pipeline server whose API answers
    And the Standard Data Science workbench image carries the Elyra pipeline editor (Odh-Elyra)

  @req.ADV-09
  Scenario: A CA bundle for data science pipelines only
    Given the data science pipelines of the installed platform are running
    And the project "pipelines-ca" named "Pipelines with a CA bundle" with S3 storage and the data connection "Pipeline Artifacts"
    When I configure the pipeline server with a CA bundle of its own in the ConfigMap "custom-ca-bundle"
    Then the operator gives the CA bundle to the pipeline API server only, and the pipeline server is ready
