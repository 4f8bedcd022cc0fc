@dashboard
Feature: Settings > Notebook images: a custom workbench image imported by URL
  An admin imports an image by its registry URL; the 2.9 backend makes it an ImageStream
  custom-<name> in the dashboard's namespace, labelled as a notebook image, which is what the
  workbench form lists next to the images RHOAI ships. The scenario deletes its ImageStream afterwards.
  Checklist sections: components (CMP-02); user interface (UI-SET-01).

  @req.UI-SET-01 @req.CMP-02
  Scenario: Import a custom notebook image; it is listed and becomes an ImageStream workbenches can use
    Given I am logged in to the dashboard as the admin user
    When I import the notebook image "quay.io/modh/odh-minimal-notebook-container:v2-2024a-harness" named "Harness custom image" in Settings > Notebook images
    Then it becomes an ImageStream of the dashboard namespace that the workbench form offers, pointing at that image
    And Settings > Notebook images lists it
