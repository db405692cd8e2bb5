"""Baseline for bench/python-bridge.bench.ts and bench/gepa.bench.ts: the same optimizer, data and
simulated LM as the bridge's `optimize` request (bootstrap_few_shot, or GEPA with
GEPA_METRIC_CALLS metric calls, on the toy dataset), run directly in plain DSPy.

It does what the runtime's optimize does around the compile: a baseline evaluation on the dev set,
the compile, a final evaluation, and program.save() to JSON. Imports only dspy and
studio_runtime's simulated LM and dataset. Prints one JSON line: {"runs_s": [...], ...}.

    python -I bench/plain_dspy_optimize.py RUNS N_TRAIN N_DEV LATENCY_MS [STRATEGY]
    python -I bench/plain_dspy_optimize.py serve N_TRAIN N_DEV LATENCY_MS [STRATEGY]

``serve``: after one warm-up run, prints {"ready": true}, then does one run per stdin line and prints
{"run_s", "baseline_score", "optimized_score"} per run, so the bench can interleave plain and bridge
runs (the machine's load then weighs on both alike). Each run is the same ``once()`` either way.
"""
import json
import os
import sys
import tempfile
import time

import dspy

from studio_runtime.datasets import toy_dataset
from studio_runtime.simulated_lm import make_simulated_lm

serve = len(sys.argv) > 1 and sys.argv[1] == "serve"
runs = 0 if serve else (int(sys.argv[1]) if len(sys.argv) > 1 else 5)
n_train = int(sys.argv[2]) if len(sys.argv) > 2 else 16
n_dev = int(sys.argv[3]) if len(sys.argv) > 3 else 16
latency_ms = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
strategy = sys.argv[5] if len(sys.argv) > 5 else "bootstrap_few_shot"
GEPA_METRIC_CALLS = 150


class Classify(dspy.Signature):
    """Label the text."""

    text: str = dspy.InputField(desc="a few words")
    label: str = dspy.OutputField(desc="one of: fruit, animal, color, tool")


def norm(v):
    return " ".join(str(v).strip().lower().split())


def metric(example, pred, trace=None):
    return 1.0 if norm(example.label) == norm(getattr(pred, "label", "")) else 0.0


def feedback_metric(example, pred, trace=None, pred_name=None, pred_trace=None):
    score = metric(example, pred)
    text = "Correct: every scored field matches the label." if score else f"label: expected {example.label!r}, got {getattr(pred, 'label', None)!r}."
    return dspy.Prediction(score=score, feedback=text)


def compile_program(student, lm):
    if strategy == "gepa":
        tp = dspy.GEPA(metric=feedback_metric, max_metric_calls=GEPA_METRIC_CALLS, reflection_minibatch_size=3,
                       candidate_selection_strategy="pareto", skip_perfect_score=True, use_merge=True,
                       max_merge_invocations=5, num_threads=1, seed=0, reflection_lm=lm)
        return tp.compile(student, trainset=trainset, valset=devset)
    tp = dspy.BootstrapFewShot(metric=metric, max_bootstrapped_demos=4, max_labeled_demos=4, max_rounds=1)
    return tp.compile(student, trainset=trainset)


def examples(items):
    return [dspy.Example(text=it["inputs"]["text"], **it["outputs"]).with_inputs("text") for it in items]


def evaluate(program, devset):
    scores = [metric(ex, program(**ex.inputs())) for ex in devset]
    return sum(scores) / len(scores)


data = toy_dataset(n_train + n_dev, seed=1)
trainset, devset = examples(data[:n_train]), examples(data[n_train:])


def once():
    lm = make_simulated_lm(latency_ms=latency_ms, model="simulated/toy")
    t0 = time.perf_counter()
    with dspy.context(lm=lm, adapter=dspy.ChatAdapter()):
        student = dspy.Predict(Classify)
        baseline = evaluate(student, devset)
        optimized = compile_program(student, lm)
        final = evaluate(optimized, devset)
        fd, path = tempfile.mkstemp(suffix=".json")
        os.close(fd)
        optimized.save(path)
        with open(path) as f:
            json.load(f)
        os.unlink(path)
    return time.perf_counter() - t0, baseline, final


once()  # warm-up, as the bridge side warms its worker up
if serve:
    out = sys.__stdout__
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for _line in sys.stdin:
        t, b, f = once()
        out.write(json.dumps({"run_s": t, "baseline_score": b, "optimized_score": f}) + "\n")
        out.flush()
else:
    results = [once() for _ in range(runs)]
    print(json.dumps({"runs_s": [r[0] for r in results], "baseline_score": results[0][1],
                      "optimized_score": results[0][2]}))
