"""Issue 4: nothing is lost. A build killed with SIGKILL at any moment leaves --out as
the complete old site or the complete new one; the next build cleans up; input files
are never modified."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import AS_OF

ROOT = Path(__file__).resolve().parent.parent
KILL_POINTS = (0.05, 0.2, 0.4, 0.6, 0.75, 0.9, 1.05)


def synth(out: Path, seed: int) -> Path:
    subprocess.run([sys.executable, str(ROOT / "tools" / "synth.py"), "--out", str(out),
                    "--townships", "2", "--villages", "2", "--records", "300", "--seed", str(seed)],
                   check=True, capture_output=True, timeout=60)
    return out


def tree_hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def input_state(root: Path) -> dict[str, tuple[str, int]]:
    return {p.relative_to(root).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                             p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


def start_build(data: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "build.py"), "build", "--data", str(data), "--out", str(out),
         "--as-of", AS_OF, "--jobs", "2", "--no-cache",
         # each build's site depends only on its data (not on the change log in --out)
         "--new-ledger"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT,
        start_new_session=True,  # its own process group: workers and Pagefind die with it
    )


def build(data: Path, out: Path) -> float:
    started = time.monotonic()
    proc = start_build(data, out)
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err.decode()
    return time.monotonic() - started


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate(timeout=60)
    # wait for the rest of the group (pool workers, Pagefind) to be gone
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def test_sigkill_leaves_old_or_new_site(tmp_path: Path) -> None:
    data = {"a": synth(tmp_path / "data-a", 1), "b": synth(tmp_path / "data-b", 2)}
    inputs_before = {k: input_state(d) for k, d in data.items()}

    work = tmp_path / "work"
    out = work / "site"
    duration = build(data["b"], tmp_path / "ref-b" / "site")
    refs = {"b": tree_hashes(tmp_path / "ref-b" / "site")}
    duration = max(duration, build(data["a"], out))
    refs["a"] = tree_hashes(out)
    assert refs["a"] != refs["b"] and len(refs["a"]) > 100
    current = "a"

    outcomes = []
    for fraction in KILL_POINTS:
        target = "b" if current == "a" else "a"
        proc = start_build(data[target], out)
        time.sleep(duration * fraction)
        finished = proc.poll() is not None
        kill_group(proc)
        now = tree_hashes(out)
        assert now in (refs["a"], refs["b"]), (
            f"after SIGKILL at {fraction:.0%} of the build, --out is neither the old nor the new "
            f"site ({len(now)} files)")
        became = "a" if now == refs["a"] else "b"
        assert became in (current, target)
        outcomes.append((fraction, finished, became == target))
        current = became
    # the kills really hit the build at different stages: some before the swap, and the
    # early ones certainly before it
    assert any(not swapped for _, _, swapped in outcomes), outcomes
    assert not outcomes[0][2], outcomes

    # a normal build afterwards succeeds, and leaves no staging folder behind
    leftovers = [p.name for p in work.iterdir() if ".staging-" in p.name]
    target = "b" if current == "a" else "a"
    build(data[target], out)
    assert tree_hashes(out) == refs[target]
    assert [p.name for p in work.iterdir() if ".staging-" in p.name or ".old-" in p.name] == [], \
        f"left behind (before the last build: {leftovers})"

    for key, d in data.items():
        assert input_state(d) == inputs_before[key], "a build modified its input files"


def test_failed_index_keeps_previous_site(tmp_path: Path) -> None:
    """A tool failure late in the build (Pagefind crashes) exits 3 and keeps the old site."""
    data = ROOT / "tests" / "cases" / "ok-minimal" / "data"
    out = tmp_path / "work" / "site"
    build(data, out)
    before = tree_hashes(out)
    script = tmp_path / "pagefind_extended"
    script.write_text("#!/bin/sh\necho 'boom' >&2\nexit 7\n")
    script.chmod(0o755)
    shim = tmp_path / "shim" / "pagefind_bin_extended"  # shadows the real package
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text(f"def get_executable():\n    return {str(script)!r}\n")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", "--data", str(data), "--out", str(out),
         "--as-of", AS_OF, "--jobs", "1", "--no-cache"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "shim")})
    assert proc.returncode == 3, proc.stderr
    assert "Pagefind" in proc.stderr and "Traceback" not in proc.stderr
    assert tree_hashes(out) == before
    assert [p.name for p in out.parent.iterdir() if ".staging-" in p.name] == []


def test_writer_links_what_the_previous_site_already_holds(tmp_path: Path) -> None:
    """``OutputWriter(previous=…)``: a file whose bytes equal the live site's is a hard link
    to it, any other is written; a symbolic link there is never followed; the live site is
    never written through."""
    from generator.publish.write import OutputWriter

    old = tmp_path / "old"
    (old / "a").mkdir(parents=True)
    (old / "a" / "same.html").write_bytes(b"<p>1</p>")
    (old / "a" / "changed.html").write_bytes(b"<p>1</p>")
    (tmp_path / "outside.html").write_bytes(b"<p>1</p>")
    os.symlink(tmp_path / "outside.html", old / "a" / "link.html")
    new = tmp_path / "new"
    new.mkdir()
    w = OutputWriter(new, previous=old)
    for name in ("same.html", "link.html", "new.html"):
        w.write(f"a/{name}", b"<p>1</p>")
    w.write("a/changed.html", b"<p>2</p>")
    assert (new / "a" / "same.html").stat().st_ino == (old / "a" / "same.html").stat().st_ino
    for name in ("link.html", "changed.html", "new.html"):
        p = new / "a" / name
        assert not p.is_symlink() and p.stat().st_nlink == 1, name
    assert (new / "a" / "link.html").read_bytes() == b"<p>1</p>"
    assert (new / "a" / "changed.html").read_bytes() == b"<p>2</p>"
    assert (old / "a" / "changed.html").read_bytes() == b"<p>1</p>"
    assert OutputWriter(new / "x", previous=tmp_path / "none").previous is None


def test_an_edit_links_the_county_files_that_did_not_change(tmp_path: Path) -> None:
    """After a one-village edit the other villages' change pages and posters, and the
    change log's files that did not change, are the live site's own files (hard links, no
    new file), the edited village's are new; the site equals a fresh build's."""
    data = synth(tmp_path / "data", 3)
    out = tmp_path / "site"
    build = [sys.executable, str(ROOT / "build.py"), "build", "--data", str(data), "--as-of", AS_OF,
             "--quiet"]
    subprocess.run([*build, "--out", str(out)], check=True, capture_output=True, timeout=300)
    villages = sorted(p.parent.relative_to(data) for p in data.glob("*/*/*/village.yaml"))
    edited, kept = villages[0], villages[-1]
    files = [f"{v}/{page}/index.html" for v in (edited, kept) for page in ("changes", "poster")]
    before = {rel: (out / rel).stat().st_ino for rel in files}
    shutil.copytree(out, tmp_path / "before")
    subprocess.run([sys.executable, str(ROOT / "tools" / "synth.py"), "--edit-village",
                    str(data / edited)], check=True, capture_output=True, timeout=60)
    subprocess.run([*build, "--out", str(out)], check=True, capture_output=True, timeout=300)
    after = {rel: (out / rel).stat().st_ino for rel in files}
    for page in ("changes", "poster"):
        assert after[f"{kept}/{page}/index.html"] == before[f"{kept}/{page}/index.html"], page
        assert after[f"{edited}/{page}/index.html"] != before[f"{edited}/{page}/index.html"], page
    fresh = tmp_path / "fresh"
    subprocess.run([*build, "--out", str(fresh), "--no-cache", "--previous", str(tmp_path / "before")],
                   check=True, capture_output=True, timeout=300)
    assert tree_hashes(out) == tree_hashes(fresh)
