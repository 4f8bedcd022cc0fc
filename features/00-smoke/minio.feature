@workloads
Feature: Workloads run on the target: a pod serves through a route, and a command runs in it
  Checklist section: none; the harness's own preconditions, proved before the install section.
  The tutorials need pods that serve behind Services and Routes and commands run in pods. This
  proves both with the tutorial's own storage: MinIO deployed as setup-s3.yaml deploys it, reached
  over its edge route with signed S3 requests, and inspected with exec.

  Scenario: MinIO in a scratch project stores and returns an object through its route
    Given a scratch namespace "rhoai-harness-minio"
    When I deploy MinIO into the project as the tutorial's setup-s3.yaml does
    Then MinIO stores and returns an object in the bucket "smoke" through its route
    And a command run in the MinIO pod lists the bucket "smoke" on its volume
