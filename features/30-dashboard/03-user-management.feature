@dashboard
Feature: Settings > User management: who is a Data Science administrator, who a Data Science user
  The admin picks OpenShift groups in the browser; the 2.9 backend saves them comma-joined to
  OdhDashboardConfig spec.groupsConfig (adminGroups, allowedGroups) and decides on every request who
  is an admin (a cluster-admin, or a member of an admin group) and who may use the dashboard (a
  member of a user group, or anyone while system:authenticated is one). The change takes effect at
  the members' next login; the groups are put back as they were afterwards.
  Checklist section: user interface (UI-SET-12, UI-SET-13).

  @req.UI-SET-12
  Scenario: An admin group added in the browser makes its members dashboard admins at their next login
    Given the groups datascience-users and datascience-admins each have an htpasswd member who can log in
    And I am logged in to the dashboard as the admin user
    When I add the data science admins' group to the administrator groups in User management and save
    Then the dashboard config's admin groups are the earlier ones plus the data science admins' group
    When the data science admin logs in to the dashboard
    Then the dashboard shows the data science admin the Settings pages, through the admin group

  @req.UI-SET-13
  Scenario: The user groups decide who may use the dashboard, and a user gets no admin pages
    Given the groups datascience-users and datascience-admins each have an htpasswd member who can log in
    And I am logged in to the dashboard as the admin user
    When I make the data science users' group the only user group in User management and save
    Then the dashboard config's user groups are the data science users' group only
    When a data science user logs in to the dashboard
    Then the dashboard shows no Settings, and the admin pages' URLs show its "not found" page
    When the data science admin logs in to the dashboard
    Then the dashboard refuses them with "Access permissions needed"
