@questions
Feature: Q-01 How can you remove self-provisioner from datascience-users?
  Checklist section: questions (Q-*).
  The answer. Every user who logs in to OpenShift may create projects (`oc new-project`, or "Create a
  data science project" in the dashboard) because OpenShift's default ClusterRoleBinding
  `self-provisioners` grants the ClusterRole `self-provisioner` (create projectrequests) to the group
  `system:authenticated:oauth`, every user logged in through the OAuth server. datascience-users are
  such users, so removing "their" self-provisioner means changing that default binding, as
  OpenShift 4.15's procedure "Disabling project self-provisioning" does (Building applications >
  Projects > Configuring project creation; openshift-docs modules/disabling-project-self-provisioning.adoc):
    1. remove `system:authenticated:oauth` from the subjects of `self-provisioners`
       (`oc patch clusterrolebinding.rbac self-provisioners -p '{"subjects": null}'`, or
       `oc adm policy remove-cluster-role-from-group self-provisioner system:authenticated:oauth`
       when it has other subjects, which are kept);
    2. annotate it `rbac.authorization.kubernetes.io/autoupdate: "false"`: the API server reconciles
       its default roles and bindings on every start and restores a default subject unless the
       binding carries that annotation (kubernetes pkg/registry/rbac/reconciliation/reconcile_rolebindings.go);
    3. give project creation back to the group that should keep it:
       `oc adm policy add-cluster-role-to-group self-provisioner datascience-admins`.
  Then check that no other binding still grants self-provisioner to every user or to datascience-users.
  A refused user sees "You may not request a new project via this API." (the cluster's
  projectRequestMessage when one is set). RHOAI 2.9 itself says nothing about it: the dashboard's
  "Create data science project" button makes the same ProjectRequest, so it obeys the same rule.
  The groups are RHOAI_DS_USERS_GROUP and RHOAI_DS_ADMINS_GROUP; the proof logs in as an htpasswd
  member of each (RHOAI_DS_USERS, RHOAI_DS_ADMIN) through the OAuth server, as `oc login -u -p` does.
  It is @destructive: from then on only cluster-admins and datascience-admins may create projects.

  @req.Q-01 @destructive
  Scenario: Remove self-provisioner from datascience-users, keep it for datascience-admins
    Given the groups datascience-users and datascience-admins each have an htpasswd member who can log in
    When I remove the group system:authenticated:oauth from the self-provisioners binding and annotate it autoupdate=false
    And I grant the cluster role self-provisioner to datascience-admins
    Then the self-provisioners binding is annotated autoupdate=false and grants nothing to every user or to datascience-users
    And no cluster role binding grants self-provisioner to datascience-users, only datascience-admins hold it
    And logged in as a member of datascience-users, "oc new-project" is refused with "You may not request a new project via this API."
    And logged in as a member of datascience-admins, "oc new-project" is granted
