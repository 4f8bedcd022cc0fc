@dashboard
Feature: Resources: the learning resources of the installed applications, filtered
  The Resources page lists the OdhDocument objects of the dashboard's namespace whose application
  exists, plus a documentation entry per application with a docs link, and the quick starts
  (odh-dashboard rhoai-2.9 frontend/src/pages/learningCenter/LearningCenter.tsx); its "Resource type"
  filter and its search narrow the list (useDocFilterer.ts, utilities/utils.ts matchesSearch).
  Checklist section: user interface (UI-RES-01).

  @req.UI-RES-01
  Scenario: Resources lists the documents, then filters them by type and by search
    Given I am logged in to the dashboard as a data science user
    When I open Resources
    Then it lists a card for every document of the cluster's applications
    When I filter Resources by the resource type "Tutorial"
    Then Resources lists exactly the documents that pass the filters
    When I search Resources for "fraud"
    Then Resources lists exactly the documents that pass the filters
