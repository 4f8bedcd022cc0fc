@advanced @opt-in
Feature: ADV-01 Mirroring images for a disconnected installation
  Checklist section: advanced (ADV-*).
  Checklist "mirroring images for disconnected installation". RHOAI 2.9 "Installing and uninstalling
  OpenShift AI Self-Managed in a disconnected environment" mirrors the operator's images with
  oc-mirror into a registry the cluster reaches (RHOAI_MIRROR_REGISTRY), then applies the mirror set
  oc-mirror writes: an ImageDigestMirrorSet, or an ImageContentSourcePolicy on clusters older than
  OpenShift 4.13 (RHOAI_MIRROR_KIND). The images are the installed CSV's spec.relatedImages, each a
  digest reference; each of their repositories is sent to the same path on the mirror registry.
  That the nodes then pull from the mirror was decided by the upstream source: the Machine Config
  Operator renders every mirror set into the nodes' /etc/containers/registries.conf, IDMS mirrors
  with pull-from-mirror = "digest-only", ICSP sources with mirror-by-digest-only = true
  (machine-config-operator release-4.15 pkg/controller/container-runtime-config helpers.go), as the
  MachineConfig 99-<pool>-generated-registries each pool rolls out. Mirroring the images themselves
  (oc-mirror, with the registry's credentials) happens outside the cluster and is not repeated here.
  A mirror set changes every node (on a real cluster the pools roll): the scenario is @opt-in, runs
  only when asked for by tag (--tags @req.ADV-01, or '@install or @advanced'), and removes its
  mirror set at its end, and in a cleanup when it fails half-way.

  @req.ADV-01
  Scenario: Send the RHOAI 2.9 images to the mirror registry, by digest
    Given the "rhods-operator" ClusterServiceVersion succeeds
    And the mirror registry RHOAI_MIRROR_REGISTRY that holds the mirrored images
    When I list the images to mirror from the installed CSV's relatedImages
    And I apply the mirror set RHOAI_MIRROR_KIND that sends their repositories to the mirror registry
    Then every node pool's registries.conf sends each of those repositories to the mirror, by digest only
    When I remove the mirror set
    Then the nodes' registries.conf no longer names the mirror registry
