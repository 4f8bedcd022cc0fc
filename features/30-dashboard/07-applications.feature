@dashboard
Feature: Applications > Enabled and Applications > Explore
  The dashboard lists the OdhApplication objects of its namespace (odh-dashboard rhoai-2.9 backend
  resourceUtils.ts fetchApplications): Explore every one that is not hidden, Enabled those that are
  enabled (Jupyter always is on 2.9: its kfdefApplications need no KfDef). Jupyter's "Launch
  application" opens the notebook server page; "Start server" makes a notebook server of the
  user's own (Notebook jupyter-nb-<user> in rhods-notebooks with the PVC jupyterhub-nb-<user>-pvc),
  deleted with its storage afterwards.
  Checklist section: user interface (UI-APP-01, UI-APP-02).

  @req.UI-APP-01
  Scenario: Enabled shows Jupyter, which starts a one-off notebook server of the user's own
    Given I am logged in to the dashboard as a data science user
    When I launch Jupyter from Applications > Enabled
    And I start a notebook server with the "Minimal Python" image
    Then my own notebook server runs, with my own storage, and the page offers to open and stop it
    When I stop the notebook server
    Then the notebook server is stopped and its storage kept

  @req.UI-APP-02
  Scenario: Explore lists the applications the cluster holds
    Given I am logged in to the dashboard as a data science user
    When I open Applications > Explore
    Then it shows a card for every application the cluster holds, and a card opens the application's details
