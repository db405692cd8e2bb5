"""The optimize method's low-overhead paths keep its behaviour: coalesced progress (order, each phase's
last numbers exact), exact LM call counts, cancellation between examples, program_state as save() writes."""
import json
import threading
import time

import dspy
import pytest

from helpers import resolved
from studio_runtime import optimizers
from studio_runtime.datasets import TOY_SIGNATURE, toy_dataset
from studio_runtime.errors import Cancelled
from studio_runtime.context import RequestContext
from studio_runtime.optimizers import optimize

DATA = toy_dataset(32, seed=1)
PROGRAM = {"kind": "step", "name": "classify", "module": "predict", "signature": TOY_SIGNATURE}


def params(latency_ms=0, **extra):
    return {"program": PROGRAM, "strategy": "bootstrap_few_shot", "trainset": DATA[:16], "devset": DATA[16:],
            "metric": "exact_match", "lm": {"provider": "simulated", "latency_ms": latency_ms},
            "params": resolved("bootstrap_few_shot"), **extra}


def run(latency_ms=0):
    events = []
    ctx = RequestContext(3, lambda m, p: events.append(dict(p)))
    res = optimize(params(latency_ms), ctx)
    return res, events


def test_progress_is_coalesced_but_ordered_and_exact():
    res, events = run(0)
    phases = [e["phase"] for e in events]
    blocks = [p for i, p in enumerate(phases) if i == 0 or phases[i - 1] != p]
    assert blocks == ["baseline", "compile", "final", "done"]
    assert len(events) < 41  # one per example/metric call without coalescing
    last = {e["phase"]: e for e in events}
    n_dev = 16
    # Each phase's last notification carries its exact final numbers.
    assert last["baseline"]["trial"] == n_dev and last["baseline"]["total_trials"] == n_dev
    assert last["baseline"]["best_score"] == pytest.approx(res["baseline_score"], abs=1e-6)
    assert last["final"]["trial"] == n_dev
    assert last["final"]["best_score"] == pytest.approx(res["optimized_score"], abs=1e-6)
    assert last["done"]["score"] == res["optimized_score"] and last["done"]["lm_calls"] == res["lm_calls"]
    assert last["compile"]["trial"] == res["lm_calls"] - 2 * n_dev  # one metric call per bootstrap attempt
    calls = [e["lm_calls"] for e in events]
    assert calls == sorted(calls)


def test_slow_lm_progress_is_not_dropped():
    # At 60 ms per call every per-example notification is more than the interval apart: none is dropped.
    ctx_events = []
    ctx = RequestContext(4, lambda m, p: ctx_events.append(dict(p)))
    ctx.progress_interval = optimizers.PROGRESS_INTERVAL_S
    for i in range(3):
        ctx.progress(phase="baseline", trial=i + 1, total_trials=3, score=1.0, best_score=1.0)
        time.sleep(optimizers.PROGRESS_INTERVAL_S + 0.01)
    assert [e["trial"] for e in ctx_events] == [1, 2, 3]


def test_lm_calls_exact_and_state_as_saved(tmp_path):
    res, _ = run(0)
    # Baseline (16) + bootstrap attempts + final (16), each one LM call with the simulated LM.
    assert res["lm_calls"] == 38
    # The result's program_state is what program.save() writes: loading it reproduces the demos.
    path = tmp_path / "s.json"
    path.write_text(json.dumps(res["program_state"]))
    prog = dspy.Predict(dspy.Signature("text -> label"))
    prog.load(str(path))
    assert len(prog.demos) == len(res["demos"]["self"]) > 0


def test_same_counts_with_latency():
    res0, _ = run(0)
    res1, _ = run(2)
    assert res0["lm_calls"] == res1["lm_calls"]
    assert res0["baseline_scores"] == res1["baseline_scores"] and res0["optimized_scores"] == res1["optimized_scores"]


def test_bootstrap_compiles_without_context_wide_callbacks(monkeypatch):
    seen = []
    real = optimizers.dspy_context

    def spy(lm, p, ctx, on_evaluate_end=None, **extra):
        seen.append(on_evaluate_end)
        return real(lm, p, ctx, on_evaluate_end=on_evaluate_end, **extra)

    monkeypatch.setattr(optimizers, "dspy_context", spy)
    run(0)
    assert seen and all(cb is None for cb in seen)


def test_cancel_between_examples():
    ctx = RequestContext(5, lambda m, p: None)
    timer = threading.Timer(0.15, ctx.cancelled.set)
    timer.start()
    t0 = time.time()
    with pytest.raises(Cancelled):
        optimize(params(latency_ms=20), ctx)
    timer.cancel()
    assert time.time() - t0 < 1.0
