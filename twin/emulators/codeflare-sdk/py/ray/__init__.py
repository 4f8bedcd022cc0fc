"""The twin's stand-in for the parts of the ray package the CodeFlare SDK uses from a workbench:
ray.job_submission (the jobs REST client). Running Ray itself is the Ray head's business."""
__version__ = "2.7.0"
