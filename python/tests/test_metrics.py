from studio_runtime.datasets import TOY_OBJECT_SIGNATURE, TOY_SIGNATURE, toy_dataset
from studio_runtime.context import RequestContext
from studio_runtime.evaluation import evaluate
from studio_runtime.metrics import contains, exact, f1, json_field


def test_field_metrics():
    assert exact("Fruit", " fruit. ") == 1.0 and exact("3", 3) == 1.0 and exact("a", "b") == 0.0
    assert contains("fruit", "it is a fruit") == 1.0 and contains("tool", "fruit") == 0.0
    assert abs(f1("the red apple", "red apple pie") - 2 / 3) < 1e-9
    assert json_field({"a": 1, "b": "x"}, {"a": 1, "b": "y"}) == 0.5
    assert json_field({"a": 1}, '{"a": 1}') == 1.0


def test_evaluate_metrics_and_ids():
    data = toy_dataset(8, seed=11)
    for metric in ("exact_match", "contains", "f1", {"name": "llm_judge"}):
        ctx = RequestContext(1)
        r = evaluate({"program": {"signature": TOY_SIGNATURE}, "dataset": data, "metric": metric,
                      "lm": {"provider": "simulated"}}, ctx)
        assert len(r["scores"]) == 8 and all(0 <= s <= 1 for s in r["scores"])
        assert r["ids"] == [d["id"] for d in data]
        assert abs(r["mean"] - sum(r["scores"]) / 8) < 1e-9
    # the simulated judge compares expected with predicted, so it agrees with exact_match
    em = evaluate({"program": {"signature": TOY_SIGNATURE}, "dataset": data, "metric": "exact_match",
                   "lm": {"provider": "simulated"}}, RequestContext(2))
    judge = evaluate({"program": {"signature": TOY_SIGNATURE}, "dataset": data,
                      "metric": {"name": "llm_judge", "lm": {"provider": "simulated"}},
                      "lm": {"provider": "simulated"}}, RequestContext(3))
    assert judge["scores"] == em["scores"]


def test_json_field_match_on_object_outputs():
    data = toy_dataset(12, seed=12, kind="object")
    r = evaluate({"program": {"signature": TOY_OBJECT_SIGNATURE}, "dataset": data, "metric": "json_field_match",
                  "lm": {"provider": "simulated"}}, RequestContext(1))
    assert all(s in (0.0, 0.25, 0.5, 0.75, 1.0) for s in r["scores"])
    assert any(s == 1.0 for s in r["scores"])
    assert all(isinstance(o["analysis"], dict) for o in r["outputs"])
