"""Make a Pagefind bundle byte-for-byte reproducible.

Pagefind 1.x writes each filter's values in hash-map order, which changes from
run to run; that makes the filter files, the metadata file that names them and
``pagefind-entry.json`` differ between two builds of the same pages. Here the
filter values are sorted and the changed files are renamed after their content,
so the same pages always give the same bundle (needed for byte-identical
builds and for deploys that upload only what changed).

Only the small CBOR subset Pagefind writes is handled (unsigned/negative ints,
byte and text strings, arrays, maps).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import struct
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_MAGIC_FILTER = b"pagefind_dcd"


class _Bytes(bytes):
    pass


def _decode(buf: bytes, i: int = 0) -> tuple[Any, int]:
    ib = buf[i]
    major, info = ib >> 5, ib & 0x1F
    i += 1
    if info < 24:
        val = info
    elif info == 24:
        val = buf[i]
        i += 1
    elif info == 25:
        val = struct.unpack_from(">H", buf, i)[0]
        i += 2
    elif info == 26:
        val = struct.unpack_from(">I", buf, i)[0]
        i += 4
    elif info == 27:
        val = struct.unpack_from(">Q", buf, i)[0]
        i += 8
    else:
        raise ValueError("unsupported CBOR item")
    if major == 0:
        return val, i
    if major == 1:
        return -1 - val, i
    if major == 2:
        return _Bytes(buf[i:i + val]), i + val
    if major == 3:
        return buf[i:i + val].decode("utf-8"), i + val
    if major == 4:
        out = []
        for _ in range(val):
            item, i = _decode(buf, i)
            out.append(item)
        return out, i
    if major == 5:
        m = []
        for _ in range(val):
            k, i = _decode(buf, i)
            v, i = _decode(buf, i)
            m.append((k, v))
        return dict(m), i
    raise ValueError("unsupported CBOR major type")


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    if n < 0x100:
        return bytes([major << 5 | 24, n])
    if n < 0x10000:
        return bytes([major << 5 | 25]) + struct.pack(">H", n)
    if n < 0x100000000:
        return bytes([major << 5 | 26]) + struct.pack(">I", n)
    return bytes([major << 5 | 27]) + struct.pack(">Q", n)


def _encode(obj: Any) -> bytes:
    if isinstance(obj, bool):
        raise ValueError("bool not expected")
    if isinstance(obj, int):
        return _head(0, obj) if obj >= 0 else _head(1, -1 - obj)
    if isinstance(obj, bytes):
        return _head(2, len(obj)) + obj
    if isinstance(obj, str):
        b = obj.encode("utf-8")
        return _head(3, len(b)) + b
    if isinstance(obj, list):
        return _head(4, len(obj)) + b"".join(_encode(x) for x in obj)
    if isinstance(obj, dict):
        return _head(5, len(obj)) + b"".join(_encode(k) + _encode(v) for k, v in obj.items())
    raise ValueError(f"cannot encode {type(obj)}")


def _gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def _rename_refs(obj: Any, renames: dict[str, str]) -> Any:
    if isinstance(obj, str):
        return renames.get(obj, obj)
    if isinstance(obj, list):
        return [_rename_refs(x, renames) for x in obj]
    if isinstance(obj, dict):
        return {_rename_refs(k, renames): _rename_refs(v, renames) for k, v in obj.items()}
    return obj


def canonicalize(bundle: Path) -> None:
    """Rewrite ``bundle`` (a Pagefind output folder) into its reproducible form."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text("utf-8"))
    renames: dict[str, str] = {}
    for f in sorted((bundle / "filter").glob("*.pf_filter")):
        raw = gzip.decompress(f.read_bytes())
        if not raw.startswith(_MAGIC_FILTER):
            continue
        body, end = _decode(raw, len(_MAGIC_FILTER))
        if end != len(raw) or _encode(body) != raw[len(_MAGIC_FILTER):]:
            log.warning("Pagefind filter %s not understood; left as is", f.name)
            continue
        # body: [filter name, [[value, [page numbers]], ...]]
        body[1] = sorted(body[1], key=lambda kv: kv[0])
        canon = _MAGIC_FILTER + _encode(body)
        lang, old_hash = f.stem.split("_", 1)
        new_hash = hashlib.sha256(canon).hexdigest()[: len(old_hash)]
        new_name = f"{lang}_{new_hash}"
        renames[f.stem] = new_name
        f.unlink()
        (f.parent / f"{new_name}.pf_filter").write_bytes(_gz(canon))
    for lang, info in entry.get("languages", {}).items():
        meta = bundle / f"pagefind.{info['hash']}.pf_meta"
        raw = gzip.decompress(meta.read_bytes())
        magic = _MAGIC_FILTER if raw.startswith(_MAGIC_FILTER) else b""
        body, end = _decode(raw, len(magic))
        if end != len(raw):
            log.warning("Pagefind metadata %s not understood; left as is", meta.name)
            continue
        body = _rename_refs(body, renames)
        # body: [version, fragments, index chunks, filters [[name, file]], sorts, meta fields];
        # the filter list and the meta-field list come out in hash-map order too
        if isinstance(body, list) and len(body) >= 4 and isinstance(body[3], list):
            body[3] = sorted(body[3], key=lambda nf: nf[0])
        if isinstance(body, list) and len(body) >= 6 and all(isinstance(x, str) for x in body[5]):
            body[5] = sorted(body[5])
        canon = magic + _encode(body)
        old = info["hash"]
        prefix, old_h = old.split("_", 1)
        new = f"{prefix}_{hashlib.sha256(canon).hexdigest()[: len(old_h)]}"
        meta.unlink()
        (bundle / f"pagefind.{new}.pf_meta").write_bytes(_gz(canon))
        info["hash"] = new
        entry["languages"][lang] = info
    entry_path.write_bytes(json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
