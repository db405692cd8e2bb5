"""A deterministic simulated LM whose accuracy depends on the prompt's demos and instruction.

It reads DSPy's adapter prompts (ChatAdapter ``[[ ## name ## ]]`` sections or JSONAdapter),
finds the output fields (with types and JSON schemas) in the system message, and answers:

- the toy task of ``datasets.py`` (majority category of the words in the input): correctly with
  probability ``p = 0.25 + instruction bonus (<= 0.3) + demo bonus (<= ~0.5) + 0.05 for reasoning``,
  decided by a hash of (input, instruction, demo set), so it is deterministic and a program with
  good demos close to its input (BootstrapFewShot, MIPROv2) or a better instruction (COPRO, MIPROv2)
  scores higher;
- instruction-proposal and other meta fields (COPRO, MIPROv2 proposers) with plausible text that
  varies with the call (temperature, rollout id, completion index);
- a judge signature (inputs ``expected`` and ``predicted``) by comparing the two;
- ``reasoning`` with a short plausible rationale; object fields with JSON matching the schema.

``SimulatedBrain.respond(messages)`` is shared with the fake provider HTTP servers.
"""

from __future__ import annotations

import json
import re
import threading
import time

from .datasets import stable_hash, truth_value, unit, words_of, wrong_value
from .metrics import normalize

SECTION = re.compile(r"\[\[ ## (\w+) ## \]\]\n(.*?)(?=\n*\[\[ ## \w+ ## \]\]|\n\nRespond with|\Z)", re.S)
SCHEMA_NOTE = "# note: the value you produce must adhere to the JSON schema: "
GOOD_WORDS = ("carefully", "step by step", "majority", "category", "most")
META_WORDS = ("instruction", "prefix", "description", "summary", "observation", "proposed", "tip",
              "feedback", "program", "module", "dataset", "rationale", "explanation", "thought")
PHRASES = [
    "Read every word carefully, then: {base}",
    "{base} Decide which category most of the words belong to.",
    "Think step by step. {base}",
    "{base} Be concise.",
    "{base} Answer with the majority category of the words; check carefully.",
    "Consider the examples first. {base}",
    "{base} Reply with one word.",
]
HINTS = (
    "Decide which category most of the words belong to.",
    "Read every word carefully.",
    "Think step by step.",
    "Answer with the majority category.",
)
NOTE = re.compile(r"Labeler's note: ((?:[^\"\\\n]|\\.)*)")


def _content(message) -> str:
    c = message.get("content", "")
    if isinstance(c, list):
        return "".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in c)
    return str(c or "")


def parse_sections(text: str) -> dict[str, str]:
    return {m.group(1): m.group(2).strip() for m in SECTION.finditer(text)}


def _deref(schema, defs):
    if isinstance(schema, dict):
        if "$ref" in schema:
            name = schema["$ref"].split("/")[-1]
            return _deref(defs.get(name, {}), defs)
        if "anyOf" in schema:
            alts = [a for a in schema["anyOf"] if not (isinstance(a, dict) and a.get("type") == "null")]
            if alts:
                return _deref(alts[0], defs)
        return {k: _deref(v, defs) for k, v in schema.items() if k != "$defs"}
    if isinstance(schema, list):
        return [_deref(x, defs) for x in schema]
    return schema


def parse_output_fields(system: str) -> list[dict]:
    """[{name, type: str|int|float|bool|list|object, schema}] from the adapter's system message."""
    m = re.search(r"Your output fields are:\n(.*?)(?:\nAll interactions|\Z)", system, re.S)
    if not m:
        return []
    fields = []
    for line in m.group(1).splitlines():
        lm = re.match(r"^\d+\. `(\w+)` \((.*?)\):?", line)
        if not lm:
            continue
        name, tt = lm.group(1), lm.group(2).strip()
        if tt == "str" or tt.startswith("Literal"):
            typ = "str"
        elif tt in ("int", "float", "bool"):
            typ = tt
        elif tt.startswith("list"):
            typ = "list"
        else:
            typ = "object"
        fields.append({"name": name, "type": typ, "schema": None})
    for f in fields:
        marker = "{" + f["name"] + "}"
        idx = system.find(marker)
        while idx >= 0:
            line_end = system.find("\n", idx)
            line = system[idx: line_end if line_end >= 0 else len(system)]
            j = line.find(SCHEMA_NOTE)
            if j >= 0:
                try:
                    raw, _ = json.JSONDecoder().raw_decode(line[j + len(SCHEMA_NOTE):])
                    f["schema"] = _deref(raw, raw.get("$defs", {}) if isinstance(raw, dict) else {})
                    if f["type"] == "object" and isinstance(f["schema"], dict) and f["schema"].get("type") == "array":
                        f["type"] = "list"
                except ValueError:
                    pass
                break
            idx = system.find(marker, idx + 1)
    return fields


