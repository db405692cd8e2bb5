"""An exported program (program.save() JSON + the signature spec beside it) loads in plain DSPy.

Two sources: the file the Playwright full-loop test exports through the host
(test-output/exported/program.json, skipped with a reason when absent), and an export made here
with the runtime's optimize method, so this test never depends on test order.
"""
import json
import os
from pathlib import Path

import dspy
import pytest
from dspy.utils import DummyLM

from helpers import resolved
from studio_runtime.datasets import TOY_SIGNATURE, toy_dataset
from studio_runtime.context import RequestContext
from studio_runtime.optimizers import optimize

REPO = Path(__file__).resolve().parents[2]
E2E_EXPORT = REPO / "test-output" / "exported" / "program.json"
E2E_SPEC = REPO / "test-output" / "exported" / "program.signature.json"


def plain_program(source: str):
    """Runs the generated source (plain dspy + pydantic, no studio_runtime) and builds the program."""
    namespace: dict = {"__name__": "exported_program"}
    exec(compile(source, "exported_program.py", "exec"), namespace)
    return namespace["build_program"]()


def signature_from_spec(spec: dict) -> type:
    """The signature rebuilt with dspy alone, from the spec kept beside the JSON."""
    types = {"string": str, "integer": int, "number": float, "boolean": bool, "array": list, "object": dict}
    fields = {f["name"]: (types[f.get("type", "string")], dspy.InputField(desc=f.get("description", ""))) for f in spec["input_fields"]}
    fields.update({f["name"]: (types[f.get("type", "string")], dspy.OutputField(desc=f.get("description", ""))) for f in spec["output_fields"]})
    return dspy.Signature(fields, spec.get("instructions", ""))


def load_and_run(state_path: Path, spec: dict):
    program = dspy.Predict(signature_from_spec(spec))
    program.load(str(state_path))
    assert program.demos, "the optimized program keeps its demos"
    for demo in program.demos:
        assert set(demo.keys()) >= {f["name"] for f in spec["input_fields"]}
    lm = DummyLM([{f["name"]: "fruit" for f in spec["output_fields"]}])
    with dspy.context(lm=lm):
        out = program(**{spec["input_fields"][0]["name"]: "apple banana otter"})
    assert out[spec["output_fields"][0]["name"]] == "fruit"
    return program


def test_program_exported_by_the_app_loads_in_plain_dspy():
    if not E2E_EXPORT.exists() or not E2E_SPEC.exists():
        print(f"skipped: {E2E_EXPORT} is absent (run the Playwright full-loop test first: npm run test:e2e)")
        pytest.skip(f"{E2E_EXPORT} is absent: the Playwright full-loop test writes it")
    meta = json.loads(E2E_SPEC.read_text())
    state = json.loads(E2E_EXPORT.read_text())
    assert "api_key" not in json.dumps(state)
    load_and_run(E2E_EXPORT, meta["signature"])
    source = (E2E_EXPORT.with_suffix(".py")).read_text() if E2E_EXPORT.with_suffix(".py").exists() else None
    if source:
        program = plain_program(source)
        program.load(str(E2E_EXPORT))
        assert len(program.demos) == len(state["demos"])


def test_fresh_export_round_trips(tmp_path):
    data = toy_dataset(40, seed=5)
    program_spec = {"kind": "step", "name": "classify", "module": "predict", "signature": TOY_SIGNATURE}
    res = optimize({"program": program_spec, "strategy": "bootstrap_few_shot", "params": resolved("bootstrap_few_shot", max_bootstrapped_demos=3, max_labeled_demos=3),
                    "trainset": data[:25], "devset": data[25:], "metric": "exact_match", "lm": {"provider": "simulated"}},
                   RequestContext(1, lambda m, p: None))
    path = tmp_path / "program.json"
    path.write_text(json.dumps(res["program_state"]))
    load_and_run(path, TOY_SIGNATURE)
    program = plain_program(res["source"])
    program.load(str(path))
    assert len(program.demos) == len(res["program_state"]["demos"])
    assert os.path.getsize(path) > 0
