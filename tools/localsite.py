"""A built site served on 127.0.0.1 for the tools that open it in Chromium
(search_screenshots.py, search_traffic.py). Stdlib only."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# a search page is done when its status line says something other than "正在…"
SEARCH_DONE = ("() => { const s = document.getElementById('search-status').textContent;"
               " return s && !s.startsWith('正在'); }")


@contextmanager
def serve(site: Path, sent: list[int] | None = None) -> Iterator[str]:
    """Serve ``site`` (files as they are, no log lines) while the block runs; yields the base
    URL ("http://127.0.0.1:PORT/"). ``sent``: the body size of every response is appended."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def copyfile(self, source, outputfile) -> None:  # type: ignore[no-untyped-def]
            data = source.read()
            if sent is not None:
                sent.append(len(data))
            outputfile.write(data)

    srv = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/"
    finally:
        srv.shutdown()
