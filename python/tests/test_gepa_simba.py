"""GEPA and SIMBA on the simulated LM: they raise the dev score, GEPA reads the metric's written
feedback (with the labelers' notes) and reports its search tree; the programs load in plain DSPy."""

import json
import runpy

import dspy
import pytest

from helpers import Runtime, resolved
from studio_runtime.context import RequestContext
from studio_runtime.datasets import TOY_SIGNATURE, toy_dataset
from studio_runtime.errors import Cancelled, InvalidParams
from studio_runtime.metrics import Metric
from studio_runtime.optimizers import optimize
from studio_runtime.simulated_lm import SimulatedBrain, make_simulated_lm

DATA = toy_dataset(50, seed=3)
TRAIN, DEV = DATA[:25], DATA[25:]
PROGRAM = {"kind": "step", "name": "classify", "module": "predict", "signature": TOY_SIGNATURE}
NOTE = "most of these words name one category; answer with the majority category"
PARAMS = {
    "gepa": resolved("gepa", auto=None, max_metric_calls=200),
    "simba": resolved("simba", bsize=8, num_candidates=4, max_steps=3),
}
LM = {"provider": "simulated"}
_results = {}


def request(strategy, trainset=TRAIN, **extra):
    return {"program": PROGRAM, "strategy": strategy, "params": PARAMS[strategy], "trainset": trainset,
            "devset": DEV, "metric": "exact_match", "lm": LM, "reflection_lm": LM, **extra}


def optimized(strategy, notes=False):
    key = (strategy, notes)
    if key not in _results:
        train = [dict(x, note=NOTE) if notes and i < 6 else x for i, x in enumerate(TRAIN)]
        events = []
        res = optimize(request(strategy, train), RequestContext(7, lambda m, p: events.append((m, p))))
        _results[key] = (res, events)
    return _results[key]


@pytest.mark.parametrize("strategy", ["gepa", "simba"])
def test_raises_dev_score_over_baseline(strategy):
    res, events = optimized(strategy)
    assert res["optimized_score"] > res["baseline_score"] + 0.2, res
    assert res["instructions"]["self"] != TOY_SIGNATURE["instructions"]
    phases = [p["phase"] for m, p in events if m == "progress"]
    assert phases[0] == "baseline" and phases[-1] == "done" and "compile" in phases


def test_gepa_tree_links_candidates_to_parents_and_feedback():
    res, events = optimized("gepa")
    tree = res["gepa"]
    ids = [c["id"] for c in tree["candidates"]]
    assert ids[0] == 0 and tree["candidates"][0]["parents"] == [] and len(ids) >= 3
    for c in tree["candidates"][1:]:
        assert c["parents"] and all(p in ids and p < c["id"] for p in c["parents"])
        assert c["merge"] or (c["components"] == ["self"] and c["feedback"])
        assert len(c["scores"]) == len(DEV)
    best = tree["candidates"][tree["best"]]
    assert best["score"] == max(c["score"] for c in tree["candidates"])
    assert best["instructions"] == res["instructions"]
    assert any("expected" in f["feedback"] for c in tree["candidates"] for f in c["feedback"])
    # progress carries the tree as it grows
    sizes = [len(p["gepa"]["candidates"]) for m, p in events if m == "progress" and "gepa" in p]
    assert sizes == sorted(sizes) and sizes[-1] == len(ids)


def test_gepa_quotes_the_labelers_notes():
    res, _ = optimized("gepa", notes=True)
    quoted = [f["feedback"] for c in res["gepa"]["candidates"] for f in c["feedback"] if NOTE in f["feedback"]]
    assert quoted and all("Labeler's note: " + NOTE in q for q in quoted)
    assert NOTE in res["instructions"]["self"]  # the simulated reflection took the note in


