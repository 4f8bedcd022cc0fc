@tutorial @workbenches
Feature: Workbenches
  Checklist section: user_interface (UI-STO-*, UI-WB-*).
  Checklist "Workbenches" (RHOAI 2.9 "Creating a workbench"): every notebook image the dashboard
  offers, every deployment size of its configuration, the NVIDIA and Habana accelerator profiles,
  environment variables, cluster storage and data connections. A workbench is created as the
  dashboard's form creates it — a Notebook with the image stream's tag, the size's requests and
  limits read from odh-dashboard-config, the accelerator profile's resource and tolerations, its
  variables in generated Secrets and ConfigMaps, a PVC of the cluster's default size — and is
  running when the dashboard would say so: not stopped, and a pod labelled notebook-name whose
  containers are all ready. Each scenario makes its own project and deletes it afterwards unless
  RHOAI_KEEP says otherwise. The accelerator scenarios need nodes that advertise the accelerator;
  on a cluster without them leave them out: --tags "@tutorial and not @gpu".

  Scenario Outline: A workbench with the notebook image "<image>"
    Given the workbenches of the installed platform are running
    And the data science project "wb-<project>" named "Workbench <image>"
    When I create the workbench "<project> workbench" with the image "<image>" and the size "Small"
    Then the workbench is running, as the dashboard shows it
    And it runs the notebook image "<stream>" at the tag the dashboard recommends
    And its URL is served behind the OpenShift OAuth proxy
    And "<command>" runs in the workbench

    @req.UI-WB-01
    Examples: Minimal Python
      | image          | stream               | project | command           |
      | Minimal Python | s2i-minimal-notebook | minimal | jupyter --version |

    @req.UI-WB-02
    Examples: Standard Data Science
      | image                 | stream                            | project      | command           |
      | Standard Data Science | s2i-generic-data-science-notebook | data-science | jupyter --version |

    @req.UI-WB-03
    Examples: CUDA
      | image | stream      | project | command           |
      | CUDA  | minimal-gpu | cuda    | jupyter --version |

    @req.UI-WB-04
    Examples: TensorFlow
      | image      | stream     | project    | command           |
      | TensorFlow | tensorflow | tensorflow | jupyter --version |

    Examples: PyTorch (offered by the dashboard; the checklist does not list it)
      | image   | stream  | project | command           |
      | PyTorch | pytorch | pytorch | jupyter --version |

    @req.UI-WB-05
    Examples: TrustyAI
      | image    | stream                | project  | command           |
      | TrustyAI | odh-trustyai-notebook | trustyai | jupyter --version |

    @req.UI-WB-06
    Examples: HabanaAI
      | image    | stream          | project | command           |
      | HabanaAI | habana-notebook | habana  | jupyter --version |

    @req.UI-WB-07
    Examples: code-server (no Elyra pipelines)
      | image       | stream               | project     | command               |
      | code-server | code-server-notebook | code-server | code-server --version |

  Scenario Outline: A workbench of the deployment size "<size>"
    Given the workbenches of the installed platform are running
    And the data science project "wb-size-<project>" named "Workbench size <size>"
    And a schedulable node has room for the size "<size>"
    When I create the workbench "<project> workbench" with the image "Minimal Python" and the size "<size>"
    Then the workbench is running, as the dashboard shows it
    And its container has the requests and limits of the size "<size>" in the dashboard's configuration

    @req.UI-WB-08
    Examples: Small
      | size  | project |
      | Small | small   |

    @req.UI-WB-09
    Examples: Medium
      | size   | project |
      | Medium | medium  |

    @req.UI-WB-10
    Examples: Large
      | size  | project |
      | Large | large   |

    @req.UI-WB-11
    Examples: X Large
      | size    | project |
      | X Large | xlarge  |

  @req.UI-WB-12 @gpu
  Scenario: A workbench with the NVIDIA GPU accelerator profile
    Given the workbenches of the installed platform are running
    And the dashboard offers an accelerator profile for "nvidia.com/gpu"
    And the data science project "wb-nvidia" named "Workbench NVIDIA GPU"
    When I create the workbench "gpu workbench":
      | image       | CUDA             |
      | size        | Small            |
      | accelerator | 1 nvidia.com/gpu |
    Then the workbench is running, as the dashboard shows it
    And it runs on a node that has the accelerator, asking for it and tolerating the accelerator profile's taints
    And a pod that asks for 1 "nvidia.com/gpu" without those tolerations is not scheduled

  @req.UI-WB-13 @gpu
  Scenario: A workbench with the Habana Gaudi accelerator profile
    Given the workbenches of the installed platform are running
    And the cluster advertises "habana.ai/gaudi" on at least one node
    And I create the accelerator profile "habana-gaudi" named "Habana Gaudi HPU" for "habana.ai/gaudi", tolerating the taints of those nodes
    And the data science project "wb-habana" named "Workbench Habana Gaudi"
    When I create the workbench "hpu workbench":
      | image       | HabanaAI          |
      | size        | Small             |
      | accelerator | 1 habana.ai/gaudi |
    Then the workbench is running, as the dashboard shows it
    And it runs on a node that has the accelerator, asking for it and tolerating the accelerator profile's taints
    And a pod that asks for 1 "habana.ai/gaudi" without those tolerations is not scheduled

  @req.UI-WB-14
  Scenario: A workbench with environment variables
    Given the workbenches of the installed platform are running
    And the data science project "wb-env" named "Workbench environment"
    When I create the workbench "env workbench" with the image "Minimal Python", the size "Small" and the environment variables:
      | type      | name           | value           |
      | ConfigMap | TUTORIAL_MODE  | fraud-detection |
      | ConfigMap | TUTORIAL_STEP  | workbenches     |
      | Secret    | TUTORIAL_TOKEN | (generated)     |
    Then the workbench is running, as the dashboard shows it
    And the workbench's environment holds those variables, from a ConfigMap and a Secret made as the dashboard makes them

  @req.UI-WB-15 @req.UI-STO-03
  Scenario: A workbench's cluster storage keeps its files across a stop and a start
    Given the workbenches of the installed platform are running
    And the data science project "wb-storage" named "Workbench storage"
    When I create the workbench "storage workbench":
      | image           | Minimal Python     |
      | size            | Small              |
      | cluster storage | Workbench data, 5Gi |
    Then the workbench is running, as the dashboard shows it
    And its cluster storage "workbench-data" is a claim of "5Gi" mounted at "/opt/app-root/src"
    When I write "kept across restarts" to "/opt/app-root/src/proof.txt" in the workbench
    And I stop the workbench
    Then the workbench is stopped, as the dashboard shows it
    When I start the workbench
    Then the workbench is running, as the dashboard shows it
    And "/opt/app-root/src/proof.txt" in the workbench still holds "kept across restarts"

  @req.UI-WB-16
  Scenario: A workbench with a new data connection
    Given the workbenches of the installed platform are running
    And the data science project "wb-dc-new" named "Workbench new data connection" with S3 storage
    And the bucket "my-storage"
    When I create the workbench "new connection workbench":
      | image           | Standard Data Science                       |
      | size            | Small                                       |
      | data connection | new "Workbench Storage" for bucket my-storage |
    Then the workbench is running, as the dashboard shows it
    And the project has the data connection "Workbench Storage" as the dashboard makes it: the Secret "aws-connection-workbench-storage" for the bucket "my-storage"
    And the workbench has the data connection "Workbench Storage" in its environment

  @req.UI-WB-17
  Scenario: A workbench with an existing data connection
    Given the workbenches of the installed platform are running
    And the data science project "wb-dc-existing" named "Workbench existing data connection" with S3 storage
    And the bucket "my-storage" with the data connection "My Storage"
    When I create the workbench "existing connection workbench":
      | image           | Standard Data Science  |
      | size            | Small                  |
      | data connection | existing "My Storage" |
    Then the workbench is running, as the dashboard shows it
    And the workbench has the data connection "My Storage" in its environment
