@install @conformance
Feature: Install the Red Hat OpenShift AI operator
  Checklist section: install (INS-OP-*).
  Checklist "install the operator", as the RHOAI 2.9 install guide does it from the CLI
  ("Installing the Red Hat OpenShift AI Operator by using the CLI"): the operator's own project,
  one OperatorGroup in AllNamespaces mode (the only mode the 2.9 CSV supports), and a Subscription
  to the rhods-operator package of the redhat-operators catalog. The channel comes from
  RHOAI_OPERATOR_CHANNEL (default fast, the channel that carried 2.9). Re-running these scenarios
  changes nothing on the cluster.

  Why the install is pinned: a redhat-operators catalog of today heads its channels at releases far
  past 2.9, and OLM upgrades an Automatic subscription along its channel whenever the catalog moves.
  Subscribing to `fast` with Automatic approval would install the newest RHOAI, not 2.9, and keep
  moving it. So the harness reads the PackageManifest, takes the CSV of RHOAI_EXPECTED_VERSION
  (default 2.9: its newest z-stream) from a channel that carries it, subscribes with that
  startingCSV and Manual approval, approves exactly the InstallPlan of that CSV, and leaves the
  upgrade InstallPlans OLM creates afterwards unapproved (listed in the report). A catalog without
  the version stops the run here, before anything is applied, naming the versions it offers.

  The operator then creates the DSCInitialization default-dsci with serviceMesh Managed. Its 2.9
  reconcile creates the projects redhat-ods-applications and redhat-ods-monitoring, then configures
  the Service Mesh, and only then sets phase Ready. On a fresh cluster the Service Mesh operator is
  not installed yet (no Subscription named servicemeshoperator), so that step fails and retries:
  default-dsci stays Progressing with CapabilityServiceMesh=False, reason MissingOperator. That is
  the expected state here, not a fault. default-dsci becomes Ready when serviceMesh is set to
  Unmanaged (02-components.feature, INS-MAN-01). On a second run it is already Unmanaged, so Ready
  is expected straight away.

  @req.INS-OP-01
  Scenario: Create the project redhat-ods-operator
    Given the catalog offers the Red Hat OpenShift AI version this install pins
    When I create the project "redhat-ods-operator"
    Then the project "redhat-ods-operator" is active

  @req.INS-OP-02
  Scenario: Create the operator group for the RHOAI operator
    Given the project "redhat-ods-operator" exists
    When I create the operator group "rhods-operator" in "redhat-ods-operator"
    Then "redhat-ods-operator" has exactly one operator group, watching all namespaces

  @req.INS-OP-03
  Scenario: Subscribe to the rhods-operator and wait for its CSV to succeed
    Given the project "redhat-ods-operator" exists
    And "redhat-ods-operator" has its operator group "rhods-operator"
    When I subscribe to the "rhods-operator" operator
    Then its install plan is approved and complete
    And the "rhods-operator" ClusterServiceVersion succeeds
    And the installed Red Hat OpenShift AI is the expected version
    And no later install plan of "rhods-operator" is approved
    And the "rhods-operator" operator's deployments are available
    And the operator creates the DSCInitialization "default-dsci", which waits for the Service Mesh until it is Unmanaged
    And "default-dsci" creates the projects "redhat-ods-applications" and "redhat-ods-monitoring"
