"""Joining a Ray cluster, or starting a local one (``--ray auto``), for the executor."""

from __future__ import annotations

from coulisses.errors import UsageError


def connect_ray(address: str, workers: int) -> bool:
    """Connect to Ray (``auto``: start a local cluster of ``workers`` CPUs); True when this
    call started it (the caller shuts it down).

    Raises:
        UsageError: the cluster cannot be reached.
    """
    import ray

    if ray.is_initialized():
        return False
    try:
        if address == "auto":
            # "local": a new cluster even when RAY_ADDRESS or a running one (another user's,
            # the CI's) would otherwise be joined, which refuses num_cpus
            ray.init(address="local", num_cpus=workers, include_dashboard=False,
                     log_to_driver=False, configure_logging=False)
        else:
            ray.init(address=address, include_dashboard=False, log_to_driver=False,
                     configure_logging=False)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise UsageError(f"cannot reach the Ray cluster at {address} ({exc})".splitlines()[0],
                         hint="start one with `ray start --head`, or use --ray auto") from None
    return True
