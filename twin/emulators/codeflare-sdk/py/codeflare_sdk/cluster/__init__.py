from .auth import Authentication, KubeConfiguration, TokenAuthentication, KubeConfigFileAuthentication
from .config import ClusterConfiguration
from .model import RayClusterStatus, CodeFlareClusterStatus, RayCluster
from .cluster import Cluster, get_cluster, list_all_clusters, list_all_queued
