import ast
import json
import runpy

import dspy
import pytest

from helpers import resolved
from studio_runtime.datasets import TOY_SIGNATURE, toy_dataset
from studio_runtime.context import RequestContext
from studio_runtime.evaluation import evaluate, run
from studio_runtime.optimizers import optimize
from studio_runtime.simulated_lm import make_simulated_lm

DATA = toy_dataset(50, seed=3)
TRAIN, DEV = DATA[:25], DATA[25:]
PROGRAM = {"kind": "step", "name": "classify", "module": "predict", "signature": TOY_SIGNATURE}
PARAMS = {
    "bootstrap_few_shot": resolved("bootstrap_few_shot", max_bootstrapped_demos=3, max_labeled_demos=3),
    "copro": resolved("copro", breadth=4, depth=2, init_temperature=1.0),
    "mipro": resolved("mipro", auto=None, num_candidates=3, num_trials=6, max_bootstrapped_demos=3,
                      max_labeled_demos=3),
}
_results = {}


def optimized(strategy):
    if strategy not in _results:
        events = []
        ctx = RequestContext(7, lambda m, p: events.append((m, p)))
        res = optimize({"program": PROGRAM, "strategy": strategy, "params": PARAMS[strategy], "trainset": TRAIN,
                        "devset": DEV, "metric": "exact_match", "lm": {"provider": "simulated"}}, ctx)
        _results[strategy] = (res, events)
    return _results[strategy]


@pytest.mark.parametrize("strategy", ["bootstrap_few_shot", "copro", "mipro"])
def test_optimizer_raises_dev_score(strategy):
    res, events = optimized(strategy)
    assert res["optimized_score"] > res["baseline_score"], res
    assert len(res["baseline_scores"]) == len(DEV) == len(res["optimized_scores"])
    assert res["dev_ids"] == [d["id"] for d in DEV]
    assert res["lm_calls"] > len(DEV) * 2
    # The generated source is a module whose docstring names the program (written as a safe literal).
    assert ast.get_docstring(ast.parse(res["source"])).startswith("DSPy program")
    assert set(res["program_state"]) >= {"metadata"}
    phases = [p["phase"] for m, p in events if m == "progress"]
    assert phases[0] == "baseline" and phases[-1] == "done" and "compile" in phases and "final" in phases
    order = {"baseline": 0, "compile": 1, "final": 2, "done": 3}
    assert [order[p] for p in phases] == sorted(order[p] for p in phases)
    assert all(p["request_id"] == 7 and "lm_calls" in p for m, p in events)
    calls = [p["lm_calls"] for m, p in events]
    assert calls == sorted(calls)
    if strategy == "copro":
        assert res["instructions"]["self"] != TOY_SIGNATURE["instructions"]
    else:
        demos = res["demos"]["self"]
        assert demos and all(d["id"] and d["id"].startswith("toy-") for d in demos)


@pytest.mark.parametrize("strategy", ["bootstrap_few_shot", "mipro"])
def test_state_round_trip_in_plain_dspy(strategy, tmp_path):
    res, _ = optimized(strategy)
    state_path = tmp_path / "state.json"
    state_path.write_text(json.dumps(res["program_state"]))
    src_path = tmp_path / "program.py"
    src_path.write_text(res["source"])
    plain = runpy.run_path(str(src_path))["build_program"]()
    plain.load(str(state_path))  # plain DSPy, nothing of studio_runtime
    lm = make_simulated_lm()
    outs = []
    with dspy.context(lm=lm):
        for ex in DEV:
            outs.append(plain(**ex["inputs"]).label)
    scores = [1.0 if o == ex["outputs"]["label"] else 0.0 for o, ex in zip(outs, DEV)]
    assert scores == res["optimized_scores"]
    # and `run` with program_state gives the same outputs
    for ex, o in list(zip(DEV, outs))[:5]:
        r = run({"program": PROGRAM, "inputs": ex["inputs"], "program_state": res["program_state"],
                 "lm": {"provider": "simulated"}}, RequestContext(1))
        assert r["outputs"]["label"] == o
    # evaluate with the state reproduces the optimized mean
    ev = evaluate({"program": PROGRAM, "program_state": res["program_state"], "dataset": DEV,
                   "metric": "exact_match", "lm": {"provider": "simulated"}}, RequestContext(2))
    assert ev["scores"] == res["optimized_scores"]


def test_mipro_needs_two_examples():
    from studio_runtime.errors import InvalidParams

    with pytest.raises(InvalidParams) as e:
        optimize({"program": PROGRAM, "strategy": "mipro", "params": resolved("mipro"), "trainset": TRAIN[:1],
                  "metric": "exact_match", "lm": {"provider": "simulated"}}, RequestContext(1))
    assert e.value.data["field"] == "trainset"


@pytest.mark.parametrize("strategy", ["bootstrap_few_shot", "copro", "mipro"])
def test_usage_is_measured_per_phase(strategy):
    res, events = optimized(strategy)
    usage = res["usage"]
    assert set(usage) == {"baseline", "compile", "final"}
    # Each phase's calls are counted at the LM; the phases add up to the request's calls.
    assert sum(u["lm_calls"] for u in usage.values()) == res["lm_calls"]
    assert usage["baseline"]["lm_calls"] == usage["final"]["lm_calls"] == len(DEV)
    for u in usage.values():
        assert u["input_tokens"] > 0 and u["output_tokens"] > 0
        assert set(u["models"]) == {"simulated/toy"}
        assert u["models"]["simulated/toy"]["input_tokens"] == u["input_tokens"]


@pytest.mark.parametrize("strategy", ["copro", "mipro"])
def test_trial_scores_are_the_metric_mean_in_0_1(strategy):
    _, events = optimized(strategy)
    scores = [p["score"] for m, p in events if p["phase"] == "compile" and p["trial"] > 0 and p["score"] is not None]
    assert scores and all(0.0 <= s <= 1.0 for s in scores)
    # Some trial scores strictly between 0 and 1 with a non-trivial denominator: a percentage would exceed 1.
    assert any(0.0 < s < 1.0 for s in scores)


def test_evaluate_reports_usage():
    ev = evaluate({"program": PROGRAM, "dataset": DEV[:5], "metric": "exact_match", "lm": {"provider": "simulated"}},
                  RequestContext(3))
    assert ev["usage"]["lm_calls"] == ev["lm_calls"] == 5
    assert ev["usage"]["input_tokens"] > 0


def test_params_must_be_resolved_by_the_host():
    from studio_runtime.errors import InvalidParams

    base = {"program": PROGRAM, "strategy": "copro", "trainset": TRAIN, "metric": "exact_match",
            "lm": {"provider": "simulated"}}
    with pytest.raises(InvalidParams) as e:
        optimize({**base, "params": {"breadth": 4}}, RequestContext(1))
    assert e.value.data["field"] == "params.depth"
    with pytest.raises(InvalidParams) as e:
        optimize({**base, "params": resolved("copro", extra=1)}, RequestContext(1))
    assert e.value.data["field"] == "params.extra"
