"""The stdio protocol, through a real `python -I -m studio_runtime` subprocess."""
import json
import time

import pytest

from helpers import Runtime, resolved
from studio_runtime.datasets import TOY_SIGNATURE, toy_dataset

PROGRAM = {"kind": "step", "name": "classify", "module": "predict", "signature": TOY_SIGNATURE}
DATA = toy_dataset(30, seed=4)


@pytest.fixture(scope="module")
def rt():
    r = Runtime()
    yield r
    r.close()


def test_ready_handshake(rt):
    assert rt.ready["method"] == "ready"
    p = rt.ready["params"]
    assert p["protocol"] == 1 and p["dspy"] == "3.4.1" and p["pid"] == rt.proc.pid and p["python"].startswith("3.")


def test_health_and_versions(rt):
    h = rt.call("health")["result"]
    assert h["ok"] and h["pid"] == rt.proc.pid and h["rss_bytes"] > 0 and h["uptime_s"] >= 0
    v = rt.call("versions")["result"]
    assert v["dspy"] == "3.4.1" and v["optuna"] == "5.0.0" and v["protocol"] == 1
    assert v["dspy_cachedir"] and "studio-rt-cache" in v["dspy_cachedir"]


def test_malformed_frames(rt):
    rt.send_raw(b"{not json\n")
    m = rt.next_message()
    assert m["id"] is None and m["error"]["code"] == -32700
    rt.send_raw(b'{"jsonrpc":"2.0","id":5}\n')
    m = rt.next_message()
    assert m["id"] == 5 and m["error"]["code"] == -32600
    rt.send_raw(b'[1,2]\n')
    assert rt.next_message()["error"]["code"] == -32600
    m = rt.call("no_such_method")
    assert m["error"]["code"] == -32601
    m = rt.call("run", {"program": PROGRAM, "inputs": {"text": "x"}, "lm": {"provider": "nope"}})
    assert m["error"]["code"] == -32602 and m["error"]["data"]["field"] == "lm.provider"
    assert "Traceback" not in m["error"]["message"]
    m = rt.call("run", {"program": {"signature": {"input_fields": [{"name": "a"}],
                                                  "output_fields": [{"name": "b", "type": "blob"}]}},
                        "inputs": {"a": "x"}, "lm": {"provider": "simulated"}})
    assert m["error"]["code"] == -32602 and m["error"]["data"]["field"] == "b"
    # still alive
    assert rt.call("health")["result"]["ok"]


def test_hostile_frames_do_not_end_the_reader_loop(rt):
    def deep(depth):
        return b'{"jsonrpc":"2.0","id":7,"method":"health","params":{"a":' + b"[" * depth + b"]" * depth + b"}}\n"

    rt.send_raw(deep(500))
    m = rt.next_message()
    assert m["id"] == 7 and m["error"]["code"] == -32600 and "depth limit" in m["error"]["message"]
    rt.send_raw(deep(50_000))  # beyond what Python's JSON decoder recurses into
    assert rt.next_message()["error"]["code"] == -32700
    assert rt.call("cancel", {"request_id": []})["result"] == {"cancelled": False}
    assert rt.call("health")["result"]["ok"]


def test_oversized_frame_is_refused_and_the_runtime_keeps_going(rt):
    big = b'{"jsonrpc":"2.0","id":99,"method":"health","params":{"pad":"' + b"x" * (17 * 1024 * 1024) + b'"}}\n'
    rt.send_raw(big)
    m = rt.next_message(timeout=60)
    assert m["id"] is None and m["error"]["code"] == -32600 and "16 MiB" in m["error"]["message"]
    assert rt.call("health")["result"]["ok"]


def test_sleep_cancel_and_concurrency(rt):
    rid = rt.request("sleep", {"seconds": 30})
    time.sleep(0.2)
    t0 = time.time()
    assert rt.call("health")["result"]["active_requests"] >= 1  # answered while sleep runs
    rt.send({"jsonrpc": "2.0", "method": "cancel", "params": {"request_id": rid}})
    m = rt.wait_reply(rid, timeout=10)
    assert m["error"]["code"] == -32001
    assert time.time() - t0 < 5
    # cancel as a request
    rid = rt.request("sleep", {"seconds": 30})
    time.sleep(0.1)
    c = rt.call("cancel", {"request_id": rid})
    assert c["result"] == {"cancelled": True}
    assert rt.wait_reply(rid, timeout=10)["error"]["code"] == -32001
    assert rt.call("cancel", {"request_id": 12345})["result"] == {"cancelled": False}
    assert rt.call("sleep", {"seconds": 0.05})["result"] == {"slept": 0.05}


def test_optimize_cancel_between_trials(rt):
    notes = []
    rid = rt.request("optimize", {"program": PROGRAM, "strategy": "copro", "params": resolved("copro", breadth=4),
                                  "trainset": DATA[:15], "devset": DATA[15:], "metric": "exact_match",
                                  "lm": {"provider": "simulated", "latency_ms": 20}})
    # wait for the compile phase, then cancel
    end = time.time() + 60
    while time.time() < end:
        m = rt.next_message(timeout=30)
        if m.get("method") == "progress":
            notes.append(m["params"])
            if m["params"]["phase"] == "compile" and m["params"]["trial"] >= 1:
                break
    t0 = time.time()
    rt.send({"jsonrpc": "2.0", "method": "cancel", "params": {"request_id": rid}})
    m = rt.wait_reply(rid, timeout=30, notifications=[])
    assert m["error"]["code"] == -32001, m
    assert time.time() - t0 < 5
    assert notes[0]["phase"] == "baseline" and all(n["request_id"] == rid for n in notes)
    assert rt.call("health")["result"]["ok"]


def test_stdout_guard_print_inside_optimizer():
    """print() and raw writes to fd 1 inside an optimizer's metric must not reach the protocol stream."""
    r = Runtime()
    try:
        notes = []
        m = r.call("optimize_with_stray_output", {"program": PROGRAM, "strategy": "bootstrap_few_shot",
                                "params": resolved("bootstrap_few_shot", max_bootstrapped_demos=2, max_labeled_demos=2),
                                "trainset": DATA[:10], "devset": DATA[10:16], "metric": "exact_match",
                                "lm": {"provider": "simulated"}}, timeout=120, notifications=notes)
        assert "result" in m, m
        assert m["result"]["optimized_score"] >= 0
        r.call("shutdown")
        r.proc.wait(timeout=15)
        time.sleep(0.2)
        for line in r.raw_lines:  # every stdout line is a JSON-RPC frame
            obj = json.loads(line)
            assert obj["jsonrpc"] == "2.0"
        err = "".join(r.stderr)
        assert "stray print from the metric" in err and "stray raw write to fd 1" in err
        assert r.proc.returncode == 0
    finally:
        r.close()


def test_shutdown_and_eof_exit():
    r = Runtime()
    assert r.call("shutdown")["result"] == {"ok": True}
    assert r.proc.wait(timeout=15) == 0
    r2 = Runtime()
    r2.proc.stdin.close()  # EOF
    assert r2.proc.wait(timeout=15) == 0
