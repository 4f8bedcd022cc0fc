"""codeflare_sdk.cluster.cluster (v0.16.0 src/codeflare_sdk/cluster/cluster.py), with mcad=False (the
RHOAI 2.9 default): Cluster() builds the RayCluster of templates/base-template.yaml through
utils/generate_yaml.py (the local queue label; with no local_queue, the LocalQueue annotated
kueue.x-k8s.io/default-queue: "true", listed then), up() creates it, status() lists RayClusters and
Routes, wait_ready() asks status() every five seconds then GETs the dashboard, cluster_dashboard_uri()
reads the ray-dashboard-<name> Route, job_client is ray's JobSubmissionClient with the login's bearer
token, down() deletes the RayCluster. The twin's clock runs the five seconds faster
(RHOAI_TWIN_SDK_CLOCK_RATE)."""
import os
import time as _time
from typing import Optional

from .auth import ApiException, api_config_handler, config_check
from .config import ClusterConfiguration
from .model import CodeFlareClusterStatus, RayCluster, RayClusterStatus
from .. import _wire
from ..utils.kube_api_helpers import _kube_api_error_handling


def _api():
    config_check()
    return api_config_handler()


def sleep(seconds):
    _time.sleep(seconds / float(os.environ.get("RHOAI_TWIN_SDK_CLOCK_RATE", "1") or 1))


def is_openshift_cluster():
    try:
        for group in _api().call("GET", "/apis").get("groups", []):
            for v in group.get("versions", []):
                if "route.openshift.io/v1" in v.get("groupVersion", ""):
                    return True
        return False
    except ApiException as e:
        return _kube_api_error_handling(e)


def get_default_kueue_name(namespace):
    try:
        local_queues = _api().call("GET", "/apis/kueue.x-k8s.io/v1beta1/namespaces/%s/localqueues" % namespace)
    except ApiException as e:
        return _kube_api_error_handling(e)
    for lq in local_queues.get("items", []):
        annotations = lq["metadata"].get("annotations") or {}
        if annotations.get("kueue.x-k8s.io/default-queue", "").lower() == "true":
            return lq["metadata"]["name"]
    raise ValueError(
        "Default Local Queue with kueue.x-k8s.io/default-queue: true annotation not found please create a default Local Queue or provide the local_queue name in Cluster Configuration"
    )


def _memory(value):
    return "%sG" % value if isinstance(value, int) else str(value)


def _resources(cpu_req, cpu_lim, mem_req, mem_lim, gpu):
    return {
        "limits": {"cpu": cpu_lim, "memory": _memory(mem_lim), "nvidia.com/gpu": gpu},
        "requests": {"cpu": cpu_req, "memory": _memory(mem_req), "nvidia.com/gpu": gpu},
    }


