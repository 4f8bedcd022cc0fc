@questions
Feature: Q-02 How can datascience-admins pre-provision one workspace for each of the datascience-users?
  Checklist section: questions (Q-*).
  The answer. RHOAI 2.9 has no per-user workspace feature: a data science project is an OpenShift
  project that the dashboard lists because it is labelled `opendatahub.io/dashboard=true` (RHOAI 2.9
  "Working on data science projects"; the dashboard's backend, odh-dashboard v2.22), a user's access
  to it is a RoleBinding as the dashboard's Permissions tab writes it (ClusterRole admin to the user;
  odh-dashboard api/k8s/roleBindings.ts), and distributed workloads run there only through a Kueue
  LocalQueue in it (RHOAI 2.9 "Configuring quota management for distributed workloads"). Once
  self-provisioning is taken away (Q-01), an admin pre-provisions, for every member of
  datascience-users (RHOAI_DS_USERS_GROUP):
    - a project named RHOAI_WORKSPACE_PREFIX + user (default `ws-<user>`), display name
      "Workspace of <user>", labelled for the dashboard;
    - the member as its admin (RoleBinding dashboard-permissions-<chars> of ClusterRole admin);
    - a LocalQueue backed by the cluster queue, marked the project's default queue.
  Everything is server-side applied (`oc apply --server-side`), so the same run can be repeated when
  the group grows: what exists is left as it is. Nothing is done for a user who left the group: their
  workspace is neither changed nor deleted, and the report lists it as orphaned for an admin to decide.
  The harness acts as the cluster-admin; a GitOps tool or a CronJob running the same apply would do
  the same. The proof logs in as members (htpasswd users, RHOAI_DS_USERS) through the OAuth server.
  It needs the platform installed first (Kueue's LocalQueue kind): run it with `--tags '@install or @questions'`.

  @req.Q-02
  Scenario: Pre-provision one workspace for each member of datascience-users
    Given the groups datascience-users and datascience-admins each have an htpasswd member who can log in
    When I pre-provision one workspace for every member of datascience-users
    Then every member of datascience-users has a data science project of their own, with them as admin and a LocalQueue
    And logged in as each member, they can work in their own workspace and not in another member's
    When I pre-provision the workspaces again
    Then the second run changed nothing
    When a member leaves datascience-users and I pre-provision the workspaces again
    Then the workspace of the member who left is kept as it was and reported as orphaned
