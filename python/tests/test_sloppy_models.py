"""The sloppy-model test double: every fault mode against run / evaluate / optimize, through the
simulated LM and through a real dspy.LM pointed at the fake OpenAI-compatible server."""
import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from helpers import resolved
from studio_runtime.context import RequestContext
from studio_runtime.datasets import TOY_SIGNATURE, toy_dataset
from studio_runtime.errors import InvalidParams, LMError, RpcError
from studio_runtime.evaluation import evaluate, run
from studio_runtime.optimizers import optimize
from studio_runtime.request_policy import _reserve
from studio_runtime.testing.fake_providers import FakeProviderServer

PROGRAM = {"kind": "step", "module": "predict", "signature": TOY_SIGNATURE}
DATA = toy_dataset(24, seed=5)
INPUTS = {"text": "apple pear plum otter"}


@pytest.fixture(scope="module")
def server():
    s = FakeProviderServer("openai").start()
    yield s
    s.stop()


def faults(server, cfg):
    req = urllib.request.Request(server.url + "/_faults", data=json.dumps(cfg).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=10).read()


def openai_lm(server, **extra):
    return {"provider": "openai_compatible", "model": "tiny", "api_base": server.url + "/v1", "max_tokens": 256,
            "timeout_s": 5, "num_retries": 2, **extra}


def test_a_timed_out_request_is_closed_before_its_retry(server):
    faults(server, {"first_token_ms": 2500})
    ctx = RequestContext(1)
    with pytest.raises(LMError) as e:
        run({"program": PROGRAM, "inputs": INPUTS, "lm": openai_lm(server, timeout_s=1, num_retries=1)}, ctx)
    assert "Timeout" in e.value.message or "timed out" in e.value.message
    first, second = server.requests
    assert first["closed"] <= second["t"], server.requests  # the server saw the hang-up before the retry arrived
    assert e.value.data["retries"] == {"timeout": 1}


def test_429_waits_for_retry_after_then_succeeds(server):
    faults(server, {"http_errors": [429], "retry_after_s": 0.7})
    ctx = RequestContext(1)
    r = run({"program": PROGRAM, "inputs": INPUTS, "lm": openai_lm(server)}, ctx)
    first, second = server.requests
    assert second["t"] - first["t"] >= 0.65
    assert r["outputs"]["label"] and r["retries"] == {"rate_limit": 1}


@pytest.mark.parametrize("cfg", [{"http_errors": [500, 503]}, {"drop": 1}])
def test_server_errors_and_dropped_connections_are_retried(server, cfg):
    faults(server, cfg)
    r = run({"program": PROGRAM, "inputs": INPUTS, "lm": openai_lm(server)}, RequestContext(1))
    assert r["outputs"]["label"] in ("fruit", "animal", "color", "tool")
    assert len(server.requests) == 1 + sum(r["retries"].values()) == 1 + len(cfg.get("http_errors", [None]))


def test_retries_give_up_with_the_servers_error(server):
    faults(server, {"http_errors": [500, 500, 500]})
    with pytest.raises(LMError) as e:
        run({"program": PROGRAM, "inputs": INPUTS, "lm": openai_lm(server, num_retries=1)}, RequestContext(1))
    assert "500" in e.value.message or "InternalServerError" in e.value.message
    assert len(server.requests) == 2


def test_connection_refused_is_named_and_not_retried():
    t = time.monotonic()
    with pytest.raises(LMError) as e:
        run({"program": PROGRAM, "inputs": INPUTS,
             "lm": {"provider": "openai_compatible", "model": "m", "api_base": "http://127.0.0.1:9/v1"}}, RequestContext(1))
    assert "connection refused by http://127.0.0.1:9/v1" in e.value.message
    assert e.value.data == {"kind": "connection_refused", "adapter": {"calls": 1, "parse_failures": 0, "fallbacks": 0},
                            "retries": {}}
    assert time.monotonic() - t < 1.0  # no backoff sleeps: a refused connection is not retried


@pytest.mark.parametrize("mode,field,want", [
    ("openai_json_schema", "response_format", "json_schema"),
    ("llamacpp_json_schema", "response_format", "json_object"),
    ("ollama_format", "format", None),
])
def test_structured_output_in_the_servers_dialect(server, mode, field, want):
    faults(server, {})
    r = run({"program": PROGRAM, "inputs": INPUTS, "lm": openai_lm(server, structured_output=mode)}, RequestContext(1))
    sent = server.requests[0][field]
    schema = sent if want is None else (sent["json_schema"]["schema"] if want == "json_schema" else sent["schema"])
    assert want is None or sent["type"] == want
    assert schema["required"] == ["label"] and schema["properties"]["label"]["type"] == "string"
    assert r["adapter"] == {"calls": 1, "parse_failures": 0, "fallbacks": 0}


