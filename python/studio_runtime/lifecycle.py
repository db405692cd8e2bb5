"""The worker never outlives its host.

Three ways out, whatever kills the host: on Linux the kernel sends SIGTERM when the parent dies
(``PR_SET_PDEATHSIG``); stdin reaching end of input starts a short grace period for running
requests, after which the process ends with ``os._exit`` even if a thread is stuck; the host's
own ``shutdown`` takes the same path. On the way out the worker removes its private temporary
directory (the host made it, but a host killed with SIGKILL cannot).
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1
PRIVATE_DIR_PREFIX = "pipeline-studio-worker-"
DEFAULT_GRACE_S = 2.0


def log(msg: str) -> None:
    print(f"[studio_runtime] {msg}", file=sys.stderr, flush=True)


def private_dir() -> str | None:
    """The host-made private directory we run in (HOME/TMPDIR), or None when not started by the host."""
    d = os.environ.get("TMPDIR")
    if d and os.path.basename(os.path.normpath(d)).startswith(PRIVATE_DIR_PREFIX):
        return d
    return None


def cleanup() -> None:
    d = private_dir()
    if d:
        shutil.rmtree(d, ignore_errors=True)


def hard_exit(code: int = 0) -> None:
    """Clean up and end the process now, threads or not.

    No locks and no flushing: this also runs as the SIGTERM handler, which may interrupt the main
    thread anywhere (even inside this function), and a lock held there would never be released.
    Cleanup is idempotent, so two concurrent calls are harmless.
    """
    try:
        cleanup()
    finally:
        os._exit(code)


def grace_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("STUDIO_EXIT_GRACE_S", DEFAULT_GRACE_S)))
    except ValueError:
        return DEFAULT_GRACE_S


def exit_after_grace(code: int = 0) -> threading.Timer:
    """Arms a daemon timer that ends the process after the grace period."""
    t = threading.Timer(grace_seconds(), hard_exit, args=(code,))
    t.daemon = True
    t.start()
    return t


def watch_parent() -> None:
    """SIGTERM on parent death (Linux); exits at once if the host is already gone."""
    signal.signal(signal.SIGTERM, lambda signum, frame: hard_exit(128 + signum))
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
                log(f"prctl(PR_SET_PDEATHSIG) failed: errno {ctypes.get_errno()}")
        except (OSError, AttributeError) as e:
            log(f"no parent-death signal: {e}")
    host = os.environ.get("STUDIO_HOST_PID")
    # The host may have died before prctl took effect: we were then re-parented already.
    if host and host.isdigit() and os.getppid() != int(host):
        log("host is gone before start; exiting")
        hard_exit(0)