def generate_raycluster(c: ClusterConfiguration, queue: bool = True):
    """base-template.yaml's RayCluster with generate_yaml.py's updates (names, resources, image, env, queue label)."""
    env = [{"name": k, "value": str(v)} for k, v in (c.envs or {}).items()]
    head = {
        "name": "ray-head",
        "image": c.image,
        "imagePullPolicy": "Always",
        "ports": [
            {"containerPort": 6379, "name": "gcs"},
            {"containerPort": 8265, "name": "dashboard"},
            {"containerPort": 10001, "name": "client"},
        ],
        "lifecycle": {"preStop": {"exec": {"command": ["/bin/sh", "-c", "ray stop"]}}},
        "resources": _resources(c.head_cpus, c.head_cpus, c.head_memory, c.head_memory, c.head_gpus),
    }
    worker = {
        "name": "machine-learning",
        "image": c.image,
        "lifecycle": {"preStop": {"exec": {"command": ["/bin/sh", "-c", "ray stop"]}}},
        "resources": _resources(c.min_cpus, c.max_cpus, c.min_memory, c.max_memory, c.num_gpus),
    }
    if env:
        head["env"] = env
        worker["env"] = list(env)
    pull = [{"name": s} for s in c.image_pull_secrets]
    head_spec = {"containers": [head]}
    worker_spec = {"containers": [worker]}
    if pull:
        head_spec["imagePullSecrets"] = pull
        worker_spec["imagePullSecrets"] = pull
    return {
        "apiVersion": "ray.io/v1",
        "kind": "RayCluster",
        "metadata": {
            "name": c.name,
            "namespace": c.namespace,
            "labels": {"controller-tools.k8s.io": "1.0", **(
                {"kueue.x-k8s.io/queue-name": c.local_queue or get_default_kueue_name(c.namespace)} if queue else {})},
        },
        "spec": {
            "rayVersion": "2.7.0",
            "enableInTreeAutoscaling": False,
            "headGroupSpec": {
                "serviceType": "ClusterIP",
                "enableIngress": False,
                "rayStartParams": {"dashboard-host": "0.0.0.0", "block": "true", "num-gpus": str(c.head_gpus)},
                "template": {"spec": head_spec},
            },
            "workerGroupSpecs": [
                {
                    "replicas": c.num_workers,
                    "minReplicas": c.num_workers,
                    "maxReplicas": c.num_workers,
                    "groupName": "small-group-%s" % c.name,
                    "rayStartParams": {"block": "true", "num-gpus": str(c.num_gpus)},
                    "template": {"spec": worker_spec},
                }
            ],
        },
    }


