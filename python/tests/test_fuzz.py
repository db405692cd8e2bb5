"""Property-based fuzzing (Hypothesis) of what the runtime takes from outside: JSON-RPC frames and
program specs. Each case must end in a reply or an InvalidParams, never a crash, within a deadline.
Hypothesis prints the falsifying example and a reproduce blob on failure."""
import ast
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio_runtime import server
from studio_runtime.errors import InvalidParams
from studio_runtime.programs import generate_source

from helpers import FUZZ_COUNTS

FUZZ = settings(max_examples=1500, deadline=5000, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow])


def count(name):
    FUZZ_COUNTS[name] = FUZZ_COUNTS.get(name, 0) + 1


json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
frame_object = st.fixed_dictionaries({}, optional={
    "jsonrpc": st.sampled_from(["2.0", "1.0", 2]) | json_value,
    "id": st.integers() | st.text(max_size=6) | st.none() | st.booleans() | st.floats(),
    "method": st.sampled_from(["echo", "cancel", "shutdown", "nope", "", "__class__"]) | json_value,
    "params": json_value | st.dictionaries(st.sampled_from(["request_id", "seconds", "x"]), json_value),
})
frames = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")),
    frame_object.map(lambda o: json.dumps(o).encode()),
    st.integers(min_value=1, max_value=5000).map(lambda n: b'{"jsonrpc":"2.0","id":1,"method":"echo","params":{"a":'
                                                  + b"[" * n + b"]" * n + b"}}"),
)


@FUZZ
@given(frame=frames)
def test_any_frame_gets_at_most_one_well_formed_reply(frame, monkeypatch_module):
    count("server.frames")
    out = io.BytesIO()
    srv = server.Server(out, None, max_workers=1)
    try:
        srv.handle(frame)
    finally:
        srv.pool.shutdown(wait=True)
    lines = out.getvalue().splitlines()
    assert len(lines) <= 1
    for line in lines:
        reply = json.loads(line)
        assert reply["jsonrpc"] == "2.0" and ("result" in reply) != ("error" in reply)
        if "error" in reply:
            assert isinstance(reply["error"]["code"], int) and isinstance(reply["error"]["message"], str)


@pytest.fixture(scope="module")
def monkeypatch_module():
    # Only inline, side-effect-free methods: the fuzz must not start optimizers or sleep.
    mp = pytest.MonkeyPatch()
    mp.setattr(server, "METHODS", {"echo": lambda params, ctx: {"echo": params}})
    mp.setattr(server, "INLINE", {"echo"})
    yield mp
    mp.undo()


name = st.text(max_size=12) | st.sampled_from(["question", "answer", "a b", "1x", "class", "forward", '"""', "x'y"])
field = st.fixed_dictionaries({"name": name}, optional={
    "type": st.sampled_from(["string", "number", "integer", "boolean", "array", "object", "nope"]),
    "description": st.text(max_size=30) | json_value,
    "items": st.sampled_from(["string", "number", "object", "bogus"]) | json_value,
    "schema": st.fixed_dictionaries({"type": st.just("object")}, optional={
        "properties": st.dictionaries(st.text(max_size=8), st.fixed_dictionaries(
            {"type": st.sampled_from(["string", "integer", "number", "boolean"])},
            optional={"description": st.text(max_size=20), "minimum": json_value, "pattern": json_value}), max_size=3),
        "required": st.lists(st.text(max_size=8), max_size=2), "description": st.text(max_size=20)}),
})
signature = st.fixed_dictionaries({"input_fields": st.lists(field, max_size=3), "output_fields": st.lists(field, max_size=3)},
                                  optional={"instructions": st.text(max_size=40) | json_value})
step = st.fixed_dictionaries({"signature": signature}, optional={
    "name": name, "module": st.sampled_from(["predict", "chain_of_thought", "react"]) | json_value})
program = st.one_of(
    step.map(lambda s: {**s, "kind": "step"}),
    st.fixed_dictionaries({"kind": st.just("chain"), "steps": st.lists(step, max_size=3)}, optional={"name": name | json_value}),
    json_value,
)


@FUZZ
@given(spec=program)
def test_any_program_spec_is_refused_by_field_or_compiles_with_nothing_but_its_docstring_as_an_expression(spec):
    count("programs.generate_source")
    try:
        source, _ = generate_source(spec)
    except InvalidParams as e:
        assert e.field
        return
    tree = ast.parse(source)
    compile(tree, "<generated>", "exec")
    assert [type(n).__name__ for n in tree.body if isinstance(n, ast.Expr)] == ["Expr"]
    assert isinstance(tree.body[0], ast.Expr) and isinstance(tree.body[0].value, ast.Constant)
