import json
import runpy

import dspy
import pytest

from studio_runtime.datasets import TOY_SIGNATURE, toy_dataset
from studio_runtime.methods import RequestContext, evaluate, optimize, run
from studio_runtime.simulated_lm import make_simulated_lm

DATA = toy_dataset(50, seed=3)
TRAIN, DEV = DATA[:25], DATA[25:]
PROGRAM = {"kind": "step", "name": "classify", "module": "predict", "signature": TOY_SIGNATURE}
PARAMS = {
    "bootstrap_few_shot": {"max_bootstrapped_demos": 3, "max_labeled_demos": 3},
    "copro": {"breadth": 4, "depth": 2, "init_temperature": 1.0},
    "mipro": {"auto": None, "num_candidates": 3, "num_trials": 6, "max_bootstrapped_demos": 3,
              "max_labeled_demos": 3, "seed": 9},
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
    assert res["source"].startswith('"""DSPy program')
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
        optimize({"program": PROGRAM, "strategy": "mipro", "params": {"auto": "light"}, "trainset": TRAIN[:1],
                  "metric": "exact_match", "lm": {"provider": "simulated"}}, RequestContext(1))
    assert e.value.data["field"] == "trainset"
