@dashboard
Feature: Dashboard configuration options, changed in OdhDashboardConfig and observed in the dashboard
  An admin customizes the dashboard in its OdhDashboardConfig odh-dashboard-config (RHOAI 2.9
  "Dashboard configuration options"): spec.dashboardConfig.disableISVBadges hides the support
  badges of the Explore cards, disableInfo hides the applications' details, and
  spec.notebookController.enabled false takes Jupyter away. The 2.9 backend caches the object for up
  to 2 minutes; each change is observed once the backend serves it. The options are put back
  afterwards.
  Checklist section: advanced (ADV-11).

  @req.ADV-11
  Scenario: Badges, application details and the Jupyter tile switched off, then on again
    Given I am logged in to the dashboard as the admin user
    When I set the dashboard configuration option disableISVBadges to true in odh-dashboard-config
    Then Explore shows no category badges on its cards
    When I set the dashboard configuration option disableInfo to true in odh-dashboard-config
    Then Explore tells users to contact an administrator and its cards open no details
    When I set the dashboard configuration option notebookController.enabled to false in odh-dashboard-config
    Then Applications > Enabled shows no Jupyter
    When I set the dashboard configuration option disableISVBadges to false in odh-dashboard-config
    And I set the dashboard configuration option disableInfo to false in odh-dashboard-config
    And I set the dashboard configuration option notebookController.enabled to true in odh-dashboard-config
    Then Explore shows each card with its category badge
    And Explore's cards open their details again
    And Applications > Enabled shows Jupyter again
