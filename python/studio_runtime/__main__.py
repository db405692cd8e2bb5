"""Entry point: ``python -I -m studio_runtime``.

Before anything else: keep a private dup of fd 1 for protocol frames, point fd 1 at stderr and
make ``sys.stdout`` stderr, so a stray ``print()`` (DSPy prints progress) or a raw write to fd 1
cannot corrupt the stream, and tie our life to the host's (``lifecycle``). Then set ``DSPY_CACHEDIR`` (from ``STUDIO_DSPY_CACHEDIR``) before the
first ``import dspy``, which creates the cache directory.
"""

import os
import sys
import tempfile


def _silence_progress_bars() -> None:
    """TQDM_DISABLE only sets a default: DSPy's evaluations pass ``disable=False`` themselves."""
    import tqdm.std

    init = tqdm.std.tqdm.__init__

    def quiet(self, *args, **kwargs):
        kwargs["disable"] = True
        init(self, *args, **kwargs)

    tqdm.std.tqdm.__init__ = quiet


def main() -> int:
    from . import lifecycle

    lifecycle.watch_parent()
    frames_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    out = os.fdopen(frames_fd, "wb", buffering=0)

    cache = os.environ.get("STUDIO_DSPY_CACHEDIR")
    if cache:
        os.environ["DSPY_CACHEDIR"] = cache
    elif not os.environ.get("DSPY_CACHEDIR"):
        uid = os.getuid() if hasattr(os, "getuid") else "user"
        os.environ["DSPY_CACHEDIR"] = os.path.join(tempfile.gettempdir(), f"studio-dspy-cache-{uid}")
    os.environ.setdefault("LITELLM_LOG", "ERROR")
    # DSPy and litellm fetch a model cost map from the internet at first use (5 s timeout offline)
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    os.environ.setdefault("LITELLM_TELEMETRY", "False")
    # Progress bars (GEPA's, DSPy's parallel evaluations) redraw into the host's stderr pipe many times
    # a second; progress reaches the host as frames, so they are off.
    os.environ.setdefault("TQDM_DISABLE", "1")
    if os.environ["TQDM_DISABLE"] == "1":
        _silence_progress_bars()

    from .server import Server

    # A request thread that ignores cancellation must not keep us alive once input has ended.
    Server(out, sys.stdin.buffer, on_stop=lifecycle.exit_after_grace).serve()
    lifecycle.hard_exit(0)  # worker threads and litellm's background threads must not keep us alive


if __name__ == "__main__":
    sys.exit(main())
