"""The JSON-RPC dispatch table ``METHODS``. See docs/python-runtime.md for params/results.

Every method is ``fn(params: dict, ctx: RequestContext) -> dict`` (``context.RequestContext``).
"""

from __future__ import annotations

import os
import platform
import resource
import sys
import time

from .context import ACTIVE
from .evaluation import evaluate, run
from .optimizers import optimize
from .request import program_info
from .testing.methods import TEST_METHODS

START = time.time()


def health(params, ctx):
    return {"ok": True, "uptime_s": round(time.time() - START, 3), "pid": os.getpid(), "rss_bytes": _rss(),
            "active_requests": len(ACTIVE)}


def _rss() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return r if sys.platform == "darwin" else r * 1024


def versions(params, ctx):
    import dspy
    import pydantic

    from . import PROTOCOL_VERSION, __version__

    def ver(mod):
        try:
            from importlib.metadata import version

            return version(mod)
        except Exception:
            return None

    return {"protocol": PROTOCOL_VERSION, "runtime": __version__, "python": platform.python_version(),
            "dspy": dspy.__version__, "pydantic": pydantic.VERSION, "litellm": ver("litellm"),
            "optuna": ver("optuna"), "executable": sys.executable, "platform": platform.platform(),
            "dspy_cachedir": os.environ.get("DSPY_CACHEDIR")}


def export_source(params, ctx):
    info = program_info(params)
    return {"source": info.source, "module_name": info.module_name, "path": info.path,
            "input_fields": info.input_fields, "output_fields": info.output_fields}


# cancel and shutdown are handled by the server itself (they act on the server's state).
METHODS = {
    "health": health,
    "versions": versions,
    "run": run,
    "evaluate": evaluate,
    "optimize": optimize,
    "export_source": export_source,
    **TEST_METHODS,
}
INLINE = {"health", "versions"}  # answered on the reader thread: fast, never blocked by busy workers
