"""Run independent tasks across processes; the order of results never depends on the timing.

Workers are forked, so they start with everything the parent had loaded (content, plan,
compiled templates) and nothing has to be pickled on the way in: a task is an index into
data the parent prepared before `run` was called. Results travel back pickled.

Fork is safe here because the parent renders nothing with WeasyPrint or Pango before the
pool starts (their font state must not be shared across a fork) and runs no threads.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def available_cores() -> int:
    """Cores this process may run on (the affinity mask, as a container or taskset limits it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def run(work: Callable[[T], R], tasks: Sequence[T], jobs: int) -> Iterator[tuple[int, R]]:
    """Yield (position in tasks, result) as each task finishes, on up to `jobs` processes.

    Give the longest tasks first: a pool drains in order, so the last task to start should be short.
    With one job (or one task) everything runs in this process, which is easier to debug and profile.
    """
    if jobs <= 1 or len(tasks) <= 1:
        for position, task in enumerate(tasks):
            yield position, work(task)
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(min(jobs, len(tasks)), initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
        numbered = [(work, position, task) for position, task in enumerate(tasks)]
        yield from pool.imap_unordered(_call, numbered, chunksize=1)


def _call(item: tuple[Callable, int, object]) -> tuple[int, object]:
    work, position, task = item
    return position, work(task)


def _die_with_parent(parent: int) -> None:
    """A worker whose parent is killed (SIGKILL included) dies too, instead of writing on into a
    staging folder the next build will clean, and holding the output's lock it inherited."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux
        return
    if os.getppid() != parent:  # the parent died before the request was in place
        os._exit(1)


_PR_SET_PDEATHSIG = 1
