"""The request context: request id, cancel flag, LM calls and tokens really used (per phase),
progress notifications; and the DSPy context a request runs in.

Every method is ``fn(params: dict, ctx: RequestContext) -> dict``.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

from .adapters import AdapterCounts
from .errors import Cancelled
from .in_flight import InFlight

ACTIVE: dict = {}  # request id -> RequestContext (filled by the server)


class RequestContext:
    def __init__(self, request_id=None, notify=None):
        self.id = request_id
        self.cancelled = threading.Event()
        # The HTTP connections of its LM calls in flight: cancel closes them.
        self.in_flight = InFlight()
        # Finish early keeping the result so far (methods that can; the others run to the end).
        self.stop = threading.Event()
        self.notify = notify
        self.lm_calls = 0
        self._lock = threading.Lock()
        # What the adapters did (calls, parse failures, JSON fallbacks) and the retries by cause.
        self.adapter_counts = AdapterCounts()
        self.retries: dict = {}
        self.secrets: list[str] = []
        # Measured usage: the phase now running and, per finished phase, its LM calls and tokens.
        self.phase = None
        self._calls_by_model: dict = {}
        self.usage: dict = {}
        # Extra callbacks run on every metric score (the testing package uses one).
        self.metric_hooks: list = []
        # Progress throttling (off unless a method sets progress_interval): within one phase at most one
        # notification per interval; the latest held one is sent before the next phase's first, so every
        # phase ends with its exact last numbers and the phase order is kept.
        self.progress_interval = 0.0
        self._last_phase = None
        self._last_sent = 0.0
        self._pending = None

    def check(self):
        if self.cancelled.is_set():
            raise Cancelled()

    def cancel(self):
        """Sets the cancel flag and closes the connections of the LM calls in flight."""
        self.cancelled.set()
        self.in_flight.abort()

    def count_lm_call(self, model=None):
        with self._lock:
            self.lm_calls += 1
            key = model or "unknown"
            self._calls_by_model[key] = self._calls_by_model.get(key, 0) + 1
        self.check()

    def count_retry(self, kind: str):
        with self._lock:
            self.retries[kind] = self.retries.get(kind, 0) + 1

    def call_stats(self) -> dict:
        """The adapter counts and the retries so far (``adapter``: calls, parse_failures, fallbacks)."""
        with self._lock:
            retries = dict(self.retries)
        return {"adapter": self.adapter_counts.snapshot(), "retries": retries}

    @contextmanager
    def measure(self, phase):
        """Counts the LM calls and tokens of one phase (DSPy's usage tracker; cache hits add no tokens)."""
        from dspy.utils.usage_tracker import track_usage

        with self._lock:
            self.phase = phase
            self._calls_by_model = {}
        before = self.adapter_counts.snapshot()
        with track_usage() as tracker:
            yield
        after = self.adapter_counts.snapshot()
        totals = tracker.get_total_tokens()
        models = {}
        for model in set(totals) | set(self._calls_by_model):
            t = totals.get(model) or {}
            models[model] = {"lm_calls": self._calls_by_model.get(model, 0),
                             "input_tokens": int(t.get("prompt_tokens") or t.get("input_tokens") or 0),
                             "output_tokens": int(t.get("completion_tokens") or t.get("output_tokens") or 0)}
        self.usage[phase] = {"lm_calls": sum(m["lm_calls"] for m in models.values()),
                             "input_tokens": sum(m["input_tokens"] for m in models.values()),
                             "output_tokens": sum(m["output_tokens"] for m in models.values()),
                             "models": models,
                             "adapter": {k: after[k] - before[k] for k in after}}

    def progress(self, **params):
        if self.notify is None:
            return
        payload = {"request_id": self.id, **params, "lm_calls": self.lm_calls}
        if self.progress_interval <= 0:
            self.notify("progress", payload)
            return
        now = time.monotonic()
        phase = params.get("phase")
        if phase != self._last_phase:
            self.flush_progress()
            self._last_phase = phase
        elif now - self._last_sent < self.progress_interval:
            self._pending = payload  # superseded by a later one, or sent at the phase's end
            return
        self._pending = None
        self._last_sent = now
        self.notify("progress", payload)

    def flush_progress(self):
        pending, self._pending = self._pending, None
        if pending is not None and self.notify is not None:
            self._last_sent = time.monotonic()
            self.notify("progress", pending)


_LM_COUNTER_CLASS = None


def lm_counter(ctx):
    """An LM-instance callback: counts every call of this LM (and its copies) and honours cancel
    before each. Attached to the LM rather than to ``dspy.context(callbacks=...)``: a context-wide
    callback makes DSPy run its callback machinery (inspect.getcallargs, uuid4, handler lookup) around
    every module, predictor and adapter call too, which was most of the runtime's overhead."""
    global _LM_COUNTER_CLASS
    if _LM_COUNTER_CLASS is None:
        from dspy.utils.callback import BaseCallback

        class StudioLMCounter(BaseCallback):
            def __init__(self, ctx):
                self.ctx = ctx

            def on_lm_start(self, call_id, instance, inputs):
                self.ctx.count_lm_call(getattr(instance, "model", None))

        _LM_COUNTER_CLASS = StudioLMCounter
    return _LM_COUNTER_CLASS(ctx)


def _evaluate_callback(on_evaluate_end):
    from dspy.utils.callback import BaseCallback

    class StudioEvaluateCallback(BaseCallback):
        def on_evaluate_end(self, call_id, outputs, exception=None):
            if exception is None and outputs is not None:
                on_evaluate_end(outputs)

    return StudioEvaluateCallback()


def dspy_context(lm, params, ctx, on_evaluate_end=None, **extra):
    """The request's DSPy context. LM calls are counted by the LM's own callback (see request.make_lm);
    a context-wide callback is installed only when the optimizer's Evaluate results are wanted."""
    import dspy

    from .request import adapter

    callbacks = [_evaluate_callback(on_evaluate_end)] if on_evaluate_end is not None else []
    return dspy.context(lm=lm, callbacks=callbacks, adapter=adapter(params, lm, ctx), **extra)


def scrub(msg: str, ctx) -> str:
    for s in ctx.secrets:
        if s:
            msg = msg.replace(s, "***")
    return msg


def is_lm_error(e: BaseException) -> bool:
    mod = type(e).__module__ or ""
    names = {c.__name__ for c in type(e).__mro__}
    return (mod.startswith(("litellm", "openai", "httpx", "anthropic", "dspy._vendor.lm15", "dspy.clients"))
            or bool(names & {"APIError", "APIConnectionError", "LMError", "ProviderError", "TransportError",
                             "AuthenticationError", "RateLimitError", "Timeout", "ServiceUnavailableError"}))
