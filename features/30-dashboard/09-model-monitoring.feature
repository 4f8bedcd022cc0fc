@dashboard
Feature: Model monitoring (TrustyAI) as RHOAI 2.9 has it: removed
  RHOAI 2.9 deprecates TrustyAI: the operator sets the DataScienceCluster's trustyai to Removed and
  deploys nothing for it (rhods-operator rhoai-2.9 components/trustyai, pkg/upgrade). The 2.9
  dashboard reads the installed components (GET /api/dsc/status) and offers model bias monitoring,
  a project's "Settings" tab, only where TrustyAI is installed (odh-dashboard rhoai-2.9
  frontend/src/concepts/areas/const.ts BIAS_METRICS). So a 2.9 cluster shows no model monitoring.
  Checklist section: components (CMP-09).

  @req.CMP-09
  Scenario: TrustyAI is removed, and the dashboard offers no model bias monitoring
    Given the data science project "harness-monitoring" named "Harness model monitoring"
    And I am logged in to the dashboard as the admin user
    Then the DataScienceCluster has TrustyAI removed, not among its installed components
    And the dashboard backend's cluster status has no TrustyAI installed
    When I open the project in the dashboard
    Then the project shows its Overview, Workbenches, Models and Cluster storage tabs but no Settings tab for model bias monitoring
