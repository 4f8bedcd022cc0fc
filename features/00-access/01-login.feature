@install @conformance
Feature: oc login
  Checklist section: install (INS-LOGIN-*).
  Checklist "oc login", the first step of the RHOAI 2.9 CLI install. The installer works as whoever
  the current kubeconfig context logs in as: a context written by `oc login <api> -u <user> -p ...`
  or `oc login --token=... --server=...`, an installer's kubeconfig, or the embedded twin's. The
  checks are the ones a person runs after logging in: `oc whoami`, `oc whoami --show-server`, and
  which kind of credential the session uses. The credential itself is never shown.

  @req.INS-LOGIN-01
  Scenario: oc login: the harness is logged in to the cluster
    Given the harness is logged in with the kubeconfig's current context
    Then "oc whoami" names the logged-in user, not system:anonymous
    And "oc whoami --show-server" is the API server of that context, and it answers
    And the login uses a token, a client certificate or a user name and password, which the report never shows