def _fmt(value, typ) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, (list, dict)):
        return json.dumps(value)
    return str(value)


class SimulatedBrain:
    """The answering logic (no DSPy dependency)."""

    def __init__(self, base_p: float = 0.25):
        self.base_p = base_p

    # -- prompt analysis ---------------------------------------------------------------
    def analyse(self, messages: list[dict]):
        system = "\n".join(_content(m) for m in messages if m.get("role") == "system")
        turns = [m for m in messages if m.get("role") != "system"]
        json_mode = "Outputs will be a JSON object" in system
        out_fields = parse_output_fields(system)
        m = re.search(r"your objective is:\s*(.*)\Z", system, re.S)
        instruction = m.group(1).strip() if m else ""
        last_user = _content(turns[-1]) if turns else ""
        inputs = parse_sections(last_user)
        demos = []
        for u, a in zip(turns[:-1:2], turns[1:-1:2]):
            if u.get("role") != "user" or a.get("role") != "assistant":
                continue
            d_in = parse_sections(_content(u))
            d_out = parse_sections(_content(a))
            if not d_out:
                try:
                    d_out = {k: v if isinstance(v, str) else json.dumps(v)
                             for k, v in json.loads(_content(a)).items()}
                except (ValueError, AttributeError):
                    d_out = {}
            demos.append((d_in, d_out))
        return {"system": system, "json_mode": json_mode, "fields": out_fields, "instruction": instruction,
                "inputs": inputs, "demos": demos, "raw": last_user}

    @staticmethod
    def input_text(inputs: dict) -> str:
        if "text" in inputs:
            return inputs["text"]
        return " ".join(v for k, v in inputs.items())

    def probability(self, a) -> float:
        text = self.input_text(a["inputs"])
        ins = a["instruction"].lower()
        p = self.base_p + min(0.3, 0.1 * sum(1 for w in GOOD_WORDS if w in ins))
        task_fields = [f for f in a["fields"] if f["name"] != "reasoning"]
        good, best_sim = 0, 0.0
        mine = set(words_of(text))
        for d_in, d_out in a["demos"]:
            dtext = self.input_text(d_in)
            ok = bool(task_fields)
            for f in task_fields:
                if f["name"] not in d_out:
                    ok = False
                    break
                want = truth_value(f["name"], f["type"], f["schema"], dtext)
                if not _same(d_out[f["name"]], want):
                    ok = False
                    break
            if ok:
                good += 1
                theirs = set(words_of(dtext))
                if mine | theirs:
                    best_sim = max(best_sim, len(mine & theirs) / len(mine | theirs))
        p += 0.07 * min(good, 4) + 0.25 * best_sim
        if any(f["name"] == "reasoning" for f in a["fields"]):
            p += 0.05
        return min(p, 0.97)

    # -- answering ---------------------------------------------------------------------
    def respond(self, messages: list[dict], n: int = 1, variant: str = "", rollout=None) -> list[str]:
        a = self.analyse(messages)
        if not a["fields"]:
            text = self.input_text(a["inputs"]) if a["inputs"] else (
                _content(messages[-1]) if messages else "")
            return [f"The words in '{text[:80]}' mostly belong to the {truth_value('label', 'str', None, text)} "
                    f"category." for _ in range(n)]
        return [self._answer(a, i, variant, rollout) for i in range(n)]

    def _answer(self, a, index: int, variant: str, rollout=None) -> str:
        inputs = a["inputs"]
        text = self.input_text(inputs)
        demo_key = "|".join(sorted(self.input_text(d) for d, _ in a["demos"]))
        # A sampled rollout (SIMBA's) is an independent draw at the same accuracy.
        draw = ("sim", text, a["instruction"], demo_key) + (() if rollout is None else (rollout,))
        correct = unit(*draw) < self.probability(a)
        judge = "expected" in inputs and "predicted" in inputs
        values = {}
        for f in a["fields"]:
            name, typ, schema = f["name"], f["type"], f["schema"]
            if judge and name != "reasoning":
                same = _same(inputs["predicted"], _loads(inputs["expected"]))
                values[name] = {"bool": same, "int": int(same), "float": 1.0 if same else 0.0}.get(
                    typ, "yes" if same else "no")
            elif name == "reasoning":
                label = truth_value("label", "str", None, text) if correct else wrong_value("label", "str", None, text)
                values[name] = f"The input mentions: {', '.join(words_of(text)[:8]) or 'nothing'}. " \
                               f"Most of these words are {label} words."
            elif name == "module_advice" and "module_names" in inputs:
                # SIMBA's rule proposal: one tip per module, learned from a better and a worse trajectory.
                values[name] = {m: HINTS[stable_hash("advice", a["raw"], variant) % len(HINTS)]
                                for m in _loads(inputs["module_names"]) or []}
            elif typ == "str" and any(w in name.lower() for w in META_WORDS):
                values[name] = self._meta(name, inputs, a, index, variant)
            else:
                values[name] = (truth_value if correct else wrong_value)(name, typ, schema, text)
        if a["json_mode"]:
            return json.dumps(values)
        parts = [f"[[ ## {k} ## ]]\n{_fmt(v, None)}" for k, v in values.items()]
        return "\n\n".join(parts) + "\n\n[[ ## completed ## ]]"

    def _meta(self, name: str, inputs: dict, a, index: int, variant: str) -> str:
        lname = name.lower()
        h = stable_hash("meta", name, a["raw"], index, variant)
        if "prefix" in lname:
            return "Answer:"
        if "instruction" in lname and "examples_with_feedback" in inputs:
            return self._reflect(inputs.get("current_instruction", ""), inputs["examples_with_feedback"], variant)
        if "instruction" in lname:
            base = inputs.get("basic_instruction") or inputs.get("instruction") or "Label the text."
            base = base.strip().strip('"')
            return PHRASES[h % len(PHRASES)].format(base=base)
        if "description" in lname or "summary" in lname or "observation" in lname:
            return ("The task gives a few words (fruits, animals, colors, tools) and asks which "
                    "category most of them belong to.")
        return "Look at each word, map it to its category, and pick the most frequent category."

    @staticmethod
    def _reflect(current: str, feedback: str, variant: str) -> str:
        """GEPA's reflection: when the feedback shows mistakes, add one helpful hint the instruction
        lacks (chosen by a hash of the call) and quote the labelers' notes it does not hold yet."""
        current = current.strip().strip('"')
        if "expected" not in feedback:
            return current
        lacking = [h for h in HINTS if not any(w in current.lower() for w in GOOD_WORDS if w in h.lower())]
        out = current
        if lacking:
            out = f"{out} {lacking[stable_hash('reflect', current, feedback, variant) % len(lacking)]}"
        for note in dict.fromkeys(n.strip() for n in NOTE.findall(feedback)):
            if note and note not in out:
                out = f"{out} Reviewer note: {note}"
        return out


