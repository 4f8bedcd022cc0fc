"""codeflare_sdk.job.ray_jobs.RayJobClient (v0.16.0 src/codeflare_sdk/job/ray_jobs.py): a thin
wrapper of ray's JobSubmissionClient."""
from ray.job_submission import JobSubmissionClient


class RayJobClient:
    def __init__(self, address=None, create_cluster_if_needed=False, cookies=None, metadata=None, headers=None, verify=True):
        self.rayJobClient = JobSubmissionClient(address=address, headers=headers, verify=verify)

    def submit_job(self, entrypoint, job_id=None, runtime_env=None, metadata=None, submission_id=None,
                   entrypoint_num_cpus=None, entrypoint_num_gpus=None, entrypoint_resources=None):
        return self.rayJobClient.submit_job(entrypoint=entrypoint, job_id=job_id, runtime_env=runtime_env, metadata=metadata,
                                            submission_id=submission_id, entrypoint_num_cpus=entrypoint_num_cpus,
                                            entrypoint_num_gpus=entrypoint_num_gpus, entrypoint_resources=entrypoint_resources)

    def delete_job(self, job_id):
        deletion_status = self.rayJobClient.delete_job(job_id=job_id)
        if deletion_status:
            message = f"Successfully deleted Job {job_id}"
        else:
            message = f"Failed to delete Job {job_id}"
        return deletion_status, message

    def get_address(self):
        return self.rayJobClient.get_address()

    def get_job_info(self, job_id):
        return self.rayJobClient.get_job_info(job_id=job_id)

    def get_job_logs(self, job_id):
        return self.rayJobClient.get_job_logs(job_id=job_id)

    def get_job_status(self, job_id):
        return self.rayJobClient.get_job_status(job_id=job_id)

    def list_jobs(self):
        return self.rayJobClient.list_jobs()

    def stop_job(self, job_id):
        stop_job_status = self.rayJobClient.stop_job(job_id=job_id)
        if stop_job_status:
            message = f"Successfully stopped Job {job_id}"
        else:
            message = f"Failed to stop Job, {job_id} could have already completed."
        return stop_job_status, message

    def tail_job_logs(self, job_id):
        return self.rayJobClient.tail_job_logs(job_id=job_id)
