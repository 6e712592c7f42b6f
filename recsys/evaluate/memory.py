"""Whether a model fits the machine, checked before it starts: a model whose matrices would take
too long or exhaust memory is skipped with a note (on the leaderboard, in the run record and in
the CLI's output) instead of being killed half-way."""

from __future__ import annotations

from pathlib import Path

from recsys.errors import Msg

__all__ = ["MEMORY_SHARE", "available_bytes", "too_large"]

MEMORY_SHARE = 0.5
"""A model is skipped when its estimated memory exceeds this share of the memory available when
it starts (the rest is for the process's data, the other models' results and other programs)."""

_GB = 1024**3


def _meminfo_available(path: Path = Path("/proc/meminfo")) -> int | None:
    try:
        for line in path.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024  # the file counts kB
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cgroup_headroom(root: Path = Path("/sys/fs/cgroup")) -> int | None:
    """Limit minus usage of this container's memory cgroup (v2, else v1); None when unlimited."""
    for limit, usage in (
        ("memory.max", "memory.current"),
        ("memory/memory.limit_in_bytes", "memory/memory.usage_in_bytes"),
    ):
        try:
            cap = (root / limit).read_text().strip()
            if cap == "max" or int(cap) >= 1 << 60:  # v1 writes "no limit" as a huge number
                return None
            return max(0, int(cap) - int((root / usage).read_text().strip()))
        except (OSError, ValueError):
            continue
    return None


def available_bytes() -> int | None:
    """Bytes this process can still allocate without swapping: ``MemAvailable`` of
    ``/proc/meminfo``, capped by a container's memory limit; ``None`` where neither is readable."""
    known = [b for b in (_meminfo_available(), _cgroup_headroom()) if b is not None]
    return min(known) if known else None


def too_large(
    model: str,
    *,
    size: int,
    what: str,
    max_size: int,
    need: int,
    n_users: int,
    n_items: int,
    memory_share: float = MEMORY_SHARE,
) -> str | None:
    """Why ``model`` must not start, or ``None`` when it fits.

    Args:
        size: The side of the largest square matrix the model works on; above ``max_size`` it is skipped.
        what: What that matrix is, for the message.
        need: Estimated peak bytes of the model's fit.
        memory_share: It is skipped when ``need`` exceeds this share of ``available_bytes()``.
    """
    if size > max_size:
        return Msg.MODEL_TOO_LARGE.format(model=model, size=size, what=what, limit=max_size)
    available = available_bytes()
    if available is not None and need > memory_share * available:
        return Msg.MODEL_OUT_OF_MEMORY.format(
            model=model, need=need / _GB, users=n_users, items=n_items, share=memory_share, available=available / _GB
        )
    return None
