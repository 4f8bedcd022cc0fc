@install @conformance @gpu
Feature: Enable GPU support
  Checklist section: install (INS-GPU-*).
  Checklist "Enabling GPU support" (RHOAI 2.9 "Enabling GPU support in OpenShift AI", "Working with
  accelerator profiles"), the RHOAI side of it, once the NVIDIA GPU Operator makes the GPU nodes
  advertise nvidia.com/gpu. An accelerator profile names the resource workbenches and model servers
  request and tolerates the taint of the GPU nodes (the seed's GPU MachineSets, labelled
  cluster-api/accelerator=nvidia-gpu, taint them nvidia-gpu-only); the notebook images and a
  serving runtime then recommend that accelerator. The profile is created explicitly rather than by
  the dashboard's start-up migration (delete migration-gpu-status, restart the dashboard), which
  would delete and restart on every run and tolerates only the key nvidia.com/gpu.
  On a cluster without GPUs (no node advertises nvidia.com/gpu, none is labelled as a GPU node)
  these items do not apply: they are reported skipped, with the reason attached, neither passed
  nor failed. A node labelled as a GPU node that advertises none is a failure (the device plugin).
  A profile without workbenches (RHOAI_PROFILE=infer-only) has no notebook images, so their
  scenario is skipped there, with the reason.

  Background:
    Given the cluster has nodes with "nvidia.com/gpu", else these items are not applicable

  @req.INS-GPU-01
  Scenario: Create an accelerator profile for the cluster's NVIDIA GPUs
    Given the dashboard component of "default-dsc" is Managed and running
    When I create the accelerator profile "nvidia-gpu" named "NVIDIA GPU" for "nvidia.com/gpu", tolerating the taints of those nodes
    Then the dashboard lists the accelerator profile "nvidia-gpu", enabled, for "nvidia.com/gpu"
    And "nvidia-gpu" tolerates the taints of every node that advertises "nvidia.com/gpu"

  @req.INS-GPU-02
  Scenario: Recommend the NVIDIA GPU for the GPU notebook images
    Given the dashboard component of "default-dsc" is Managed and running
    When I recommend "nvidia.com/gpu" for the notebook images:
      | image       | shown as   |
      | minimal-gpu | CUDA       |
      | pytorch     | PyTorch    |
      | tensorflow  | TensorFlow |
    Then the dashboard shows each of these notebook images with "nvidia.com/gpu" recommended

  @req.INS-GPU-03
  Scenario: Recommend the NVIDIA GPU for a copy of the OpenVINO serving runtime
    Given the dashboard component of "default-dsc" is Managed and running
    When I duplicate the serving runtime "kserve-ovms" as "kserve-ovms-gpu", "OpenVINO Model Server (NVIDIA GPU)", recommending "nvidia.com/gpu"
    Then the dashboard offers the serving runtime "kserve-ovms-gpu" for the "single" platform, enabled, recommending "nvidia.com/gpu"
    And the built-in serving runtime template "kserve-ovms" is unchanged
