@install @conformance
Feature: Enable the single-model serving platform
  Checklist section: install (INS-KS-*).
  Checklist "Enabling the single-model serving platform via the Dashboard" (RHOAI 2.9 "Enabling the
  single-model serving platform"). The dashboard's Settings > Cluster settings > Model serving
  platforms writes the OdhDashboardConfig odh-dashboard-config in redhat-ods-applications:
  spec.dashboardConfig.disableKServe false turns the single-model serving platform on,
  disableModelMesh false the multi-model one. Settings > Serving runtimes then shows the
  pre-installed runtimes; a runtime is enabled while its name is not in spec.templateDisablement.
  The install applies those fields only, without taking over any field the dashboard owns; the
  proof reads what the dashboard reads: the configuration and the templates labelled
  opendatahub.io/dashboard=true.

  @req.INS-KS-01
  Scenario: Turn on the single-model serving platform in the dashboard's cluster settings
    Given the dashboard component of "default-dsc" is Managed and running
    When I enable the single-model and the multi-model serving platforms in the dashboard configuration
    Then the dashboard configuration has disableKServe false and disableModelMesh false

  @req.INS-KS-01
  Scenario: Enable the pre-installed serving runtimes
    Given the dashboard component of "default-dsc" is Managed and running
    When I enable the pre-installed serving runtimes:
      | serving runtime                           | runtime             | template                     | platform |
      | Caikit TGIS ServingRuntime for KServe     | caikit-tgis-runtime | caikit-tgis-serving-template | single   |
      | OpenVINO Model Server                     | kserve-ovms         | kserve-ovms                  | single   |
      | OpenVINO Model Server                     | ovms                | ovms                         | multi    |
      | TGIS Standalone ServingRuntime for KServe | tgis-grpc-runtime   | tgis-grpc-serving-template   | single   |
    Then the dashboard offers them, enabled, for their serving platforms