def test_feedback_metric_names_label_prediction_and_note():
    ex = dspy.Example(text="apple dog pear", label="fruit").with_inputs("text")
    key = json.dumps({"text": "apple dog pear"}, sort_keys=True)
    m = Metric({"name": "exact_match", "threshold": 1.0}, ["label"], notes={key: "pear is a fruit"})
    out = m.with_feedback(ex, dspy.Prediction(label="animal"), None, "self", None)
    assert out.score == 0.0
    assert out.feedback == "label: expected 'fruit', got 'animal'. Labeler's note: pear is a fruit"
    assert m.with_feedback(ex, dspy.Prediction(label="Fruit.")).feedback.startswith("Correct")
    obj = dspy.Example(text="x", info={"label": "fruit", "count": 2}).with_inputs("text")
    jm = Metric({"name": "json_field_match", "threshold": 1.0}, ["info"])
    fb = jm.with_feedback(obj, dspy.Prediction(info={"label": "fruit", "count": 3}))
    assert fb.score == 0.5 and fb.feedback == "info.count: expected 2.0, got 3.0."


def test_simulated_reflection_adds_a_hint_only_after_mistakes():
    brain = SimulatedBrain()
    assert brain._reflect("Label the text.", '[{"Feedback": "Correct"}]', "") == "Label the text."
    new = brain._reflect("Label the text.", '[{"Feedback": "label: expected \'fruit\', got \'tool\'."}]', "")
    assert new.startswith("Label the text. ") and brain.probability(
        {"inputs": {"text": "a b"}, "instruction": new, "fields": [{"name": "label"}], "demos": []}) > 0.25


def test_gepa_needs_exactly_one_budget():
    bad = dict(PARAMS["gepa"], auto="light")
    with pytest.raises(InvalidParams) as e:
        optimize(dict(request("gepa"), params=bad), RequestContext(1))
    assert e.value.field == "params.max_metric_calls"


def test_simba_refuses_a_batch_larger_than_the_trainset():
    with pytest.raises(InvalidParams) as e:
        optimize(request("simba", TRAIN[:5]), RequestContext(1))
    assert e.value.field == "params.bsize"


def test_gepa_cancel_stops_it():
    ctx = RequestContext(1, lambda m, p: ctx.cancelled.set() if m == "progress" and p.get("gepa") else None)
    with pytest.raises(Cancelled):
        optimize(request("gepa"), ctx)


def test_gepa_stop_keeps_the_best_candidate_so_far():
    def notify(m, p):
        if m == "progress" and len((p.get("gepa") or {}).get("candidates", [])) >= 2:
            ctx.stop.set()

    ctx = RequestContext(1, notify)
    res = optimize(request("gepa"), ctx)
    full, _ = optimized("gepa")
    tree = res["gepa"]
    assert res["stopped"] is True and not full["stopped"]
    assert 2 <= len(tree["candidates"]) < len(full["gepa"]["candidates"])
    assert res["instructions"] == tree["candidates"][tree["best"]]["instructions"]
    assert len(res["optimized_scores"]) == len(DEV)  # the kept candidate is still scored on the dev set


def test_stop_over_the_protocol_returns_the_result_so_far():
    rt = Runtime()
    try:
        slow = {"provider": "simulated", "latency_ms": 50}  # slow enough that the stop lands before the budget runs out, even on a loaded machine
        rid = rt.request("optimize", request("gepa", lm=slow, reflection_lm=slow))
        while True:
            msg = rt.next_message(timeout=60)
            if msg.get("method") == "progress" and msg["params"].get("gepa"):
                break
        assert rt.call("stop", {"request_id": rid})["result"] == {"stopped": True}
        res = rt.wait_reply(rid, timeout=120)["result"]
        assert res["stopped"] is True and res["gepa"]["candidates"]
        assert rt.call("stop", {"request_id": rid})["result"] == {"stopped": False}  # finished
        assert not [line for line in rt.stderr if "it/s]" in line]  # no progress bars in the host's log
    finally:
        rt.close()


@pytest.mark.parametrize("strategy", ["gepa", "simba"])
def test_exported_program_loads_in_plain_dspy(strategy, tmp_path):
    res, _ = optimized(strategy)
    (tmp_path / "state.json").write_text(json.dumps(res["program_state"]))
    (tmp_path / "program.py").write_text(res["source"])
    plain = runpy.run_path(str(tmp_path / "program.py"))["build_program"]()
    plain.load(str(tmp_path / "state.json"))
    assert plain.signature.instructions == res["instructions"]["self"]
    with dspy.context(lm=make_simulated_lm()):
        scores = [1.0 if plain(**ex["inputs"]).label == ex["outputs"]["label"] else 0.0 for ex in DEV]
    assert scores == res["optimized_scores"]
