@pipelines @fraud-detection-project
Feature: Elyra pipelines with self-signed certificates
  Checklist "Elyra pipelines with self-signed certificates" (RHOAI 2.9 "Working with certificates";
  workloads.md §7): the pipeline server's route presents a certificate that no public root vouches
  for (the cluster's self-signed ingress CA). Elyra in a workbench trusts it only through the CA
  bundle the ODH notebook webhook mounts into the workbench when the project has
  odh-trusted-ca-bundle: PIPELINES_SSL_SA_CERTS for its KFP client, SSL_CERT_FILE for object storage.
  The submission must succeed with certificate verification on.
  Checklist section: advanced (ADV-10).

  @req.ADV-10
  Scenario: Submit an Elyra pipeline to a pipeline server behind a self-signed certificate
    Given the data science pipelines of the installed platform are running
    And the tutorial's project has a pipeline server
    And a workbench made after the pipeline server, with the tutorial cloned and "6 Train Save.pipeline" saved next to its notebooks
    Then the pipeline API route's certificate is self-signed, and the workbench trusts it through its mounted CA bundle
    When I submit "6 Train Save.pipeline" from the workbench's terminal with the runtime configuration "odh_dsp"
    Then Elyra submitted the pipeline with the certificate verified and the Elyra run ends SUCCEEDED
