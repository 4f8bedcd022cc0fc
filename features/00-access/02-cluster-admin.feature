@install @conformance @admin-password
Feature: Create a cluster-admin user with htpasswd
  Checklist section: install (INS-ADM-*).
  Checklist "create cluster-admin", as the RHOAI 2.9 install guide does it ("Adding administrative
  users for OpenShift Container Platform"): OpenShift AI is installed by a user with the
  cluster-admin role, and kubeadmin is not allowed. So: an htpasswd file with a bcrypt entry for the
  admin user (RHOAI_ADMIN_USER, default rhoai-admin; its password RHOAI_ADMIN_PASSWORD, generated
  and kept under RHOAI_WORK_DIR on the twin), the Secret in openshift-config that holds the file
  (RHOAI_HTPASSWD_SECRET, docs: htpass-secret), an HTPasswd identity provider on OAuth "cluster"
  (RHOAI_HTPASSWD_PROVIDER, docs: my_htpasswd_provider) added next to the providers already there,
  a login through the OAuth server the way `oc login -u -p` does it, cluster-admin granted by a
  ClusterRoleBinding, and the new user acting as cluster-admin. Re-running these scenarios changes
  nothing: an htpasswd entry that verifies is reused, a provider already there is kept.

  @req.INS-ADM-01
  Scenario: Create the cluster-admin user via htpasswd, with a bcrypt entry
    When I create the htpasswd file with a bcrypt entry for the admin user
    Then the htpasswd file holds a "$2y$" bcrypt entry for the admin user that verifies against its password
    And the htpasswd file is readable by its owner only

  @req.INS-ADM-02
  Scenario: Create the secret for htpasswd in openshift-config
    Given the htpasswd file has a bcrypt entry for the admin user
    When I create the htpasswd secret in "openshift-config" from the htpasswd file
    Then the htpasswd secret holds, under the key "htpasswd", the admin user's entry, which verifies against its password
    And the htpasswd secret keeps every other user's entry

  @req.INS-ADM-03
  Scenario: Create and apply the htpasswd identity provider on OAuth 'cluster'
    Given the htpasswd secret in "openshift-config" holds the admin user's entry
    When I add the HTPasswd identity provider to OAuth "cluster", next to the providers already there
    Then OAuth "cluster" lists the HTPasswd identity provider with mapping method "claim", and every other provider as it was
    And the authentication operator rolls the new configuration out to the OAuth server

  @req.INS-ADM-04
  Scenario: Test login as cluster-admin
    Given the HTPasswd identity provider is configured and rolled out
    When I log in as the admin user with its password, as "oc login -u -p" does
    Then the OAuth server first asks for the credentials with a basic-auth challenge
    And the OAuth server gives the admin user an access token
    And "oc whoami" with that token names the admin user
    And the first login created the admin User and its Identity of the HTPasswd provider
    And the OAuth server refuses the admin user with a wrong password

  @req.INS-ADM-05
  Scenario: As kubeadmin, add the cluster-admin role to the user
    When I, as the current user, bind the cluster role "cluster-admin" to the admin user
    Then a ClusterRoleBinding grants the cluster role "cluster-admin" to the admin user
    And "oc auth can-i '*' '*' --as" the admin user answers yes

  @req.INS-ADM-06
  Scenario: Login as cluster-admin and act with cluster-admin rights
    Given the admin user can log in through the HTPasswd identity provider and has the cluster role "cluster-admin"
    When I log in as the admin user with its password, as "oc login -u -p" does
    Then "oc whoami" with that token names the admin user
    And logged in as the admin user, I may do anything on any resource
    And logged in as the admin user, I can list the nodes
    And the OAuth server refuses the admin user with a wrong password
