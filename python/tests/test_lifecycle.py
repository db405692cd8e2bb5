"""The worker never outlives its host: end of input with a stuck request, parent death, private dir."""
import json
import os
import subprocess
import sys
import time

import pytest

# The real entry point, with one extra method that ignores cancellation (a stuck optimizer).
STUCK = ("import sys, time; from studio_runtime import server; "
         "server.METHODS['stuck'] = lambda params, ctx: time.sleep(600); "
         "from studio_runtime.__main__ import main; sys.exit(main())")


def runtime_env(private, **extra):
    env = {"PATH": os.environ.get("PATH", ""), "LITELLM_LOCAL_MODEL_COST_MAP": "True",
           "STUDIO_DSPY_CACHEDIR": os.environ["DSPY_CACHEDIR"], "TMPDIR": str(private), "HOME": str(private)}
    env.update(extra)
    return env


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_gone(pid, timeout):
    end = time.time() + timeout
    while alive(pid) and time.time() < end:
        time.sleep(0.05)
    return not alive(pid)


def private_dir(tmp_path):
    d = tmp_path / "pipeline-studio-worker-test"
    d.mkdir()
    (d / "studio-state-leftover.json").write_text("{}")
    return d


def test_end_of_input_with_a_stuck_request_exits_after_the_grace_period(tmp_path):
    private = private_dir(tmp_path)
    p = subprocess.Popen([sys.executable, "-I", "-c", STUCK], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, cwd=private, env=runtime_env(private, STUDIO_EXIT_GRACE_S="0.5"))
    try:
        assert json.loads(p.stdout.readline())["method"] == "ready"
        p.stdin.write(b'{"jsonrpc":"2.0","id":1,"method":"stuck","params":{}}\n')
        p.stdin.flush()
        time.sleep(0.3)
        p.stdin.close()
        assert p.wait(timeout=20) == 0
        assert not private.exists()
    finally:
        p.kill()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux only")
def test_parent_death_ends_the_worker_even_while_its_input_stays_open(tmp_path):
    private = private_dir(tmp_path)
    r, w = os.pipe()  # we keep the write end open: no end of input reaches the worker
    host_code = (
        "import os, subprocess, sys, time; r = int(sys.argv[1]); "
        f"p = subprocess.Popen([sys.executable, '-I', '-c', {STUCK!r}], stdin=r, stdout=subprocess.PIPE, "
        "stderr=subprocess.DEVNULL, pass_fds=(r,), "
        f"env=dict({runtime_env(private)!r}, STUDIO_HOST_PID=str(os.getpid()))); "
        "p.stdout.readline(); print(p.pid, flush=True); time.sleep(600)"
    )
    host = subprocess.Popen([sys.executable, "-c", host_code, str(r)], stdout=subprocess.PIPE, pass_fds=(r,))
    os.close(r)
    worker = None
    try:
        worker = int(host.stdout.readline())
        assert alive(worker)
        host.kill()  # SIGKILL: the host cleans nothing up
        host.wait()
        assert wait_gone(worker, 15), "the worker outlived its host"
        assert not private.exists()
    finally:
        os.close(w)
        host.kill()
        if worker and alive(worker):
            os.kill(worker, 9)


def test_a_worker_whose_host_is_already_gone_exits_at_once(tmp_path):
    private = private_dir(tmp_path)
    # pid 1 is never our parent here: as if the host died before the worker started.
    p = subprocess.run([sys.executable, "-I", "-m", "studio_runtime"], stdin=subprocess.PIPE, capture_output=True,
                       cwd=private, env=runtime_env(private, STUDIO_HOST_PID="1"), timeout=30)
    assert p.returncode == 0
    assert p.stdout == b""
    assert b"host is gone" in p.stderr
    assert not private.exists()


def test_sigterm_during_the_final_cleanup_still_exits(tmp_path):
    private = private_dir(tmp_path)
    for i in range(20000):
        (private / f"f{i}").write_bytes(b"")
    # SIGTERM lands while the main thread is removing the private dir on its way out.
    code = ("import os, signal, threading, time; from studio_runtime import lifecycle; lifecycle.watch_parent(); "
            "threading.Timer(0.05, os.kill, args=(os.getpid(), signal.SIGTERM)).start(); lifecycle.hard_exit(0)")
    p = subprocess.run([sys.executable, "-I", "-c", code], env=runtime_env(private), capture_output=True, timeout=30)
    assert p.returncode in (0, 128 + 15)
    assert not private.exists()
