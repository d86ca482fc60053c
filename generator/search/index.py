"""Build Pagefind bundles with the extended binary, fed documents directly (service mode)."""

from __future__ import annotations

import base64
import json
import logging
import subprocess
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path

from generator.errors import ToolError
from generator.publish.write import OutputWriter
from generator.search.pagefind_canon import canonicalize
from generator.search.searchdocs import INDEX_LANG

log = logging.getLogger(__name__)

TIMEOUT = 3600  # seconds for one township's bundle before Pagefind is stopped
# Pagefind's ready-made search interfaces: the site has its own search page
# (templates/static/search.js loads pagefind.js, which loads its worker and wasm), so
# these 420 KB are left out of every township's bundle
UNUSED_FILES = frozenset({
    "pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
    "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
})


def pagefind_executable() -> Path:
    try:
        from pagefind_bin_extended import get_executable
    except ImportError as e:
        raise ToolError("找不到 Pagefind 扩展版。请运行：python -m pip install 'pagefind[extended]'") from e
    return Path(get_executable())


class _Service:
    """``pagefind --service``: the same indexer as the command line, fed documents over its
    standard input (base64 JSON messages ending in ","), so the thousands of index-only
    documents of a township never have to be files. Requests are written by a thread while
    the answers are read, so that neither pipe can fill up and stall the other side."""

    def __init__(self) -> None:
        exe = pagefind_executable()
        self.stderr = tempfile.TemporaryFile()
        try:
            self.proc = subprocess.Popen([str(exe), "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=self.stderr)
        except OSError as e:
            self.stderr.close()
            raise ToolError(f"无法运行 Pagefind（{exe}）：{e}") from e
        self.buf = b""  # what was read after the last answer
        self.next_id = 0
        self.timed_out = False

    def encode(self, payload: dict) -> bytes:
        self.next_id += 1
        msg = {"message_id": self.next_id, "payload": payload}
        return base64.b64encode(json.dumps(msg, ensure_ascii=False).encode()) + b","

    def read(self) -> dict:
        assert self.proc.stdout is not None
        # an answer holding the township's index runs to megabytes and arrives in pipe-sized
        # chunks: each chunk is searched once and they are joined once
        chunks = [self.buf]
        chunk = self.buf
        while b"," not in chunk:
            chunk = self.proc.stdout.read1(1 << 20)
            if not chunk:
                raise self.failed()
            chunks.append(chunk)
        msg, _, self.buf = b"".join(chunks).partition(b",")
        payload = json.loads(base64.b64decode(msg))["payload"]
        if payload.get("type") == "Error":
            raise ToolError(f"Pagefind 建立搜索索引失败：{payload.get('message', '')[:2000]}")
        return payload

    def failed(self) -> ToolError:
        """The error to raise when Pagefind stopped answering (with what it printed)."""
        try:
            code = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait()
        if self.timed_out:
            return ToolError(f"Pagefind 建立搜索索引超时（{TIMEOUT // 60} 分钟没有完成一个乡镇），已停止")
        self.stderr.seek(0)
        msg = self.stderr.read()[-2000:].decode("utf-8", "replace").strip()
        return ToolError(f"Pagefind 建立搜索索引失败（退出码 {code}）：{msg}")

    def kill_after_timeout(self) -> None:
        self.timed_out = True
        self.proc.kill()

    def send(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()
        except OSError:  # it has exited: say why
            raise self.failed() from None

    def call(self, payload: dict) -> dict:
        self.send(self.encode(payload))
        return self.read()

    def close(self) -> None:
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.stderr.close()


def doc_url(path: str) -> str:
    """The result URL Pagefind gives a page at ``path`` (relative to the bundle's site root):
    a folder's ``index.html`` is linked as the folder; any other file, such as the notice
    ``price-index.html``, by its own name."""
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return "/" + path


class ServicePool:
    """Pagefind services kept for the whole build: starting one costs CPU, which a county's
    ten township bundles — or a seed scale's 160 — would otherwise pay each time. ``warm()``
    starts one early, so that the first bundle of a small edit does not wait for it."""

    def __init__(self) -> None:
        self._idle: list[_Service] = []
        self._lock = threading.Lock()
        self._closed = False

    def warm(self) -> None:
        def start() -> None:
            try:
                service = _Service()
                index_id = service.call({"type": "NewIndex", "config": None})["index_id"]
                service.call({"type": "AddFile", "index_id": index_id, "url": "/",
                              "file_contents": f'<html lang="{INDEX_LANG}"><body>预 热</body></html>',
                              "file_path": None})
                service.call({"type": "DeleteIndex", "index_id": index_id})
            except (ToolError, OSError) as e:  # the real indexing reports the problem
                log.debug("Pagefind warm-up failed: %s", e)
                return
            self.put(service)

        threading.Thread(target=start, daemon=True).start()

    def get(self) -> _Service:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return _Service()

    def put(self, service: _Service) -> None:
        with self._lock:
            if not self._closed:
                self._idle.append(service)
                return
        service.close()  # the build is over (a late warm-up)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for service in idle:
            service.close()


def index_documents(docs: Iterable[tuple[str, bytes]], output_path: Path,
                    pool: ServicePool | None = None) -> None:
    """Build one Pagefind bundle in ``output_path`` from (path, HTML) documents, paths
    relative to the site the bundle serves (its county folder); then make it reproducible."""
    service = pool.get() if pool is not None else _Service()
    error: list[BaseException] = []
    ok = False
    watchdog = threading.Timer(TIMEOUT, service.kill_after_timeout)  # a hung Pagefind
    watchdog.daemon = True
    watchdog.start()
    try:
        index_id = service.call({"type": "NewIndex", "config": None})["index_id"]
        requests = [service.encode({"type": "AddFile", "index_id": index_id, "url": doc_url(path),
                                    "file_contents": html.decode("utf-8"), "file_path": None})
                    for path, html in docs]

        def send() -> None:
            try:
                assert service.proc.stdin is not None
                for r in requests:
                    service.proc.stdin.write(r)
                service.proc.stdin.flush()
            except OSError as e:  # the reader reports the exit
                error.append(e)

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        try:
            for _ in requests:
                service.read()
        finally:
            sender.join()
        # The files come back in the answer and are written here: Pagefind's own writing
        # (WriteFiles) can still be under way when it answers and exits at end of input,
        # which once left a truncated pagefind-modular-ui.css.
        files = service.call({"type": "GetFiles", "index_id": index_id})["files"]
        service.call({"type": "DeleteIndex", "index_id": index_id})
        ok = not error
    finally:
        watchdog.cancel()
        if ok and pool is not None and not service.timed_out:
            pool.put(service)
        else:
            service.close()
    if error:
        raise ToolError(f"Pagefind 建立搜索索引失败：{error[0]}")
    out = output_path.absolute()
    out.mkdir(parents=True, exist_ok=True)
    writer = OutputWriter(out)  # refuses paths that would leave the bundle's folder
    for f in files:
        if f["path"] in UNUSED_FILES:
            continue
        writer.write(f["path"], base64.b64decode(f["content"]))
    canonicalize(out)
