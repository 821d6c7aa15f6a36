"""Many independent jobs on a local process pool or a Ray cluster: challenge triage stages,
``analyze --workers/--ray`` over a shoot's rushes, every planned deliverable of a campaign.

``run_jobs`` (``executor.jobs``) is the one entry point; Ray is imported only when asked for.
"""

from coulisses.executor.jobs import JobsRun, Outcome, attempt, run_jobs
from coulisses.executor.ray_cluster import connect_ray

__all__ = ["JobsRun", "Outcome", "attempt", "connect_ray", "run_jobs"]
