@tutorial @distributed @fraud-detection-project
Feature: Tutorial: distributed workloads from the workbench
  RHOAI 2.9 "Running distributed data science workloads from notebooks": the notebooks use the
  CodeFlare SDK, whose TokenAuthentication needs a token and the API server, which a user gets
  from "Copy login command" and checks from the workbench terminal. The workbench is the
  tutorial's (its project kept for the run, as the fraud-detection scenarios keep it). Reference
  workloads.md §8.

  @req.TUT-DW-02
  Scenario: From the workbench terminal, log in to the cluster
    Given the workbenches of the installed platform are running
    When I log in to the cluster from the workbench terminal with a token
    Then `oc whoami` in the workbench terminal answers the user of that token
