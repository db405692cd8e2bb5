"""The toy task the simulated LM understands, and a deterministic dataset generator.

Task ("majority category"): the input ``text`` is a handful of words, each from one of four
categories (fruit, animal, color, tool); the answer ``label`` is the category most of the words
belong to. Other output types derive from the same facts (see ``truth_value``):
integer -> how many words are in the majority category, number -> that count / word count,
boolean -> whether the majority is strict (> half), array -> the majority-category words,
object -> each property by its own type (or by name: label/category, count, share, words).

The simulated LM knows the rule only with a probability that rises with good demos close to the
input and with a helpful instruction, so DSPy optimizers measurably improve its score.
"""

from __future__ import annotations

import hashlib
import random
import re

CATEGORIES = {
    "fruit": ["apple", "banana", "cherry", "mango", "pear", "plum", "grape", "lemon"],
    "animal": ["otter", "falcon", "badger", "lynx", "heron", "moose", "gecko", "walrus"],
    "color": ["crimson", "teal", "amber", "violet", "indigo", "ochre", "ivory", "olive"],
    "tool": ["hammer", "chisel", "wrench", "saw", "pliers", "drill", "trowel", "ladle"],
}
WORD_CATEGORY = {w: c for c, ws in CATEGORIES.items() for w in ws}
LABELS = list(CATEGORIES)

TOY_SIGNATURE = {
    "input_fields": [{"name": "text", "type": "string", "description": "a few words"}],
    "output_fields": [{"name": "label", "type": "string",
                       "description": "one of: fruit, animal, color, tool"}],
    "instructions": "Label the text.",
}

TOY_OBJECT_SIGNATURE = {
    "input_fields": [{"name": "text", "type": "string", "description": "a few words"}],
    "output_fields": [{
        "name": "analysis", "type": "object", "description": "the majority category and its size",
        "schema": {"type": "object", "properties": {
            "label": {"type": "string", "enum": LABELS},
            "count": {"type": "integer", "minimum": 0},
            "share": {"type": "number", "minimum": 0, "maximum": 1},
            "words": {"type": "array", "items": {"type": "string"}},
        }, "required": ["label", "count", "share", "words"]},
    }],
    "instructions": "Analyse the text.",
}


def stable_hash(*parts) -> int:
    h = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(h[:8], "big")


def unit(*parts) -> float:
    """A deterministic number in [0, 1) from ``parts``."""
    return stable_hash(*parts) / 2**64


def words_of(text: str) -> list[str]:
    return re.findall(r"[a-z]+", str(text).lower())


def analyse(text: str) -> dict:
    ws = [w for w in words_of(text) if w in WORD_CATEGORY]
    if not ws:
        all_ws = words_of(text)
        label = LABELS[stable_hash(text) % len(LABELS)]
        return {"label": label, "count": 0, "share": 0.0, "words": [], "n": len(all_ws)}
    counts = {c: 0 for c in LABELS}
    for w in ws:
        counts[WORD_CATEGORY[w]] += 1
    best = max(LABELS, key=lambda c: (counts[c], -LABELS.index(c)))
    return {"label": best, "count": counts[best], "share": round(counts[best] / len(ws), 4),
            "words": [w for w in ws if WORD_CATEGORY[w] == best], "n": len(ws)}


def _by_name(name: str):
    n = name.lower()
    if any(k in n for k in ("label", "category", "class", "answer")):
        return "label"
    if "count" in n or n.startswith("num"):
        return "count"
    if "share" in n or "ratio" in n or "fraction" in n or "score" in n:
        return "share"
    if "word" in n or "items" in n or "list" in n:
        return "words"
    return None


def truth_value(name: str, typ: str, schema: dict | None, text: str):
    """The correct value of an output field ``name`` of type ``typ`` ('str', 'int', 'float', 'bool',
    'list', 'object') for the input ``text``."""
    a = analyse(text)
    if typ == "object":
        props = (schema or {}).get("properties") or {}
        return {p: truth_value(p, json_type(s), s, text) for p, s in props.items()}
    if typ == "int":
        return a["count"]
    if typ == "float":
        return a["share"]
    if typ == "bool":
        return a["count"] * 2 > max(a["n"], 1)
    if typ == "list":
        return list(a["words"])
    key = _by_name(name)
    if key in ("count", "share"):
        return str(a[key])
    if key == "words":
        return ", ".join(a["words"])
    if isinstance(schema, dict) and isinstance(schema.get("enum"), list) and a["label"] not in schema["enum"]:
        return schema["enum"][stable_hash(text) % len(schema["enum"])]
    return a["label"]


def wrong_value(name: str, typ: str, schema: dict | None, text: str):
    """A plausible but wrong value (deterministic)."""
    right = truth_value(name, typ, schema, text)
    if typ == "object":
        props = (schema or {}).get("properties") or {}
        return {p: wrong_value(p, json_type(s), s, text) for p, s in props.items()}
    if typ == "int":
        return right + 1
    if typ == "float":
        return round(right / 2, 4)
    if typ == "bool":
        return not right
    if typ == "list":
        return list(reversed(right))[:-1] if right else ["unknown"]
    if isinstance(schema, dict) and isinstance(schema.get("enum"), list) and len(schema["enum"]) > 1:
        others = [v for v in schema["enum"] if v != right]
        return others[stable_hash("wrong", text) % len(others)]
    if right in LABELS:
        others = [c for c in LABELS if c != right]
        return others[stable_hash("wrong", text) % len(others)]
    return f"not {right}"


def json_type(schema) -> str:
    if not isinstance(schema, dict):
        return "str"
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), "string")
    if t is None and "properties" in schema:
        t = "object"
    return {"string": "str", "integer": "int", "number": "float", "boolean": "bool",
            "array": "list", "object": "object"}.get(t, "str")


def make_text(rng: random.Random) -> str:
    """3 to 6 words; one category holds a strict plurality."""
    n = rng.randint(3, 6)
    major = rng.choice(LABELS)
    k = n // 2 + 1
    ws = rng.sample(CATEGORIES[major], k)
    others = [c for c in LABELS if c != major]
    for _ in range(n - k):
        c = rng.choice(others)
        ws.append(rng.choice(CATEGORIES[c]))
    rng.shuffle(ws)
    return " ".join(ws)


def toy_dataset(n: int = 40, seed: int = 0, kind: str = "label") -> list[dict]:
    """``n`` examples ``{"id", "inputs": {"text"}, "outputs": {...}}`` for TOY_SIGNATURE
    (``kind='label'``) or TOY_OBJECT_SIGNATURE (``kind='object'``)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        text = make_text(rng)
        if kind == "object":
            schema = TOY_OBJECT_SIGNATURE["output_fields"][0]["schema"]
            outputs = {"analysis": truth_value("analysis", "object", schema, text)}
        else:
            outputs = {"label": truth_value("label", "str", None, text)}
        out.append({"id": f"toy-{seed}-{i}", "inputs": {"text": text}, "outputs": outputs})
    return out


def split(dataset: list[dict], n_train: int) -> tuple[list[dict], list[dict]]:
    return dataset[:n_train], dataset[n_train:]
