"""`run` returns the LM calls DSPy really made: messages, outputs and tokens per call."""
from studio_runtime.context import RequestContext
from studio_runtime.datasets import TOY_SIGNATURE
from studio_runtime.evaluation import run

CHAIN = {"kind": "chain", "name": "two", "steps": [
    {"kind": "step", "name": "first", "module": "predict", "signature": TOY_SIGNATURE},
    {"kind": "step", "name": "second", "module": "predict", "signature": {
        "input_fields": [{"name": "label"}], "output_fields": [{"name": "verdict"}]}}]}


def test_history_holds_the_messages_sent_and_the_tokens():
    r = run({"program": {"signature": TOY_SIGNATURE}, "inputs": {"text": "apple pear plum"},
             "lm": {"provider": "simulated"}}, RequestContext(1))
    [call] = r["history"]
    assert call["model"] == "simulated/toy"
    roles = [m["role"] for m in call["messages"]]
    assert roles == ["system", "user"]
    assert "Label the text." in call["messages"][0]["content"]
    assert "apple pear plum" in call["messages"][1]["content"]
    assert r["outputs"]["label"] in call["outputs"][0]
    usage = r["usage"]["simulated/toy"]
    assert call["prompt_tokens"] == usage["prompt_tokens"] > 0
    assert call["completion_tokens"] == usage["completion_tokens"] > 0


def test_history_has_one_entry_per_lm_call_of_a_chain():
    r = run({"program": CHAIN, "inputs": {"text": "x"},
             "lm": {"provider": "dummy", "answers": [{"label": "fruit"}, {"verdict": "ok"}]}}, RequestContext(1))
    assert r["lm_calls"] == 2 and len(r["history"]) == 2
    assert "fruit" in r["history"][1]["messages"][-1]["content"]


def test_history_hides_the_key():
    ctx = RequestContext(1)
    ctx.secrets.append("sk-SECRET")
    r = run({"program": {"signature": TOY_SIGNATURE}, "inputs": {"text": "my key is sk-SECRET"},
             "lm": {"provider": "simulated"}}, ctx)
    assert "sk-SECRET" not in str(r["history"]) and "***" in r["history"][0]["messages"][1]["content"]