def _loads(s):
    try:
        return json.loads(s)
    except (TypeError, ValueError):
        return s


def _same(a, b) -> bool:
    return normalize(a) == normalize(b)


# -- the DSPy LM ---------------------------------------------------------------------------
def make_simulated_lm(latency_ms: float = 0, model: str = "simulated/toy", base_p: float = 0.25,
                      cancel_check=None, faults=None, policy=None):
    """A ``dspy.BaseLM`` answering with ``SimulatedBrain``, with the fault modes of ``faults.Faults``;
    its calls go through ``policy`` (a ``request_policy.RequestPolicy``) when given."""
    from .faults import Faults
    from .request_policy import PolicyCalls

    from dspy.clients.base_lm import BaseLM

    class SimulatedLM(PolicyCalls, BaseLM):
        def __init__(self):
            super().__init__(model, "chat", 0.0, 1000, False, num_retries=0)
            self.brain = SimulatedBrain(base_p)
            self.faults = Faults(faults)
            self.policy = policy
            self.endpoint = "the simulated model"
            self.latency_ms = latency_ms
            self.cancel_check = cancel_check
            self._engine_spec = SimulatedEngine(self)
            self._async_engine_spec = AsyncSimulatedEngine(self._engine_spec)
            self._cache_responses = False
            self.counter_lock = threading.Lock()
            self.sampled_calls = 0

        def forward(self, prompt=None, messages=None, **kwargs):
            from dspy.clients.execution import execute, prepare

            return execute(self, prepare(self, prompt, messages, kwargs, direct=True)).provider_response()

        async def aforward(self, prompt=None, messages=None, **kwargs):
            return self.forward(prompt=prompt, messages=messages, **kwargs)

        def copy(self, **kwargs):
            copied = super().copy(**kwargs)
            copied._engine_spec = SimulatedEngine(copied)
            copied._async_engine_spec = AsyncSimulatedEngine(copied._engine_spec)
            copied.counter_lock = threading.Lock()
            return copied

    return SimulatedLM()


