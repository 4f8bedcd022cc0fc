"""ray.job_submission.JobSubmissionClient as Ray 2.7 (dashboard/modules/job/sdk.py and
dashboard/modules/dashboard_sdk.py) calls the jobs REST API: GET /api/version when it is made,
POST /api/jobs/, GET /api/jobs/<id>, GET /api/jobs/<id>/logs, the logs/tail WebSocket,
POST /api/jobs/<id>/stop, DELETE /api/jobs/<id>, GET /api/jobs/. A failed request raises
RuntimeError("Request failed with status code <n>: <body>.") as _raise_error does."""
import json
from enum import Enum

from codeflare_sdk import _wire


class JobStatus(str, Enum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    STOPPED = "STOPPED"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"

    def __str__(self):
        return "%s" % self.value

    def is_terminal(self):
        return self.value in ("STOPPED", "SUCCEEDED", "FAILED")


class JobDetails(dict):
    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name)


class JobSubmissionClient:
    def __init__(self, address=None, create_cluster_if_needed=False, cookies=None, metadata=None, headers=None, verify=True):
        self._address = (address or "").rstrip("/")
        self._headers = dict(headers or {})
        self._verify = verify
        try:
            status, _reason, text = self._do("GET", "/api/version")
        except OSError as e:
            raise ConnectionError("Failed to connect to Ray at address: %s. (%s)" % (self._address, e))
        if status != 200:
            raise ConnectionError(
                "Failed to connect to Ray at address: %s. Request failed with status code %s: %s." % (self._address, status, text)
            )

    def _do(self, method, path, body=None):
        return _wire.request(method, self._address + path, headers=self._headers, body=body, verify=self._verify)

    def _json(self, method, path, body=None):
        status, _reason, text = self._do(method, path, body)
        if status != 200:
            raise RuntimeError("Request failed with status code %s: %s." % (status, text))
        return json.loads(text)

    def get_address(self):
        return self._address

    def submit_job(self, *, entrypoint, job_id=None, runtime_env=None, metadata=None, submission_id=None,
                   entrypoint_num_cpus=None, entrypoint_num_gpus=None, entrypoint_memory=None, entrypoint_resources=None):
        body = {"entrypoint": entrypoint}
        for k, v in (("submission_id", submission_id or job_id), ("runtime_env", runtime_env), ("metadata", metadata),
                     ("entrypoint_num_cpus", entrypoint_num_cpus), ("entrypoint_num_gpus", entrypoint_num_gpus),
                     ("entrypoint_memory", entrypoint_memory), ("entrypoint_resources", entrypoint_resources)):
            if v is not None:
                body[k] = v
        return self._json("POST", "/api/jobs/", body)["submission_id"]

    def get_job_info(self, job_id):
        return JobDetails(self._json("GET", "/api/jobs/%s" % job_id))

    def get_job_status(self, job_id):
        return JobStatus(self.get_job_info(job_id)["status"])

    def get_job_logs(self, job_id):
        return self._json("GET", "/api/jobs/%s/logs" % job_id)["logs"]

    def list_jobs(self):
        return [JobDetails(j) for j in self._json("GET", "/api/jobs/")]

    def stop_job(self, job_id):
        return self._json("POST", "/api/jobs/%s/stop" % job_id)["stopped"]

    def delete_job(self, job_id):
        return self._json("DELETE", "/api/jobs/%s" % job_id)["deleted"]

    async def tail_job_logs(self, job_id):
        url = self._address.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
        for text in _wire.websocket_texts("%s/api/jobs/%s/logs/tail" % (url, job_id), headers=self._headers, verify=self._verify):
            yield text