class Cluster:
    def __init__(self, config: ClusterConfiguration):
        self.config = config
        if self.config.namespace is None:
            print("Please specify with namespace=<your_current_namespace>")
        if self.config.image == "" or self.config.image is None:
            raise ValueError("Image must be specified in the ClusterConfiguration")
        if self.config.dispatch_priority and not self.config.mcad:
            raise ValueError("Invalid Cluster Configuration, cannot have dispatch priority without MCAD")
        if self.config.mcad:
            rc = generate_raycluster(self.config, queue=False)
            rc["metadata"]["labels"]["workload.codeflare.dev/appwrapper"] = self.config.name
            self.app_wrapper_yaml = {
                "apiVersion": "workload.codeflare.dev/v1beta1",
                "kind": "AppWrapper",
                "metadata": {"name": self.config.name, "namespace": self.config.namespace},
                "spec": {"resources": {"GenericItems": [{"replicas": 1, "generictemplate": rc}]}},
            }
        else:
            self.app_wrapper_yaml = generate_raycluster(self.config)
        self._job_submission_client = None
        self.app_wrapper_name = self.config.name

    @property
    def _client_headers(self):
        return {"Authorization": _api().authorization()}

    @property
    def _client_verify_tls(self):
        if not is_openshift_cluster or not self.config.verify_tls:
            return False
        return True

    @property
    def job_client(self):
        from ray.job_submission import JobSubmissionClient
        if self._job_submission_client:
            return self._job_submission_client
        if is_openshift_cluster():
            self._job_submission_client = JobSubmissionClient(
                self.cluster_dashboard_uri(), headers=self._client_headers, verify=self._client_verify_tls)
        else:
            self._job_submission_client = JobSubmissionClient(self.cluster_dashboard_uri())
        return self._job_submission_client

    def up(self):
        namespace = self.config.namespace
        try:
            if self.config.mcad:
                _api().call("POST", "/apis/workload.codeflare.dev/v1beta1/namespaces/%s/appwrappers" % namespace, self.app_wrapper_yaml)
            else:
                _api().call("POST", "/apis/ray.io/v1/namespaces/%s/rayclusters" % namespace, self.app_wrapper_yaml)
        except ApiException as e:
            return _kube_api_error_handling(e)

    def down(self):
        namespace = self.config.namespace
        try:
            if self.config.mcad:
                _api().call("DELETE", "/apis/workload.codeflare.dev/v1beta1/namespaces/%s/appwrappers/%s" % (namespace, self.config.name))
            else:
                _api().call("DELETE", "/apis/ray.io/v1/namespaces/%s/rayclusters/%s" % (namespace, self.config.name))
        except ApiException as e:
            return _kube_api_error_handling(e)

    def status(self, print_to_console: bool = True):
        ready = False
        status = CodeFlareClusterStatus.UNKNOWN
        if self.config.mcad:
            # _app_wrapper_status: the AppWrapper's state (a cluster without the kind answers 404).
            try:
                _api().call("GET", "/apis/workload.codeflare.dev/v1beta1/namespaces/%s/appwrappers" % self.config.namespace)
            except ApiException as e:
                _kube_api_error_handling(e)
        cluster = _ray_cluster_status(self.config.name, self.config.namespace)
        if cluster:
            if cluster.status == RayClusterStatus.SUSPENDED:
                ready = False
                status = CodeFlareClusterStatus.SUSPENDED
            if cluster.status == RayClusterStatus.UNKNOWN:
                ready = False
                status = CodeFlareClusterStatus.STARTING
            if cluster.status == RayClusterStatus.READY:
                ready = True
                status = CodeFlareClusterStatus.READY
            elif cluster.status in [RayClusterStatus.UNHEALTHY, RayClusterStatus.FAILED]:
                ready = False
                status = CodeFlareClusterStatus.FAILED
            if print_to_console:
                print("RayCluster %s: %s (dashboard %s)" % (cluster.name, cluster.status.value, cluster.dashboard))
        elif print_to_console:
            print("No resources found, have you run cluster.up() yet?")
        return status, ready

    def is_dashboard_ready(self) -> bool:
        try:
            status, _reason, _text = _wire.request("GET", self.cluster_dashboard_uri(), headers=self._client_headers,
                                                   verify=self._client_verify_tls, timeout=5)
        except OSError:
            return False
        return status == 200

    def wait_ready(self, timeout: Optional[int] = None, dashboard_check: bool = True):
        print("Waiting for requested resources to be set up...")
        time = 0
        while True:
            if timeout and time >= timeout:
                raise TimeoutError(f"wait() timed out after waiting {timeout}s for cluster to be ready")
            status, ready = self.status(print_to_console=False)
            if status == CodeFlareClusterStatus.UNKNOWN:
                print("WARNING: Current cluster status is unknown, have you run cluster.up yet?")
            if ready:
                break
            sleep(5)
            time += 5
        print("Requested cluster is up and running!")
        while dashboard_check:
            if timeout and time >= timeout:
                raise TimeoutError(f"wait() timed out after waiting {timeout}s for dashboard to be ready")
            if self.is_dashboard_ready():
                print("Dashboard is ready!")
                break
            sleep(5)
            time += 5

    def details(self, print_to_console: bool = True):
        cluster = _ray_cluster_status(self.config.name, self.config.namespace)
        if print_to_console and cluster:
            print("RayCluster %s in %s: %s, %s worker(s), dashboard %s" % (
                cluster.name, cluster.namespace, cluster.status.value, cluster.workers, cluster.dashboard))
        return cluster

    def cluster_uri(self) -> str:
        return f"ray://{self.config.name}-head-svc.{self.config.namespace}.svc:10001"

    def cluster_dashboard_uri(self) -> str:
        config_check()
        if is_openshift_cluster():
            try:
                routes = _api().call("GET", "/apis/route.openshift.io/v1/namespaces/%s/routes" % self.config.namespace)
            except ApiException as e:
                return _kube_api_error_handling(e)
            for route in routes.get("items", []):
                if route["metadata"]["name"] == f"ray-dashboard-{self.config.name}" or route["metadata"]["name"].startswith(
                        f"{self.config.name}-ingress"):
                    protocol = "https" if route["spec"].get("tls") else "http"
                    return f"{protocol}://{route['spec']['host']}"
        return "Dashboard not available yet, have you run cluster.up()?"

    def list_jobs(self):
        return self.job_client.list_jobs()

    def job_status(self, job_id):
        return self.job_client.get_job_status(job_id)

    def job_logs(self, job_id):
        return self.job_client.get_job_logs(job_id)


