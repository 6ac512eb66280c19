"""Process-level tuning for a long-running scorer: keep freed memory for reuse."""

from __future__ import annotations

import ctypes
import ctypes.util

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_KEEP_BYTES = 1 << 30


def tune_allocator() -> bool:
    """Ask glibc to serve large numpy temporaries from the heap and keep what is freed.

    By default glibc gives every block over ~128 KiB its own fresh mapping and returns it on
    free, so each shortlist over 100,000 vacancies pays thousands of page faults for its
    temporaries; on virtual machines that is about a third of the time. Memory freed stays
    with the process instead (bounded by the working set of one request per thread).
    Call once at process start (CLI, service, benchmarks); a no-op without glibc.
    """
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, _KEEP_BYTES) and mallopt(_M_TRIM_THRESHOLD, _KEEP_BYTES))


def release_memory() -> bool:
    """Hand the heap's free pages back to the system (glibc's `malloc_trim`).

    `tune_allocator` keeps freed memory for the next shortlist's temporaries, which is right
    for the few megabytes a shortlist needs and wrong after a plan or programme statistics
    have used hundreds: without this the process stays at its peak for good. Costs a few
    milliseconds; call it after such a request, not after every shortlist. A no-op without glibc.
    """
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return False
    return bool(trim(0))