class SimulatedEngine:
    def __init__(self, owner):
        self.owner = owner

    def _wait(self):
        if self.owner.cancel_check:
            self.owner.cancel_check()
        if self.owner.latency_ms:
            time.sleep(self.owner.latency_ms / 1000.0)
            if self.owner.cancel_check:
                self.owner.cancel_check()

    def _response(self, text: str, prompt_chars: int, finish_reason: str = "stop"):
        from dspy.lm15 import Message, Response, TextPart, Usage

        pin, pout = max(1, prompt_chars // 4), max(1, len(text) // 4)
        return Response(id=None, model=self.owner.model, message=Message.assistant([TextPart(text)]),
                        finish_reason=finish_reason, usage=Usage(input_tokens=pin, output_tokens=pout, total_tokens=pin + pout))

    def complete(self, request):
        from dspy.utils.exceptions import LMRateLimitError, LMServerError, LMTransportError

        faults = self.owner.faults
        self._wait()
        fault = faults.next_request_fault()
        if fault == "drop":
            raise LMTransportError("simulated dropped connection", model=self.owner.model)
        if fault == 429:
            raise LMRateLimitError("simulated 429", model=self.owner.model, status=429, retry_after=faults.retry_after_s)
        if fault is not None:
            raise LMServerError(f"simulated HTTP {fault}", model=self.owner.model, status=fault)
        if faults.first_token_s:
            time.sleep(faults.first_token_s)
        messages = []
        if request.system is not None:
            system = request.system if isinstance(request.system, str) else "".join(p.text for p in request.system)
            messages.append({"role": "system", "content": system})
        messages.extend({"role": m.role, "content": m.text or ""} for m in request.messages)
        # n completions arrive as n identical requests; vary sampled (temperature > 0) calls by a
        # per-LM counter so proposers get distinct candidates (deterministic when single-threaded).
        temperature = getattr(getattr(request, "config", None), "temperature", None)
        variant = ""
        if temperature:
            with self.owner.counter_lock:
                self.owner.sampled_calls += 1
                variant = f"{temperature}|{self.owner.sampled_calls}"
        text = self.owner.brain.respond(messages, 1, variant, self.owner.kwargs.get("rollout_id"))[0]
        prompt = "\n".join(m["content"] for m in messages)
        last_user = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
        config = getattr(request, "config", None)
        text, finish = faults.answer(text, prompt, last_user, getattr(config, "max_tokens", None))
        return self._response(text, len(prompt), finish)

    def stream(self, request):
        from dspy.lm15 import response_to_events

        return response_to_events(self.complete(request))

    def close(self):
        pass


class AsyncSimulatedEngine:
    def __init__(self, sync):
        self.sync = sync

    async def complete(self, request):
        return self.sync.complete(request)

    async def stream(self, request):
        for event in self.sync.stream(request):
            yield event

    async def aclose(self):
        pass
