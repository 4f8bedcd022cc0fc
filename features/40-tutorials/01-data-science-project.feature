@tutorial
Feature: Data science projects, their storage, data connections and permissions
  Checklist section: user_interface (UI-DC-*, UI-PERM-*, UI-PRJ-*, UI-STO-*).
  Checklist "Data science projects" (RHOAI 2.9 "Working on data science projects"; the
  fraud-detection tutorial's "Setting up a data science project" and "Storing data with data
  connections"). A data science project is an OpenShift project the dashboard lists; its object
  storage has a bucket for models and data and one for pipeline artifacts; a data connection holds
  the S3 endpoint, keys, region and bucket exactly as the dashboard writes it; the Permissions tab
  gives users and groups admin or edit on the project.
  Each scenario makes its own project (RHOAI_TUTORIAL_PROJECT_PREFIX + the name below) and deletes
  it afterwards unless RHOAI_KEEP says otherwise. S3 is RHOAI_S3_ENDPOINT when set, else MinIO
  deployed into the project as the tutorial's setup-s3.yaml does. The tutorials need the installed
  platform: run them after the installer, e.g. --tags "@install or @tutorial".

  @req.UI-PRJ-01
  Scenario: A data science project is an OpenShift project the dashboard lists
    Given the dashboard of the installed platform is running
    When I create the data science project "project" named "Tutorial Project"
    Then the project is an OpenShift project labelled as a data science project, named "Tutorial Project"
    And the dashboard lists the project among the data science projects

  @req.UI-STO-01 @req.UI-DC-01
  Scenario: A bucket for models and data, and the data connection "My Storage"
    Given the dashboard of the installed platform is running
    And the data science project "storage-models" named "Storage for models" with S3 storage
    When I create the bucket "my-storage"
    And I add the data connection "My Storage" for the bucket "my-storage"
    Then the bucket "my-storage" exists
    And the project has the data connection "My Storage" as the dashboard makes it: the Secret "aws-connection-my-storage" for the bucket "my-storage"
    And an object written through the data connection "My Storage" reads back

  @req.UI-STO-02 @req.UI-DC-01
  Scenario: A bucket for pipeline artifacts, and the data connection "Pipeline Artifacts"
    Given the dashboard of the installed platform is running
    And the data science project "storage-artifacts" named "Storage for pipeline artifacts" with S3 storage
    When I create the bucket "pipeline-artifacts"
    And I add the data connection "Pipeline Artifacts" for the bucket "pipeline-artifacts"
    Then the bucket "pipeline-artifacts" exists
    And the project has the data connection "Pipeline Artifacts" as the dashboard makes it: the Secret "aws-connection-pipeline-artifacts" for the bucket "pipeline-artifacts"
    And an object written through the data connection "Pipeline Artifacts" reads back

  @req.UI-PERM-01
  Scenario: Project permissions for users and groups
    Given the dashboard of the installed platform is running
    And the data science project "permissions" named "Permissions"
    When I give the user "tutorial-editor" the "edit" permission on the project
    And I give the group "tutorial-admins" the "admin" permission on the project
    Then the project's permissions list the user "tutorial-editor" with "edit" and the group "tutorial-admins" with "admin"
    And the user "tutorial-editor" can work in the project but not change its permissions
    And a member of the group "tutorial-admins" can change the project's permissions
    And the user "tutorial-outsider" can neither see the project nor work in it
