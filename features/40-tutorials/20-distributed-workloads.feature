@tutorial @distributed @fraud-detection-project
Feature: Tutorial: distributed workloads from the workbench
  RHOAI 2.9 "Running distributed data science workloads from notebooks": the notebooks use the
  CodeFlare SDK, whose TokenAuthentication needs a token and the API server, which a user gets
  from "Copy login command" and checks from the workbench terminal. The workbench is the
  tutorial's (its project kept for the run, as the fraud-detection scenarios keep it). Reference
  workloads.md §8.
  Checklist sections: components (CMP-10); tutorials (TUT-DW-01, TUT-DW-02, TUT-DW-03, TUT-DW-04).

  @req.TUT-DW-02
  Scenario: From the workbench terminal, log in to the cluster
    Given the workbenches of the installed platform are running
    When I log in to the cluster from the workbench terminal with a token
    Then `oc whoami` in the workbench terminal answers the user of that token

  @req.TUT-DW-01 @req.TUT-DW-03
  Scenario: From a notebook in the workbench, run a Ray job with the CodeFlare SDK
    The tutorial's notebook (codeflare-sdk 0.16 guided demo "job client"), run in the workbench as
    nbconvert runs it: log in with a token, cluster up, wait ready, submit a job, follow its logs,
    read its status and result, cluster down. Given no local_queue the SDK takes the project's
    default LocalQueue; the job's status is what the notebook read from the Ray API.
    Given the workbenches of the installed platform are running
    When I run the CodeFlare SDK notebook in the workbench: cluster up, wait ready, submit a job, read its result, cluster down
    Then the Ray job of the CodeFlare SDK run succeeded with its result, its Ray cluster admitted through the local queue and deleted at the end

  @req.CMP-10
  Scenario: The same Ray job from a Python file in a code-server (VS Code) workbench
    The code-server image has no CodeFlare SDK: the user installs it with pip from the workbench's
    terminal, then runs the file with python.
    Given the workbenches of the installed platform are running
    When I run the CodeFlare SDK job as a Python file in a code-server workbench
    Then the Ray job of the CodeFlare SDK run succeeded with its result, its Ray cluster admitted through the local queue and deleted at the end

  @req.TUT-DW-04
  Scenario: From a pipeline, a task creates a Ray cluster, runs a job and tears it down
    A KFP component that installs codeflare-sdk, logs in with a token from a Secret (the pipeline
    runner's own account of DSP 2.0 may not read Routes or LocalQueues), and does what the notebook
    does; the task fails unless the Ray API says the job SUCCEEDED with its answer.
    Given the data science pipelines of the installed platform are running
    And the tutorial's project has a pipeline server
    When I run a pipeline whose task creates a Ray cluster, runs a job and tears the cluster down
    Then the pipeline run succeeded with the Ray job SUCCEEDED, its Ray cluster admitted through the local queue and deleted at the end
