"""Request params -> DSPy objects: the program, examples, the LM, the adapter, the metric, state."""

from __future__ import annotations

import json
import os
import tempfile

from .context import lm_counter
from .errors import InvalidParams
from .metrics import Metric, jsonable, parse_metric


def require(params, key, kind, where=None):
    v = params.get(key)
    if not isinstance(v, kind):
        name = where or key
        raise InvalidParams(f"{name} is required ({_kind_name(kind)})", field=name)
    return v


def _kind_name(kind):
    if kind is dict:
        return "an object"
    if kind is list:
        return "a list"
    return getattr(kind, "__name__", str(kind))


def program_info(params):
    from .programs import load_program

    spec = params.get("program")
    if spec is None:
        raise InvalidParams("program is required", field="program")
    return load_program(spec)


def make_lm(params, ctx, key="lm"):
    from .lms import make_lm as build

    cfg = params.get(key)
    if cfg is None:
        raise InvalidParams(f"{key} is required (an LM config with a provider)", field=key)
    if isinstance(cfg, dict) and isinstance(cfg.get("api_key"), str) and cfg["api_key"]:
        ctx.secrets.append(cfg["api_key"])
    lm = build(cfg, cancel_check=ctx.check, where=key, on_retry=ctx.count_retry, in_flight=ctx.in_flight)
    lm.callbacks = [*(getattr(lm, "callbacks", None) or []), lm_counter(ctx)]  # copies keep it
    return lm


def adapter(params, lm, ctx):
    """The request's adapter: ``params.adapter`` when given, else the LM's ``structured_output``."""
    from .adapters import make_adapter
    from .lms import STRUCTURED_OUTPUT

    name = params.get("adapter") or getattr(lm, "studio", {}).get("structured_output", "chat")
    if name not in STRUCTURED_OUTPUT:
        raise InvalidParams(f"adapter must be one of {', '.join(STRUCTURED_OUTPUT)}", field="adapter")
    return make_adapter(name, ctx.adapter_counts)


def make_metric(params, info, ctx, on_call=None):
    spec = parse_metric(params.get("metric"))
    judge = None
    if spec["name"] == "llm_judge" and spec.get("lm") is not None:
        judge = make_lm(spec, ctx, key="lm")
    return Metric(spec, info.output_fields, judge_lm=judge, on_call=on_call, notes=notes(params, info))


def notes(params, info):
    """The labelers' notes of the training examples (``trainset[i].note``), keyed by their inputs."""
    out = {}
    for i, item in enumerate(params.get("trainset") or []):
        note = item.get("note") if isinstance(item, dict) else None
        if note is None:
            continue
        if not isinstance(note, str):
            raise InvalidParams(f"trainset[{i}].note must be a string", field=f"trainset[{i}].note")
        out[inputs_key({k: item["inputs"][k] for k in info.input_fields})] = note
    return out


def apply_state(program, state, where="program_state"):
    if state is None:
        return
    if not isinstance(state, dict):
        raise InvalidParams(f"{where} must be the JSON object program.save() wrote", field=where)
    fd, path = tempfile.mkstemp(suffix=".json", prefix="studio-state-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(state, f)
        program.load(path)
    except InvalidParams:
        raise
    except Exception as e:
        raise InvalidParams(f"{where} does not fit this program: {e}", field=where) from e
    finally:
        os.unlink(path)


def program_state(program) -> dict:
    """Exactly the JSON ``program.save(path.json)`` writes."""
    fd, path = tempfile.mkstemp(suffix=".json", prefix="studio-state-")
    os.close(fd)
    try:
        program.save(path)
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    finally:
        os.unlink(path)


def inputs_key(inputs: dict) -> str:
    return json.dumps(jsonable(inputs), sort_keys=True)


def examples(items, info, where):
    """``[{id?, inputs, outputs}]`` -> (dspy.Examples, {inputs key: id}, [id per item])."""
    import dspy

    if not isinstance(items, list):
        raise InvalidParams(f"{where} must be a list of {{inputs, outputs}}", field=where)
    out, ids = [], {}
    for i, item in enumerate(items):
        w = f"{where}[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("inputs"), dict):
            raise InvalidParams(f"{w} must be an object with an 'inputs' object", field=w)
        inputs, outputs = item["inputs"], item.get("outputs") or {}
        if not isinstance(outputs, dict):
            raise InvalidParams(f"{w}.outputs must be an object", field=f"{w}.outputs")
        for name in info.input_fields:
            if name not in inputs:
                raise InvalidParams(f"{w}.inputs lacks the input field '{name}'", field=f"{w}.inputs.{name}")
        ex = dspy.Example(**{k: inputs[k] for k in info.input_fields}, **outputs).with_inputs(*info.input_fields)
        out.append(ex)
        if item.get("id") is not None:
            ids[inputs_key({k: inputs[k] for k in info.input_fields})] = item["id"]
    return out, ids, [item.get("id") for item in items]


def predict_outputs(pred) -> dict:
    return {k: jsonable(v) for k, v in pred.items()}