def test_bad_request_settings_name_the_field(server):
    with pytest.raises(InvalidParams) as e:
        run({"program": PROGRAM, "inputs": INPUTS, "lm": openai_lm(server, structured_output="xml")}, RequestContext(1))
    assert e.value.field == "lm.structured_output"
    with pytest.raises(InvalidParams) as e:
        run({"program": PROGRAM, "inputs": INPUTS, "lm": openai_lm(server, num_threads=0)}, RequestContext(1))
    assert e.value.field == "lm.num_threads"


@pytest.mark.parametrize("cfg", [{"format_violation_rate": 1.0}, {"echo": True}, {"overlong": True}])
def test_unparseable_answers_fail_the_run_and_the_fallback_is_counted(server, cfg):
    faults(server, cfg)
    ctx = RequestContext(1)
    with pytest.raises(RpcError) as e:
        run({"program": PROGRAM, "inputs": INPUTS, "lm": openai_lm(server, max_tokens=64)}, ctx)
    assert "AdapterParseError" in e.value.message
    # ChatAdapter could not parse, asked again through JSONAdapter, which could not parse either.
    assert e.value.data["adapter"] == {"calls": 2, "parse_failures": 2, "fallbacks": 1}
    assert len(server.requests) == 2


def test_a_slow_first_token_within_the_timeout_is_waited_for(server):
    faults(server, {"first_token_ms": 400})
    r = run({"program": PROGRAM, "inputs": INPUTS, "lm": openai_lm(server, timeout_s=5)}, RequestContext(1))
    assert r["outputs"]["label"] and r["retries"] == {} and "closed" not in server.requests[0]


def test_evaluate_runs_num_threads_calls_at_once(server):
    faults(server, {"first_token_ms": 300})
    res = evaluate({"program": PROGRAM, "dataset": DATA[:8], "metric": "exact_match",
                    "lm": openai_lm(server, num_threads=4)}, RequestContext(1))
    assert len(res["scores"]) == 8 and all(err is None for err in res["errors"])
    assert max(r["in_flight"] for r in server.requests) == 4
    faults(server, {"first_token_ms": 50})
    evaluate({"program": PROGRAM, "dataset": DATA[:4], "metric": "exact_match",
              "lm": openai_lm(server, num_threads=1)}, RequestContext(1))
    assert max(r["in_flight"] for r in server.requests) == 1


def test_requests_per_minute_spaces_the_calls():
    key = f"test-{time.time()}"
    slots = [_reserve(key, 0.2) for _ in range(4)]
    assert [round(b - a, 3) for a, b in zip(slots, slots[1:])] == [0.2, 0.2, 0.2]


def test_requests_per_minute_is_shared_by_worker_processes():
    # Two processes (as two pool workers) reserve slots of one provider at once: no two start closer
    # than the interval.
    key = f"test-procs-{time.time()}"
    code = f"import json; from studio_runtime.request_policy import _reserve; print(json.dumps([_reserve({key!r}, 0.1) for _ in range(3)]))"
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, cwd=os.path.dirname(os.path.dirname(__file__)))
             for _ in range(2)]
    slots = sorted(s for p in procs for s in json.loads(p.communicate(timeout=60)[0]))
    assert len(slots) == 6
    assert all(b - a >= 0.0999 for a, b in zip(slots, slots[1:])), slots


def simulated(**faults_cfg):
    return {"provider": "simulated", "faults": faults_cfg, "num_threads": 4}


def test_evaluate_counts_parse_failures_under_a_format_violation_rate():
    ctx = RequestContext(1)
    res = evaluate({"program": PROGRAM, "dataset": DATA, "metric": "exact_match",
                    "lm": simulated(format_violation_rate=0.5)}, ctx)
    a = res["adapter"]
    assert a["fallbacks"] > 0 and a["parse_failures"] >= a["fallbacks"]
    assert a["calls"] == len(DATA) + a["fallbacks"] == res["lm_calls"]
    assert res["usage"]["adapter"] == a
    failed = [e for e in res["errors"] if e]
    assert failed and all("AdapterParseError" in e for e in failed)


