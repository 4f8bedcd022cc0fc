@dashboard
Feature: Settings > Accelerator profiles: an NVIDIA GPU profile for workbenches
  The admin creates a profile in the browser with the identifier the NVIDIA device plugin advertises
  (nvidia.com/gpu) and a toleration of the taint the GPU MachineSet puts on its nodes (key
  nvidia-gpu-only, the MachineSet labelled cluster-api/accelerator=nvidia-gpu). The 2.9 backend
  stores it as an AcceleratorProfile of the dashboard's namespace, which the workbench form offers.
  The profile is deleted afterwards.
  Checklist sections: components (CMP-03); user interface (UI-SET-07, UI-SET-08).

  @req.UI-SET-07 @req.UI-SET-08 @req.CMP-03
  Scenario: Create an accelerator profile for nvidia.com/gpu that tolerates the GPU nodes' taint
    Given I am logged in to the dashboard as the admin user
    When I create the accelerator profile "NVIDIA GPU (harness)" with the identifier "nvidia.com/gpu" and a toleration of the taint key "nvidia-gpu-only"
    Then it is listed, enabled, with that identifier
    And its toleration lets pods onto the nodes that advertise the identifier
    And the workbench form offers it
