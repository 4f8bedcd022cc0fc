"""The twin's stand-in for what a KFP 2.5 task's ephemeral module imports (kfp, kfp.dsl): the
names its header `from kfp.dsl import *` brings, so that a component's function runs."""
__version__ = "2.5.0"
