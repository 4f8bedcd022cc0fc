@smoke
Feature: The target answers and the harness can act on it
  Checklist section: none; the harness's own preconditions, proved before the install section.
  Before any checklist item, the harness proves that it reaches the target (a real cluster or the
  embedded twin), that its credentials are cluster-admin's, and that its client can apply, read
  and delete an object.

  Scenario: the cluster answers and I can act as cluster-admin
    Given the cluster answers
    Then I can act as cluster-admin

  Scenario: the harness applies an object and reads it back
    Given a scratch namespace "rhoai-harness-smoke"
    When I apply the ConfigMap "smoke" holding "hello from the harness"
    Then the ConfigMap "smoke" holds "hello from the harness"
