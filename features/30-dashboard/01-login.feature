@dashboard
Feature: The dashboard in a browser: log in through OpenShift OAuth
  The dashboard's route (rhods-dashboard) is served by its oauth-proxy: "Log in with OpenShift"
  leads to the OpenShift login page, where a person picks the htpasswd identity provider (when the
  cluster offers several) and types a user name and password. A real Chromium does it, driven
  by Playwright (the @playwright/test library); a screenshot is attached after each step that changes the page, a trace when a
  scenario fails, and no password is in either. Admins (cluster-admins and members of the admin
  groups) get the Settings pages; other users do not, and those pages' URLs show "not found".
  Checklist section: components (CMP-01).

  @req.CMP-01
  Scenario: The dashboard is deployed and reachable: the admin logs in and gets the Settings pages
    When I open the dashboard and log in as the admin user with the htpasswd identity provider
    Then the dashboard answers its health probe and names the logged-in user
    And the Settings navigation offers Notebook images, Cluster settings, Accelerator profiles, Serving runtimes and User management