@pytest.mark.parametrize("cfg", [
    {"format_violation_rate": 0.5},
    {"http_errors": [429, 500], "retry_after_s": 0},
    {"drop": 2},
    {"first_token_ms": 20},
    {"overlong": True},
    {"echo": True},
])
def test_the_optimize_loop_under_each_fault_mode(cfg):
    ctx = RequestContext(1)
    params = {"program": PROGRAM, "strategy": "bootstrap_few_shot", "trainset": DATA[:12], "devset": DATA[12:],
              "metric": "exact_match", "params": resolved("bootstrap_few_shot", max_bootstrapped_demos=2),
              "lm": {**simulated(**cfg), "num_retries": 2}}
    if cfg.get("echo") or cfg.get("overlong"):
        # Nothing the model says can be parsed (an echo; an answer cut off at max_tokens before its fields):
        # every example fails, and the error says why.
        with pytest.raises(RpcError) as e:
            optimize(params, ctx)
        assert "every example failed (baseline)" in e.value.message and "AdapterParseError" in e.value.message
        return
    res = optimize(params, ctx)
    usage = res["usage"]
    assert set(usage) == {"baseline", "compile", "final"}
    assert res["adapter"]["calls"] == sum(p["adapter"]["calls"] for p in usage.values())
    if "http_errors" in cfg or "drop" in cfg:
        assert sum(res["retries"].values()) == len(cfg.get("http_errors", [])) + cfg.get("drop", 0)
        assert res["adapter"]["fallbacks"] == 0
    if cfg.get("format_violation_rate"):
        assert res["adapter"]["fallbacks"] > 0


def test_simulated_faults_are_validated():
    with pytest.raises(InvalidParams) as e:
        run({"program": PROGRAM, "inputs": INPUTS, "lm": {"provider": "simulated", "faults": {"format_violation_rate": 2}}},
            RequestContext(1))
    assert e.value.field == "lm.faults.format_violation_rate"


def _wait_for_request(server, timeout=20):
    end = time.monotonic() + timeout
    while not server.requests:
        assert time.monotonic() < end, "the request never reached the server"
        time.sleep(0.02)


def _wait_for_close(server, timeout=2):
    """The server polls for a hang-up every 20 ms: give it that long to log it."""
    end = time.monotonic() + timeout
    while "closed" not in server.requests[0] and time.monotonic() < end:
        time.sleep(0.02)


PROVIDER_LMS = {
    "openai": lambda url: {"provider": "openai_compatible", "model": "tiny", "api_base": url + "/v1"},
    "anthropic": lambda url: {"provider": "anthropic", "model": "claude-x", "api_key": "k", "api_base": url},
    "gemini": lambda url: {"provider": "gemini", "model": "gemini-2.0-flash", "api_key": "k", "api_base": url + "/v1beta"},
}


@pytest.mark.parametrize("kind", sorted(PROVIDER_LMS))
def test_cancel_closes_the_request_in_flight_at_once(kind):
    import threading

    from studio_runtime.errors import Cancelled

    server = FakeProviderServer(kind, faults={"first_token_ms": 20_000}).start()
    ctx = RequestContext(1)
    outcome = {}

    def call():
        try:
            run({"program": PROGRAM, "inputs": INPUTS, "lm": {**PROVIDER_LMS[kind](server.url), "timeout_s": 60}}, ctx)
        except BaseException as e:  # noqa: BLE001 - the test inspects what the call ended with
            outcome["error"] = e
        outcome["ended"] = time.time()

    try:
        t = threading.Thread(target=call)
        t.start()
        _wait_for_request(server)
        cancelled_at = time.time()
        ctx.cancel()
        t.join(10)
        assert not t.is_alive(), "the call kept waiting for the slow first token after cancel"
        assert isinstance(outcome["error"], Cancelled), outcome
        assert outcome["ended"] - cancelled_at < 1.0
        _wait_for_close(server)
        (only,) = server.requests  # the closed connection is not retried
        assert 0 <= only["closed"] - cancelled_at < 1.0, only  # the server saw the hang-up, not its own timeout
    finally:
        server.stop()


def test_cancel_over_the_protocol_closes_the_request_in_flight(server):
    from helpers import Runtime

    faults(server, {"first_token_ms": 20_000})
    rt = Runtime()
    try:
        rid = rt.request("run", {"program": PROGRAM, "inputs": INPUTS, "lm": openai_lm(server, timeout_s=60)})
        _wait_for_request(server, timeout=60)
        cancelled_at = time.time()
        assert rt.call("cancel", {"request_id": rid})["result"] == {"cancelled": True}
        reply = rt.wait_reply(rid, timeout=10)
        assert reply["error"]["code"] == -32001, reply
        assert time.time() - cancelled_at < 2.0
        _wait_for_close(server)
        (only,) = server.requests
        assert 0 <= only["closed"] - cancelled_at < 1.0, only
    finally:
        rt.close()
