"""Metrics: exact_match, contains, f1 (tokens), json_field_match (object outputs), llm_judge.

A metric spec is a name or ``{"name", "fields"?: [output names to score], "threshold"?: float
(pass mark used while optimizers bootstrap demos, default 1.0), "lm"?: judge LM config}``.
Every metric returns a score in [0, 1]: the mean over the scored output fields.
"""

from __future__ import annotations

import json
import re
from collections import Counter

from .errors import InvalidParams

NAMES = ("exact_match", "contains", "f1", "json_field_match", "llm_judge")


def jsonable(value):
    import pydantic

    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def normalize(v):
    """A comparable form of a value: JSON strings parsed, numbers as floats, text lower-cased and trimmed."""
    v = jsonable(v)
    if isinstance(v, str):
        s = v.strip()
        if s[:1] in ("{", "["):  # only these can parse to an object or a list
            try:
                parsed = json.loads(s)
                if isinstance(parsed, (dict, list)):
                    return normalize(parsed)
            except ValueError:
                pass
        low = s.lower().strip(" .\"'")
        if low in ("true", "false"):
            return low == "true"
        try:
            return float(low)
        except ValueError:
            return re.sub(r"\s+", " ", low)
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, list):
        return [normalize(x) for x in v]
    if isinstance(v, dict):
        return {k: normalize(x) for k, x in v.items()}
    return v


def _text(v) -> str:
    v = jsonable(v)
    return v if isinstance(v, str) else json.dumps(v, sort_keys=True)


def _tokens(v) -> list[str]:
    return re.findall(r"\w+", _text(v).lower())


def exact(expected, predicted) -> float:
    return 1.0 if normalize(expected) == normalize(predicted) else 0.0


def contains(expected, predicted) -> float:
    e, p = _text(expected).strip().lower(), _text(predicted).lower()
    return 1.0 if e and e in p else (1.0 if not e and not p else 0.0)


def f1(expected, predicted) -> float:
    e, p = _tokens(expected), _tokens(predicted)
    if not e and not p:
        return 1.0
    common = sum((Counter(e) & Counter(p)).values())
    if not common:
        return 0.0
    prec, rec = common / len(p), common / len(e)
    return 2 * prec * rec / (prec + rec)


def json_field(expected, predicted) -> float:
    e, p = normalize(expected), normalize(predicted)
    if isinstance(e, dict):
        if not e:
            return 1.0
        p = p if isinstance(p, dict) else {}
        return sum(1.0 for k, v in e.items() if k in p and p[k] == v) / len(e)
    return 1.0 if e == p else 0.0


FIELD_FNS = {"exact_match": exact, "contains": contains, "f1": f1, "json_field_match": json_field}


def parse_metric(spec, where: str = "metric") -> dict:
    if spec is None:
        spec = "exact_match"
    if isinstance(spec, str):
        spec = {"name": spec}
    if not isinstance(spec, dict) or spec.get("name") not in NAMES:
        name = spec.get("name") if isinstance(spec, dict) else spec
        raise InvalidParams(f"{where} must be one of {', '.join(NAMES)} (got {name!r})", field=where)
    fields = spec.get("fields")
    if fields is not None and (not isinstance(fields, list) or not all(isinstance(f, str) for f in fields)):
        raise InvalidParams(f"{where}.fields must be a list of output field names", field=f"{where}.fields")
    threshold = spec.get("threshold", 1.0)
    if not isinstance(threshold, (int, float)) or isinstance(threshold, bool):
        raise InvalidParams(f"{where}.threshold must be a number", field=f"{where}.threshold")
    return {**spec, "threshold": float(threshold)}


class Metric:
    """Callable as a DSPy metric ``metric(example, pred, trace=None)``; also ``score()``."""

    def __init__(self, spec: dict, output_fields: list[str], judge_lm=None, on_call=None, notes=None):
        self.spec = spec
        # The labeler's written note per example (keyed by its inputs), quoted in GEPA's feedback.
        self.notes = notes or {}
        self.name = spec["name"]
        self.fields = spec.get("fields") or output_fields
        self.threshold = spec["threshold"]
        self.judge_lm = judge_lm
        self.on_call = on_call
        self._judge = None

    def score(self, example, pred) -> float:
        fields = [f for f in self.fields if f in example]
        if not fields:
            return 0.0
        total = 0.0
        for f in fields:
            got = pred.get(f) if hasattr(pred, "get") else getattr(pred, f, None)
            if self.name == "llm_judge":
                total += self._judge_one(example, f, example[f], got)
            else:
                total += FIELD_FNS[self.name](example[f], got)
        return total / len(fields)

    def _judge_one(self, example, field, expected, predicted) -> float:
        import dspy

        if self._judge is None:
            sig = dspy.Signature({
                "task_inputs": (str, dspy.InputField(desc="the inputs the answer was produced from")),
                "field": (str, dspy.InputField(desc="the output field being judged")),
                "expected": (str, dspy.InputField(desc="the reference answer")),
                "predicted": (str, dspy.InputField(desc="the answer to judge")),
                "score": (float, dspy.OutputField(desc="1.0 when predicted matches expected in meaning, "
                                                       "0.0 when wrong; partial credit in between")),
            }, "Judge whether the predicted answer matches the expected answer.")
            self._judge = dspy.Predict(sig)
        inputs = {k: jsonable(example[k]) for k in example.inputs().keys()}
        kwargs = {"task_inputs": json.dumps(inputs), "field": field, "expected": _text(expected),
                  "predicted": _text(predicted)}
        if self.judge_lm is not None:
            with dspy.context(lm=self.judge_lm):
                out = self._judge(**kwargs)
        else:
            out = self._judge(**kwargs)
        try:
            return max(0.0, min(1.0, float(out.score)))
        except (TypeError, ValueError):
            return 0.0

    def feedback(self, example, pred) -> str:
        """Why an output scored as it did: per scored field, expected against predicted, then the note."""
        from .request import inputs_key

        lines = []
        for f in [f for f in self.fields if f in example]:
            got = pred.get(f) if hasattr(pred, "get") else getattr(pred, f, None)
            want = example[f]
            e, p = normalize(want), normalize(got)
            if self.name == "json_field_match" and isinstance(e, dict):
                p = p if isinstance(p, dict) else {}
                lines.extend(f"{f}.{k}: expected {json.dumps(v)}, got {json.dumps(p[k]) if k in p else 'nothing'}."
                             for k, v in e.items() if p.get(k) != v)
            elif FIELD_FNS.get(self.name, exact)(want, got) < 1.0:
                lines.append(f"{f}: expected {_text(want)!r}, got {_text(got)!r}.")
        text = " ".join(lines) if lines else "Correct: every scored field matches the label."
        note = self.notes.get(inputs_key({k: example[k] for k in example.inputs().keys()}))
        return f"{text} Labeler's note: {note}" if note else text

    def with_feedback(self, gold, pred, trace=None, pred_name=None, pred_trace=None):
        """GEPA's metric: the score and a written feedback (dspy.Prediction(score, feedback))."""
        import dspy

        s = self.score(gold, pred)
        if self.on_call:
            self.on_call(s)
        return dspy.Prediction(score=s, feedback=self.feedback(gold, pred))

    def __call__(self, example, pred, trace=None, *args, **kwargs):
        s = self.score(example, pred)
        if self.on_call:
            self.on_call(s)
        if trace is not None:
            return s >= self.threshold
        return s
