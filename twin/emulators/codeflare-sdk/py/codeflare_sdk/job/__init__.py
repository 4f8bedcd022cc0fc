from .ray_jobs import RayJobClient
