"""The twin's stand-in for codeflare-sdk 0.16.0 (project-codeflare/codeflare-sdk v0.16.0 src/codeflare_sdk):
the same public names, making the same Kubernetes and Ray API calls in the same order, on the
standard library (the twin's workbench runs this module with the machine's python3)."""
from .cluster import (
    Authentication,
    KubeConfiguration,
    TokenAuthentication,
    KubeConfigFileAuthentication,
    Cluster,
    ClusterConfiguration,
    RayClusterStatus,
    CodeFlareClusterStatus,
    RayCluster,
    get_cluster,
    list_all_clusters,
    list_all_queued,
)
from .job import RayJobClient

__version__ = "0.16.0"
