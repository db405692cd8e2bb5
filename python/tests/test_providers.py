"""The real dspy.LM -> provider path against the local fake Anthropic and Gemini servers."""
import json
import os
import subprocess
import sys
import urllib.request

import pytest

from helpers import Runtime
from studio_runtime.datasets import TOY_SIGNATURE
from studio_runtime.context import RequestContext
from studio_runtime.evaluation import run
from studio_runtime.testing.fake_providers import start_servers

PROGRAM = {"kind": "step", "module": "chain_of_thought", "signature": TOY_SIGNATURE}
SECRET = "sk-test-SECRET-key-123"


@pytest.fixture(scope="module")
def servers():
    s = start_servers()
    yield s
    for v in s.values():
        v.stop()


@pytest.mark.parametrize("engine", ["litellm", "auto"])
def test_anthropic_through_dspy_lm(servers, engine):
    base = servers["anthropic"].url if engine == "litellm" else servers["anthropic"].url + "/v1"
    r = run({"program": PROGRAM, "inputs": {"text": "apple pear plum otter"},
             "lm": {"provider": "anthropic", "model": "claude-sonnet-4-5", "api_key": SECRET, "api_base": base,
                    "engine": engine, "num_retries": 0}}, RequestContext(1))
    assert r["outputs"]["label"] in ("fruit", "animal", "color", "tool") and r["outputs"]["reasoning"]
    assert {k: servers["anthropic"].requests[-1][k] for k in ("path", "model")} == {"path": "/v1/messages", "model": "claude-sonnet-4-5"}


@pytest.mark.parametrize("engine", ["litellm", "auto"])
def test_gemini_through_dspy_lm(servers, engine):
    r = run({"program": PROGRAM, "inputs": {"text": "teal amber violet hammer"},
             "lm": {"provider": "gemini", "model": "gemini-2.0-flash", "api_key": SECRET,
                    "api_base": servers["gemini"].url + "/v1beta", "engine": engine, "num_retries": 0}},
            RequestContext(1))
    assert r["outputs"]["label"] in ("fruit", "animal", "color", "tool")
    assert {k: servers["gemini"].requests[-1][k] for k in ("path", "model")} == {
        "path": "/v1beta/models/gemini-2.0-flash:generateContent", "model": "gemini-2.0-flash"}


def test_provider_error_is_an_lm_error_without_the_key(servers):
    rt = Runtime()
    try:
        m = rt.call("run", {"program": PROGRAM, "inputs": {"text": "x"},
                            "lm": {"provider": "anthropic", "model": "m", "api_key": SECRET,
                                   "api_base": "http://127.0.0.1:9", "num_retries": 0}}, timeout=120)
        assert m["error"]["code"] == -32002, m
        assert SECRET not in json.dumps(m)
        ok = rt.call("run", {"program": PROGRAM, "inputs": {"text": "apple pear"},
                             "lm": {"provider": "anthropic", "model": "m", "api_key": SECRET,
                                    "api_base": servers["anthropic"].url, "num_retries": 0}}, timeout=120)
        assert "result" in ok, ok
        rt.call("shutdown")
        rt.proc.wait(timeout=15)
        assert SECRET not in "".join(rt.stderr)
    finally:
        rt.close()


def test_fake_providers_cli(tmp_path):
    env = {"PATH": os.environ["PATH"], "DSPY_CACHEDIR": str(tmp_path)}
    p = subprocess.Popen([sys.executable, "-I", "-m", "studio_runtime.testing.fake_providers"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    try:
        urls = json.loads(p.stdout.readline())
        assert set(urls) == {"anthropic", "gemini", "openai"} and all(u.startswith("http://127.0.0.1:") for u in urls.values())
        req = urllib.request.Request(urls["anthropic"] + "/v1/messages", method="POST",
                                     data=json.dumps({"model": "claude-x", "max_tokens": 10, "messages": [
                                         {"role": "user", "content": "hello"}]}).encode(),
                                     headers={"content-type": "application/json", "x-api-key": SECRET})
        body = json.loads(urllib.request.urlopen(req, timeout=10).read())
        assert body["type"] == "message" and body["content"][0]["type"] == "text"
        req = urllib.request.Request(urls["gemini"] + "/v1beta/models/gemini-x:generateContent", method="POST",
                                     data=json.dumps({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}).encode(),
                                     headers={"content-type": "application/json", "x-goog-api-key": SECRET})
        body = json.loads(urllib.request.urlopen(req, timeout=10).read())
        assert body["candidates"][0]["content"]["parts"][0]["text"]
        p.stdin.close()  # stdin closed -> exits
        assert p.wait(timeout=10) == 0
        err = p.stderr.read().decode()
        assert "POST /v1/messages model=claude-x" in err and SECRET not in err
    finally:
        if p.poll() is None:
            p.kill()