def _map_to_ray_cluster(rc):
    if "status" in rc and "state" in rc["status"]:
        status = RayClusterStatus(rc["status"]["state"].lower())
    else:
        status = RayClusterStatus.UNKNOWN
    dashboard_url = None
    if is_openshift_cluster():
        try:
            routes = _api().call("GET", "/apis/route.openshift.io/v1/namespaces/%s/routes" % rc["metadata"]["namespace"])
        except ApiException as e:
            return _kube_api_error_handling(e)
        for route in routes.get("items", []):
            rc_name = rc["metadata"]["name"]
            if route["metadata"]["name"] == f"ray-dashboard-{rc_name}" or route["metadata"]["name"].startswith(f"{rc_name}-ingress"):
                protocol = "https" if route["spec"].get("tls") else "http"
                dashboard_url = f"{protocol}://{route['spec']['host']}"
    worker = rc["spec"]["workerGroupSpecs"][0]
    res = worker["template"]["spec"]["containers"][0]["resources"]
    head = rc["spec"]["headGroupSpec"]["template"]["spec"]["containers"][0]["resources"]
    return RayCluster(
        name=rc["metadata"]["name"], status=status, workers=worker["replicas"],
        worker_mem_max=res["limits"]["memory"], worker_mem_min=res["requests"]["memory"], worker_cpu=res["limits"]["cpu"],
        worker_gpu=0, namespace=rc["metadata"]["namespace"], head_cpus=head["limits"]["cpu"], head_mem=head["limits"]["memory"],
        head_gpu=head["limits"].get("nvidia.com/gpu", 0), dashboard=dashboard_url)


def _ray_cluster_status(name, namespace="default"):
    try:
        rcs = _api().call("GET", "/apis/ray.io/v1/namespaces/%s/rayclusters" % namespace)
    except ApiException as e:
        return _kube_api_error_handling(e)
    for rc in rcs.get("items", []):
        if rc["metadata"]["name"] == name:
            return _map_to_ray_cluster(rc)
    return None


def list_all_clusters(namespace: str, print_to_console: bool = True):
    try:
        rcs = _api().call("GET", "/apis/ray.io/v1/namespaces/%s/rayclusters" % namespace)
    except ApiException as e:
        return _kube_api_error_handling(e)
    clusters = [_map_to_ray_cluster(rc) for rc in rcs.get("items", [])]
    if print_to_console:
        for c in clusters:
            print("%s: %s" % (c.name, c.status.value))
    return clusters


def list_all_queued(namespace: str, print_to_console: bool = True, mcad: bool = False):
    return [c for c in list_all_clusters(namespace, False) if c.status in (RayClusterStatus.READY, RayClusterStatus.SUSPENDED)]


def get_cluster(cluster_name: str, namespace: str = "default", write_to_file: bool = False, verify_tls: bool = True):
    try:
        rcs = _api().call("GET", "/apis/ray.io/v1/namespaces/%s/rayclusters" % namespace)
    except ApiException as e:
        return _kube_api_error_handling(e)
    for rc in rcs.get("items", []):
        if rc["metadata"]["name"] == cluster_name:
            w = rc["spec"]["workerGroupSpecs"][0]
            return Cluster(ClusterConfiguration(
                name=cluster_name, namespace=namespace, num_workers=w["minReplicas"],
                image=w["template"]["spec"]["containers"][0]["image"],
                local_queue=(rc["metadata"].get("labels") or {}).get("kueue.x-k8s.io/queue-name"),
                verify_tls=verify_tls))
    raise FileNotFoundError(f"Cluster {cluster_name} is not found in {namespace} namespace")
