@dashboard
Feature: Settings > Serving runtimes: the runtimes 2.9 ships, and a custom one added from YAML
  The page lists a row per serving-runtime Template of the dashboard's namespace with its platforms
  and API protocol; the model formats are those of the Template's ServingRuntime. A custom runtime
  added from YAML ("Add serving runtime") is stored as a Template for the platform chosen, and the
  single-model platform then offers it. The custom runtime is deleted afterwards.
  Checklist sections: advanced (ADV-02, ADV-12); user interface (UI-SET-09, UI-SET-10, UI-SET-11).

  Background:
    Given I am logged in to the dashboard as the admin user

  @req.UI-SET-09 @req.UI-SET-10 @req.UI-SET-11
  Scenario: Caikit TGIS (REST), OpenVINO Model Server single and multi-model (REST) and TGIS Standalone (gRPC)
    When I open Settings > Serving runtimes
    Then it lists the runtimes 2.9 ships with their platforms, API protocols and model formats

  @req.ADV-02 @req.ADV-12
  Scenario: A custom serving runtime for TGI on the single-model platform
    When I add a serving runtime "Hugging Face TGI (harness)" from YAML for the single-model platform with the REST protocol
    Then it is listed and the single-model platform offers it
