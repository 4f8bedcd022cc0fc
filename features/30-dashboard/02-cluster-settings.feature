@dashboard
Feature: Settings > Cluster settings, saved in the browser and read back from the cluster
  Each change is made on the Cluster settings page as an admin, saved with "Save changes", and read
  back from the object the 2.9 dashboard backend writes (odh-dashboard rhoai-2.9
  clusterSettingsUtils.ts): OdhDashboardConfig odh-dashboard-config, the ConfigMaps
  notebook-controller-culler-config and odh-segment-key-config. Out-of-range values are refused by
  the page itself, as 2.9 does (the backend does not check ranges): the PVC size field is clamped to
  1..16384 GiB, the hours field to 0..1000, and Save stays disabled below 10 minutes. Everything is
  put back as it was afterwards.
  Checklist section: user interface (UI-SET-02, UI-SET-03, UI-SET-04, UI-SET-05, UI-SET-06).

  Background:
    Given I am logged in to the dashboard as the admin user

  @req.UI-SET-02
  Scenario: Model serving platforms: switch the multi-model and single-model platforms off and on
    When I switch the multi-model serving platform off in Cluster settings and save
    Then the dashboard config has the multi-model serving platform off
    When I switch the multi-model serving platform on in Cluster settings and save
    Then the dashboard config has the multi-model serving platform on
    When I switch the single-model serving platform off in Cluster settings and save
    Then the dashboard config has the single-model serving platform off
    When I switch the single-model serving platform on in Cluster settings and save
    Then the dashboard config has the single-model serving platform on

  @req.UI-SET-03
  Scenario: PVC size: 1 GiB and 16384 GiB are accepted, 0 and 16385 refused
    When I save the PVC size 1 GiB in Cluster settings
    Then the dashboard config holds the PVC size 1 GiB
    When I save the PVC size 16384 GiB in Cluster settings
    Then the dashboard config holds the PVC size 16384 GiB
    And the PVC size field refuses 0 GiB, keeping 1, with the note of its bounds
    And the PVC size field refuses 16385 GiB, keeping 16384, with the note of its bounds

  @req.UI-SET-04
  Scenario: Stop idle notebooks: 10 minutes and 1000 hours are accepted, 9 minutes and 1001 hours refused
    When I save "stop idle notebooks after" 0 hours 10 minutes in Cluster settings
    Then the culler ConfigMap stops idle notebooks after 10 minutes
    When I save "stop idle notebooks after" 1000 hours 0 minutes in Cluster settings
    Then the culler ConfigMap stops idle notebooks after 60000 minutes
    And the page refuses to stop idle notebooks after 0 hours 9 minutes
    And the page refuses to stop idle notebooks after 1001 hours 0 minutes
    When I save "Do not stop idle notebooks" in Cluster settings
    Then the culler ConfigMap is gone

  @req.UI-SET-05
  Scenario: Usage data collection: not allowed, then allowed again
    When I disallow the collection of usage data in Cluster settings and save
    Then the segment key ConfigMap has usage data collection off
    When I allow the collection of usage data in Cluster settings and save
    Then the segment key ConfigMap has usage data collection on

  @req.UI-SET-06
  Scenario: Notebook pod tolerations: a valid key is saved, an invalid one refused
    When I add the notebook pod toleration key "NotebooksOnly" in Cluster settings and save
    Then the dashboard config tolerates the taint key "NotebooksOnly" on notebook pods
    And the page refuses the toleration key "-notebooks" with its format message
