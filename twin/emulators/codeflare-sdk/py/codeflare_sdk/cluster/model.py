"""codeflare_sdk.cluster.model (v0.16.0): the status enums and the RayCluster summary."""
from dataclasses import dataclass
from enum import Enum


class RayClusterStatus(Enum):
    READY = "ready"
    UNHEALTHY = "unhealthy"
    FAILED = "failed"
    UNKNOWN = "unknown"
    SUSPENDED = "suspended"


class CodeFlareClusterStatus(Enum):
    READY = 1
    STARTING = 2
    QUEUED = 3
    QUEUEING = 4
    FAILED = 5
    UNKNOWN = 6
    SUSPENDED = 7


@dataclass
class RayCluster:
    name: str
    status: RayClusterStatus
    head_cpus: object
    head_mem: str
    head_gpu: int
    workers: int
    worker_mem_min: str
    worker_mem_max: str
    worker_cpu: object
    worker_gpu: int
    namespace: str
    dashboard: str
