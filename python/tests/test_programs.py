import json
import os
import subprocess
import sys

import dspy
import pytest

from studio_runtime.datasets import TOY_OBJECT_SIGNATURE, TOY_SIGNATURE, toy_dataset
from studio_runtime.errors import InvalidParams
from studio_runtime.context import RequestContext
from studio_runtime.evaluation import run
from studio_runtime.methods import export_source
from studio_runtime.programs import load_program
from studio_runtime.simulated_lm import make_simulated_lm

CHAIN = {"kind": "chain", "name": "label then count", "steps": [
    {"name": "classify", "module": "chain_of_thought", "signature": TOY_SIGNATURE},
    {"name": "count", "module": "predict", "signature": {
        "input_fields": [{"name": "text", "type": "string"}, {"name": "label", "type": "string"}],
        "output_fields": [{"name": "count", "type": "integer"}, {"name": "words", "type": "array", "items": "string"}],
        "instructions": "Count the words of that category."}},
]}


def test_step_program_generated_imported():
    info = load_program({"kind": "step", "name": "classify", "module": "predict", "signature": TOY_SIGNATURE})
    assert os.path.exists(info.path)
    assert open(info.path).read() == info.source
    p = info.build()
    assert isinstance(p, dspy.Predict)
    assert "dspy.Signature(" in info.source and "def build_program" in info.source
    cot = load_program({"kind": "step", "module": "chain_of_thought", "signature": TOY_SIGNATURE}).build()
    assert isinstance(cot, dspy.ChainOfThought)


def test_chain_feeds_by_field_name():
    info = load_program(CHAIN)
    assert info.input_fields == ["text"]
    assert info.output_fields == ["label", "count", "words"]
    p = info.build()
    assert isinstance(p, dspy.Module)
    assert [n for n, _ in p.named_predictors()] == ["classify.predict", "count"]
    with dspy.context(lm=make_simulated_lm()):
        out = p(text="apple pear plum otter")
    assert out.label in ("fruit", "animal", "color", "tool")
    assert isinstance(out.count, int) and isinstance(out.words, list)


def test_run_method_object_output_and_reasoning():
    ctx = RequestContext(1)
    ex = toy_dataset(1, seed=5, kind="object")[0]
    r = run({"program": {"module": "chain_of_thought", "signature": TOY_OBJECT_SIGNATURE}, "inputs": ex["inputs"],
             "lm": {"provider": "simulated"}}, ctx)
    a = r["outputs"]["analysis"]
    assert set(a) == {"label", "count", "share", "words"} and 0 <= a["share"] <= 1
    assert isinstance(r["outputs"]["reasoning"], str)
    assert r["lm_calls"] == 1 and r["usage"]


def test_dummy_lm_through_run():
    r = run({"program": {"signature": TOY_SIGNATURE}, "inputs": {"text": "x"},
             "lm": {"provider": "dummy", "answers": [{"label": "fruit"}]}}, RequestContext(1))
    assert r["outputs"] == {"label": "fruit"}
    r = run({"program": {"module": "chain_of_thought", "signature": TOY_SIGNATURE}, "inputs": {"text": "x"},
             "lm": {"provider": "dummy", "answers": [{"reasoning": "r", "label": "tool"}]}}, RequestContext(2))
    assert r["outputs"]["label"] == "tool"


def test_invalid_program_names_field():
    with pytest.raises(InvalidParams) as e:
        load_program({"kind": "chain", "steps": [{"name": "a", "module": "react", "signature": TOY_SIGNATURE}]})
    assert e.value.data["field"] == "program.steps[0].module"
    with pytest.raises(InvalidParams) as e:
        load_program({"kind": "chain", "steps": [{"name": "a", "signature": {
            "input_fields": [{"name": "q"}], "output_fields": [{"name": "z", "type": "blob"}]}}]})
    assert e.value.data["field"] == "z" and e.value.data["step"] == "a"
    with pytest.raises(InvalidParams) as e:
        run({"program": {"signature": TOY_SIGNATURE}, "inputs": {}, "lm": {"provider": "simulated"}}, RequestContext(1))
    assert e.value.data["field"] == "inputs.text"


def test_exported_source_runs_standalone(tmp_path):
    src = export_source({"program": CHAIN}, RequestContext(1))["source"]
    path = tmp_path / "exported.py"
    path.write_text(src)
    script = f"""
import json, runpy, dspy
from dspy.utils import DummyLM
ns = runpy.run_path({str(path)!r})
p = ns["build_program"]()
lm = DummyLM([{{"reasoning": "r", "label": "fruit"}}, {{"count": 2, "words": ["apple", "pear"]}}])
with dspy.context(lm=lm):
    out = p(text="apple pear")
print(json.dumps({{"label": out.label, "count": out.count, "words": out.words}}))
"""
    env = {"PATH": os.environ["PATH"], "DSPY_CACHEDIR": str(tmp_path / "cache"), "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    r = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout.strip().splitlines()[-1]) == {"label": "fruit", "count": 2, "words": ["apple", "pear"]}
    r = subprocess.run([sys.executable, "-I", str(path), "--help"], capture_output=True, text=True, env=env,
                       timeout=120)
    assert r.returncode == 0 and "--lm" in r.stdout


HOSTILE = 'x"""\nimport os\nos.system("touch pwned")\n"""\'\\'


def test_generated_source_escapes_every_embedded_string(tmp_path):
    import ast

    from studio_runtime.programs import generate_source

    sig = {"input_fields": [{"name": "text", "description": HOSTILE}],
           "output_fields": [{"name": "label", "type": "object", "schema": {
               "type": "object", "description": HOSTILE, "properties": {
                   HOSTILE: {"type": "string", "description": HOSTILE}}}}],
           "instructions": HOSTILE}
    for spec in ({"kind": "step", "name": HOSTILE, "signature": sig},
                 {"kind": "chain", "name": "1" + HOSTILE, "steps": [{"name": "a", "signature": sig}]}):
        source, _ = generate_source(spec)
        tree = ast.parse(source)
        assert repr(spec["name"]) in ast.get_docstring(tree)
        assert [type(n).__name__ for n in tree.body if isinstance(n, ast.Expr)] == ["Expr"]  # only the docstring
        assert not any(isinstance(n, ast.Call) and getattr(n.func, "attr", None) == "system" for n in ast.walk(tree))
        path = tmp_path / "p.py"
        path.write_text(source)
        subprocess.run([sys.executable, "-c", f"import runpy; runpy.run_path({str(path)!r})"], cwd=tmp_path, check=True,
                       capture_output=True, timeout=120)
        assert not (tmp_path / "pwned").exists()
