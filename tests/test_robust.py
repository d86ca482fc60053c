"""Issue 16 §3–4: concurrent builds, dying workers, the swap without renameat2, and the
portable fallbacks (forced on Linux with YIDIANTONG_PORTABLE) giving the same bytes."""

from __future__ import annotations

import ast
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import AS_OF, CASES, tree_bytes

from generator import compat
from generator.errors import ToolError
from generator.publish import lock as lockmod
from generator.publish.lock import BuildLock, lock_path
from generator.publish.write import previous_dir, write_bytes

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = CASES / "ok-minimal" / "data"
DONE = "完成："


def synth(out: Path, seed: int, villages: int = 2) -> Path:
    subprocess.run([sys.executable, str(ROOT / "tools" / "synth.py"), "--out", str(out),
                    "--townships", "2", "--villages", str(villages), "--records", "200",
                    "--seed", str(seed)], check=True, capture_output=True, timeout=60)
    return out


def env(**extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k not in (compat.CRASH_ENV, lockmod.WAIT_ENV)}
    e.update(extra)
    return e


def start(data: Path, out: Path, *args: str, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "build", "--data", str(data), "--out", str(out),
         "--as-of", AS_OF, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        cwd=ROOT, env=env(**extra), start_new_session=True)


def run(data: Path, out: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    proc = start(data, out, *args, **extra)
    try:
        _, err = proc.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise AssertionError("the build hung") from None
    return subprocess.CompletedProcess(proc.args, proc.returncode, "", err)


def beside(out: Path) -> list[str]:
    """What a build left next to --out besides the site and its cache."""
    return sorted(p.name for p in out.parent.iterdir() if p.name not in (out.name, f".{out.name}.cache")
                  and ".trash-" not in p.name)  # an old site a detached process is deleting


# ----------------------------------------------------------------------------- build lock
def test_two_builds_started_together_never_overlap(tmp_path: Path) -> None:
    """Two builds released at the same moment: one builds, the other waits for it and then
    builds (from the cache the first one filled); the site is whole."""
    data = synth(tmp_path / "data", 3)
    ref = tmp_path / "ref" / "site"
    assert run(data, ref, "--no-cache").returncode == 0
    out = tmp_path / "work" / "site"
    gate = BuildLock(out, "test", wait=0)
    gate.acquire()  # both start and reach the lock before either can take it
    try:
        procs = [start(data, out, "--jobs", "2", **{lockmod.WAIT_ENV: "200"}) for _ in range(2)]
        time.sleep(1)
    finally:
        gate.release()
    results = [(p.wait(timeout=240), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    assert [code for code, _ in results] == [0, 0], results
    assert tree_bytes(out) == tree_bytes(ref)
    assert beside(out) == []


def test_a_build_waits_for_the_lock_or_exits_3_naming_its_holder(tmp_path: Path) -> None:
    out = tmp_path / "work" / "site"
    assert run(MINIMAL, out).returncode == 0
    before = tree_bytes(out)
    held = BuildLock(out, "serve", wait=0)
    held.acquire()
    try:
        r = run(MINIMAL, out, **{lockmod.WAIT_ENV: "0"})
        assert r.returncode == 3, r.stderr
        assert f"进程号 {os.getpid()}" in r.stderr and "命令 serve" in r.stderr
        assert "Traceback" not in r.stderr
        assert tree_bytes(out) == before
        # a build allowed to wait gets the lock once it is released
        proc = start(MINIMAL, out, **{lockmod.WAIT_ENV: "120"})
        time.sleep(0.5)
        assert proc.poll() is None
    finally:
        held.release()
    _, err = proc.communicate(timeout=240)
    assert proc.returncode == 0, err
    assert tree_bytes(out) == before
    assert beside(out) == []


def test_a_killed_lock_holder_leaves_no_lock(tmp_path: Path) -> None:
    out = tmp_path / "site"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from generator.publish.lock import BuildLock; BuildLock(Path(sys.argv[1])).acquire(); "
         "print('held', flush=True); time.sleep(600)", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env())
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(ToolError, match=f"进程号 {holder.pid}"):
            BuildLock(out, wait=0).acquire()
    finally:
        holder.kill()
        holder.wait()
    with BuildLock(out, wait=0):  # the OS dropped the dead process's lock
        assert lock_path(out).is_file()
    assert not lock_path(out).exists()


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_lock_file_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without OS file locks: the lock file's existence; a dead owner's file is taken over,
    one whose owner cannot be checked is reported with the file to delete."""
    import json
    import socket

    monkeypatch.setenv(compat.ENV, "lockfile")
    out = tmp_path / "site"
    with BuildLock(out, wait=0):
        with pytest.raises(ToolError, match=f"进程号 {os.getpid()}") as e:
            BuildLock(out, wait=0).acquire()
        assert str(lock_path(out)) in str(e.value)
    assert not lock_path(out).exists()
    stale = {"pid": _dead_pid(), "host": socket.gethostname(), "command": "build"}
    lock_path(out).write_bytes(json.dumps(stale).encode())
    with BuildLock(out, wait=0):
        assert json.loads(lock_path(out).read_bytes())["pid"] == os.getpid()
    lock_path(out).write_bytes(json.dumps(stale).encode())
    monkeypatch.setenv(compat.ENV, "lockfile,kill")  # cannot tell whether it lives
    with pytest.raises(ToolError, match="请删除锁文件"):
        BuildLock(out, wait=0).acquire()


# ----------------------------------------------------------------------------- workers
def test_worker_pool_is_made_before_any_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               cli) -> None:
    from generator import pipeline

    seen: list[tuple[int, str]] = []
    real = pipeline.WorkerPool.__init__

    def spy(self, jobs: int) -> None:
        seen.append((threading.active_count(), compat.worker_context().get_start_method()))
        real(self, jobs)

    monkeypatch.setattr(pipeline.WorkerPool, "__init__", spy)
    threads = threading.active_count()
    r = cli("build", "--data", synth(tmp_path / "data", 4), "--out", tmp_path / "site",
            "--as-of", AS_OF, "--jobs", "2", "--quiet")
    assert r.code == 0, r.err
    method = "spawn" if compat.portable("spawn") else "fork" if threads == 1 else "forkserver"
    assert seen == [(threads, method)]


def test_workers_fork_only_while_single_threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(compat.ENV, "0")
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:  # e.g. serve, whose web server thread runs while it rebuilds
        assert compat.worker_context().get_start_method() == "forkserver"
    finally:
        stop.set()
        t.join()
    monkeypatch.setenv(compat.ENV, "spawn")
    assert compat.worker_context().get_start_method() == "spawn"


@pytest.mark.parametrize(("portable", "where"), [("", "village"), ("spawn", "village"),
                                                 ("", "county")])
def test_a_killed_worker_fails_the_build_with_exit_3(tmp_path: Path, portable: str,
                                                     where: str) -> None:
    data = synth(tmp_path / "data", 5, villages=3)
    out = tmp_path / "work" / "site"
    assert run(data, out, "--jobs", "2").returncode == 0
    before = tree_bytes(out)
    # a village's worker, or the one finishing the county (change log, county pages)
    victim = sorted(p.name for p in data.glob("*/*/*") if p.is_dir())[2] if where == "village" \
        else next(p.name for p in data.iterdir() if p.is_dir())
    r = run(data, out, "--jobs", "2", "--no-cache",
            **{compat.CRASH_ENV: f"{where}:{victim}", compat.ENV: portable})
    assert r.returncode == 3, r.stderr
    assert "工作进程意外退出" in r.stderr and "Traceback" not in r.stderr
    assert tree_bytes(out) == before
    assert beside(out) == []


# ----------------------------------------------------------------------------- swap
def test_two_rename_swap_killed_between_renames_is_repaired(tmp_path: Path) -> None:
    out = tmp_path / "work" / "site"
    assert run(MINIMAL, out).returncode == 0
    old = tree_bytes(out)
    other = synth(tmp_path / "data", 6)
    r = run(other, out, **{compat.ENV: "rename", compat.CRASH_ENV: "swap"})
    assert r.returncode == -signal.SIGKILL
    assert not out.exists() and previous_dir(out).is_dir()  # died between the renames
    # the next build starts by putting the old site back: a refused build leaves it there
    broken = CASES / "bad-money" / "data"
    r = run(broken, out, **{compat.ENV: "rename"})
    assert r.returncode == 1, r.stderr
    assert tree_bytes(out) == old
    assert not previous_dir(out).exists()
    r = run(other, out, **{compat.ENV: "rename"})
    assert r.returncode == 0, r.stderr
    assert tree_bytes(out) != old
    assert beside(out) == []


def test_an_old_site_left_after_both_renames_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run(MINIMAL, out).returncode == 0
    new = tree_bytes(out)
    shutil.copytree(out, previous_dir(out))  # died after the second rename
    assert run(MINIMAL, out, **{compat.ENV: "rename"}).returncode == 0
    assert tree_bytes(out) == new
    assert not previous_dir(out).exists()


# ----------------------------------------------------------------------------- portability
def test_portable_fallbacks_give_byte_identical_output(tmp_path: Path) -> None:
    data = synth(tmp_path / "data", 7)
    native, port = tmp_path / "native" / "site", tmp_path / "portable" / "site"
    for out, mode in ((native, ""), (port, "1")):
        for _ in range(2):  # the second build swaps (renameat2, or the two renames)
            r = run(data, out, "--jobs", "2", "--no-cache", **{compat.ENV: mode})
            assert r.returncode == 0, r.stderr
    assert tree_bytes(port) == tree_bytes(native)
    assert len(tree_bytes(native)) > 50


def test_write_bytes_without_cloexec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(compat.ENV, "cloexec")
    assert not compat.write_flags() & getattr(os, "O_CLOEXEC", 0)
    write_bytes(tmp_path / "a", b"line\nline\r\n")
    assert (tmp_path / "a").read_bytes() == b"line\nline\r\n"


def test_portable_switch_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(compat.ENV, "1")
    assert compat.forced() == compat.ALL and "lockfile" not in compat.ALL
    monkeypatch.setenv(compat.ENV, "spawn, rename")
    assert compat.forced() == {"spawn", "rename"}
    monkeypatch.setenv(compat.ENV, "0")
    assert compat.forced() == frozenset()


def test_file_names_compared_as_case_insensitive_systems_do() -> None:
    assert compat.canonical_name("Finance.csv", {"finance.csv", "village.yaml"}) == "finance.csv"
    assert compat.canonical_name("finance.csv", {"finance.csv"}) is None
    assert compat.canonical_name("finance2.csv", {"finance.csv"}) is None


def test_generator_writes_no_text_mode_files() -> None:
    """Text-mode writes translate newlines on Windows: the generator writes bytes only."""
    bad = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name == "write_text":
                bad.append(f"{path.name}:{node.lineno} write_text")
            is_os_open = isinstance(node.func, ast.Attribute) and \
                getattr(node.func.value, "id", "") == "os"
            if name == "open" and not is_os_open:
                mode = node.args[1] if len(node.args) > 1 else next(
                    (k.value for k in node.keywords if k.arg == "mode"), None)
                text = mode.value if isinstance(mode, ast.Constant) else "r"
                if ("w" in text or "a" in text) and "b" not in text:
                    bad.append(f"{path.name}:{node.lineno} open({text!r})")
    assert bad == []


def test_no_posix_only_call_without_a_fallback() -> None:
    """os.kill, fork, renameat2 and ``rm`` are used only in generator/compat.py (which
    has the fallbacks) and the swap (which falls back to two renames)."""
    allowed = {"compat.py": {"kill", "fork", "renameat2", "rm", "cloexec"}, "write.py": {"renameat2"}}
    found = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        text = path.read_text("utf-8")
        for word, needle in (("kill", "os.kill("), ("fork", '"fork"'), ("renameat2", "renameat2"),
                             ("rm", '"rm"'), ("cloexec", "os.O_CLOEXEC")):
            if needle in text and word not in allowed.get(path.name, set()):
                found.append(f"{path.relative_to(ROOT)}: {needle}")
    assert found == []


# ----------------------------------------------------------------------------- serve, deploy
def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_and_a_build_by_hand_take_turns(tmp_path: Path) -> None:
    """serve's rebuilds (workers through the fork server: serve has a web server thread)
    and a build started by hand on the same output, one after the other: each leaves the
    complete site of its own data."""
    import queue

    mine = tmp_path / "mine"
    shutil.copytree(MINIMAL, mine)
    other = synth(tmp_path / "other", 8)
    out = tmp_path / "work" / "site"
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "serve", "--data", str(mine), "--out", str(out),
         "--as-of", AS_OF, "--jobs", "2", "--port", str(_free_port()), "--debug"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env(),
        start_new_session=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(ln) for ln in proc.stderr], daemon=True).start()  # type: ignore[union-attr]

    def wait_for(text: str) -> None:
        while True:
            try:
                line = lines.get(timeout=180)
            except queue.Empty:
                raise AssertionError(f"serve never printed {text!r}") from None
            assert "Traceback" not in line and "出错" not in line, line
            if text in line:
                return

    try:
        wait_for("预览地址")
        r = run(other, out, "--jobs", "2")
        assert r.returncode == 0, r.stderr
        ref = tmp_path / "ref" / "site"
        assert run(other, ref, "--no-cache").returncode == 0
        assert tree_bytes(out) == tree_bytes(ref)
        town = next(mine.glob("*/*/"))
        copy = tmp_path / "wangzhuang-cun"  # made aside, then moved in as one change
        shutil.copytree(next(p for p in town.iterdir() if p.is_dir()), copy)
        yaml = (copy / "village.yaml").read_text("utf-8")  # a copied folder needs its own name and code
        (copy / "village.yaml").write_text(
            yaml.replace("刘庄村", "王庄村").replace("419901100201", "419901100202"), encoding="utf-8")
        copy.rename(town / "wangzhuang-cun")
        # (spawn where the portable fallbacks are forced, as on Windows and macOS)
        from generator import compat

        wait_for("worker processes, started by "
                 + ("spawn" if compat.portable("spawn") else "forkserver"))
        wait_for("2 个村")
        ref2 = tmp_path / "ref2" / "site"
        assert run(mine, ref2, "--no-cache").returncode == 0
        assert tree_bytes(out) == tree_bytes(ref2)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def test_deploy_waits_for_a_build(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A deploy does not upload a site that a build is swapping."""
    out = tmp_path / "site"
    out.mkdir()
    monkeypatch.setenv(lockmod.WAIT_ENV, "0")
    with BuildLock(out, "build", wait=0):
        r = cli("deploy", "--out", out, "--to", "s3://bucket/x", "--endpoint-url", "http://127.0.0.1:9")
    assert r.code == 3, r.err
    assert f"进程号 {os.getpid()}" in r.err and "命令 build" in r.err
