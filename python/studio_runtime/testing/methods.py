"""Test aids served by every runtime (the host's integration tests drive them over the real protocol)."""

from __future__ import annotations

import os
import time

from ..errors import Cancelled, InvalidParams
from ..optimizers import optimize


def sleep(params, ctx):
    """``{seconds}`` (0..3600) -> ``{slept}``; honours cancel."""
    seconds = params.get("seconds", 1)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0 or seconds > 3600:
        raise InvalidParams("seconds must be a number between 0 and 3600", field="seconds")
    end = time.monotonic() + seconds
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        if ctx.cancelled.wait(min(left, 0.05)):
            raise Cancelled()
    return {"slept": seconds}


def _stray_output(score):
    print(f"stray print from the metric (score {score})")
    os.write(1, b"stray raw write to fd 1\n")


def optimize_with_stray_output(params, ctx):
    """``optimize`` whose every metric call print()s and writes to fd 1: none of it may reach the protocol."""
    ctx.metric_hooks.append(_stray_output)
    return optimize(params, ctx)


TEST_METHODS = {"sleep": sleep, "optimize_with_stray_output": optimize_with_stray_output}
