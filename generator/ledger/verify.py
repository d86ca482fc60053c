"""``verify``: does the log published now extend the log an old checkpoint committed to?

Two checks, as a Certificate Transparency monitor makes them: the published entries hash
to the published tree head, and the RFC 9162 consistency proof between the old size and
the new one (computed here from those entries) verifies against both heads.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from generator.errors import ToolError
from generator.ledger import merkle
from generator.ledger.log import Checkpoint, read_leaves
from generator.ledger.source import CHECKPOINT, Source

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str


def parse_checkpoint(data: bytes, where: str) -> Checkpoint:
    try:
        return Checkpoint.parse(json.loads(data))
    except (ValueError, UnicodeDecodeError) as e:
        raise ToolError(f"{where} 不是有效的检查点文件：{e}") from e


def verify(old: Checkpoint, src: Source) -> Verdict:
    data = src.read(CHECKPOINT)
    if data is None:
        return Verdict(False, f"{src.label} 没有公开更新记录（缺少 {CHECKPOINT}）")
    new = parse_checkpoint(data, f"{src.label} 的 {CHECKPOINT}")
    try:
        leaves = read_leaves(src, new.size)
    except ToolError as e:
        return Verdict(False, f"公开的更新记录不完整：{e}")
    if len(leaves) != new.size or merkle.root(leaves).hex() != new.root:
        return Verdict(False, f"公开的 {new.size:,} 条更新记录与公开的检查点（{new.date}）对不上："
                              "条目被改动过")
    if old.size > new.size:
        return Verdict(False, f"记录被删减：{old.date} 的检查点有 {old.size:,} 条记录，"
                              f"现在公开的只有 {new.size:,} 条")
    proof = merkle.consistency_proof(leaves, old.size)
    if not merkle.verify_consistency(old.size, new.size, bytes.fromhex(old.root),
                                     bytes.fromhex(new.root), proof):
        return Verdict(False, f"记录被改写：{old.date} 的检查点之后，当时已公开的前 {old.size:,} 条"
                              "记录被改动或替换（一致性证明不成立）")
    return Verdict(True, f"一致：现在公开的更新记录（{new.size:,} 条，{new.date}）完整包含 "
                         f"{old.date} 检查点的 {old.size:,} 条记录，没有被改写。")
