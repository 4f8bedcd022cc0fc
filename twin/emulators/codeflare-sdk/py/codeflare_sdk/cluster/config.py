"""codeflare_sdk.cluster.config.ClusterConfiguration (v0.16.0), its fields and defaults."""
import os
from dataclasses import dataclass, field


@dataclass
class ClusterConfiguration:
    name: str
    namespace: str = None
    head_info: list = field(default_factory=list)
    head_cpus: int = 2
    head_memory: int = 8
    head_gpus: int = 0
    machine_types: list = field(default_factory=list)
    min_cpus: int = 1
    max_cpus: int = 1
    num_workers: int = 1
    min_memory: int = 2
    max_memory: int = 2
    num_gpus: int = 0
    template: str = "base-template.yaml"
    instascale: bool = False
    # False since 0.16 (the RHOAI 2.9 default); the twin's fault codeflare-sdk-appwrapper-default plays an older SDK.
    mcad: bool = os.environ.get("RHOAI_TWIN_SDK_DEFAULT_MCAD") == "1"
    envs: dict = field(default_factory=dict)
    image: str = ""
    image_pull_secrets: list = field(default_factory=list)
    dispatch_priority: str = None
    write_to_file: bool = False
    verify_tls: bool = True
    local_queue: str = None

    def __post_init__(self):
        if not self.verify_tls:
            print("Warning: TLS verification has been disabled - Endpoint checks will be bypassed")
