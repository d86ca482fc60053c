"""Command line: build (default), check, serve, deploy. The one place errors become exit codes."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from generator.errors import (
    EXIT_DATA,
    EXIT_OK,
    EXIT_TOOL,
    EXIT_USAGE,
    KNOCK_ON,
    DataErrors,
    Problem,
    ToolError,
    UsageError,
)

log = logging.getLogger(__name__)

COMMANDS = ("build", "check", "serve", "deploy", "audit", "new", "template", "verify",
            "changes", "merge")
_VALUE_OPTS = {"--data", "--out", "--county", "--as-of", "--jobs", "--to", "--endpoint-url",
               "--max-deletes", "--port", "--reference", "--name", "--code", "--type", "--previous",
               "--checkpoint", "--site"}


# --as-of (and SOURCE_DATE_EPOCH) outside these dates is a usage error, not an overflow later
AS_OF_MIN = dt.date(1990, 1, 1)
AS_OF_MAX = dt.date(2099, 12, 31)


def _in_range(d: dt.date, shown: str) -> dt.date:
    if not AS_OF_MIN <= d <= AS_OF_MAX:
        raise argparse.ArgumentTypeError(
            f"日期 {shown} 超出范围（应在 {AS_OF_MIN.isoformat()} 到 {AS_OF_MAX.isoformat()} 之间）")
    return d


def _date(s: str) -> dt.date:
    try:
        d = dt.date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期 {s!r} 应写成 YYYY-MM-DD") from None
    return _in_range(d, s)


def _positive(s: str) -> int:
    try:
        n = int(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{s!r} 不是整数") from None
    if n < 1:
        raise argparse.ArgumentTypeError("应至少为 1")
    return n


def _nonneg(s: str) -> int:
    try:
        n = int(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{s!r} 不是整数") from None
    if n < 0:
        raise argparse.ArgumentTypeError("不能为负数")
    return n


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def make_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", type=Path, default=Path("villages"), help="数据文件夹（默认 villages/）")
    common.add_argument("--out", type=Path, default=Path("site"), help="输出文件夹（默认 site/）")
    common.add_argument("--county", action="append", default=[], metavar="SLUG",
                        help="只处理这个县（可重复）")
    common.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD",
                        help="计算公示状态和个人信息公示期所用的日期（默认今天或 SOURCE_DATE_EPOCH）")
    common.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1, help="并行进程数")
    common.add_argument("--no-cache", action="store_true", help="不使用以前构建缓存的结果")
    common.add_argument("--debug", action="store_true", help="出错时显示完整的技术信息")
    common.add_argument("--quiet", action="store_true", help="不显示进度和警告，只显示错误")
    common.add_argument("--all", action="store_true", dest="every",
                        help="同一个问题出现在很多行时，逐行列出（默认合并成一行）")

    p = _Parser(prog="yidiantong", description="一点通：村级小微权力公开网站生成器")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)
    ledger = argparse.ArgumentParser(add_help=False)
    ledger.add_argument("--previous", default=None, metavar="SRC",
                        help="--out 里没有以前的网站时，从这里读取以前公开的更新记录"
                             "（文件夹、http(s):// 网址或 s3://bucket/prefix）")
    ledger.add_argument("--new-ledger", action="store_true",
                        help="重新开始更新记录（以前的检查点将不再能验证通过）")
    sub.add_parser("build", parents=[common, ledger], help="检查数据并生成网站（默认）")
    sub.add_parser("check", parents=[common], help="只检查数据，不生成网站")
    sp = sub.add_parser("serve", parents=[common, ledger],
                        help="生成网站并在本机预览，数据改动后自动重新生成")
    sp.add_argument("--port", type=int, default=8000)
    sp.add_argument("--verbose", action="store_true", help="显示每个网页请求的记录")
    dp = sub.add_parser("deploy", parents=[common], help="把生成好的网站发布到对象存储（S3 兼容）")
    dp.add_argument("--to", required=True, metavar="s3://BUCKET/PREFIX")
    dp.add_argument("--endpoint-url", default=None)
    dp.add_argument("--dry-run", action="store_true")
    g = dp.add_mutually_exclusive_group()
    g.add_argument("--max-deletes", type=_nonneg, default=256)
    g.add_argument("--force", action="store_true")
    _add_audit_parser(sub)
    np_ = sub.add_parser("new", parents=[common], help="新建一个村的文件夹（village.yaml 已填好必填项）")
    np_.add_argument("where", metavar="县/乡镇/村", help="例如 qinghe-xian/dongguan-zhen/liuzhuang-cun")
    np_.add_argument("--name", required=True, metavar="名称", help="村（社区）名称，如 刘庄村")
    np_.add_argument("--code", required=True, metavar="代码", help="12 位行政区划代码")
    np_.add_argument("--type", choices=("村", "社区"), default=None,
                     help="村 或 社区（默认按名称判断）")
    # (its own --out, required: the common one's default is the site folder, and a parser's
    # set_defaults would change that default for every command sharing the option)
    tp = sub.add_parser("template", help="生成各表格的 Excel 模板（表头、下拉选项、填写说明）")
    tp.add_argument("--out", type=Path, required=True, metavar="DIR", help="模板放在哪个文件夹")
    tp.add_argument("--debug", action="store_true", help="出错时显示完整的技术信息")
    tp.add_argument("--quiet", action="store_true", help="只显示错误")
    vp = sub.add_parser("verify", help="核对现在公开的更新记录是否包含旧检查点的全部记录（没有被改写）")
    vp.add_argument("--checkpoint", required=True, type=Path, metavar="OLD.json",
                    help="以前保存的 checkpoint.json")
    vp.add_argument("--site", required=True, metavar="DIR_OR_URL",
                    help="网站文件夹或网址（县网站，或含各县的网站根）")
    vp.add_argument("--county", default=None, metavar="SLUG", help="县的文件夹名")
    vp.add_argument("--debug", action="store_true")
    sub.add_parser("changes", parents=[common, ledger],
                   help="列出下一次生成网站会新增、修改、删除哪些记录（不写任何文件）")
    mp = sub.add_parser("merge", parents=[common],
                        help="把分别构建的各县文件夹合并成一个网站（城市首页、全市搜索）")
    mp.add_argument("shards", nargs="+", type=Path, metavar="县的构建文件夹",
                    help="build --county 县 --out 文件夹 的输出（可多个）")
    return p


def _add_audit_parser(sub: argparse._SubParsersAction) -> None:
    """``audit``: the internal cross-check report (generator/audit/)."""
    ap = sub.add_parser("audit", help="数据比对碰撞：把公开数据与参考资料比对，生成内部线索报告")
    ap.add_argument("--data", type=Path, default=Path("villages"), help="数据文件夹（默认 villages/）")
    ap.add_argument("--reference", type=Path, required=True, metavar="REFDIR",
                    help="参考资料文件夹（死亡人员、财政供养人员、干部及亲属、企业登记、补助标准）")
    ap.add_argument("--out", type=Path, required=True, metavar="REPORTS",
                    help="报告文件夹（不能是网站文件夹，也不能在数据文件夹内）")
    ap.add_argument("--county", action="append", default=[], metavar="SLUG", help="只比对这个县（可重复）")
    ap.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD",
                    help="报告上注明的比对日期（默认今天或 SOURCE_DATE_EPOCH）")
    ap.add_argument("--site", default=None, metavar="DIR_OR_URL",
                    help="已生成或已发布的网站（文件夹、http(s):// 或 s3:// 地址）："
                         "从它的更新记录读取首次公开日期，检查公开是否及时（规则 9）")
    ap.add_argument("--jobs", type=_positive, default=os.cpu_count() or 1, help="并行进程数")
    ap.add_argument("--debug", action="store_true", help="出错时显示完整的技术信息")
    ap.add_argument("--quiet", action="store_true", help="只显示错误和结果")


def _audit(args: argparse.Namespace) -> int:
    from generator.audit.run import audit

    try:
        result = audit(args.data, args.reference, args.out, tuple(args.county),
                       args.as_of or default_as_of(), jobs=args.jobs, site=args.site)
    except DataErrors as e:
        print_problems(e.problems)
        errors = sum(not p.warning for p in e.problems)
        print(f"数据或参考资料有 {errors} 处错误，请按上面的提示修改后重新运行。没有生成报告。",
              file=sys.stderr)
        return EXIT_DATA
    print_problems(result.warnings, quiet=args.quiet)
    for c in result.counties:
        print(f"{c.name}（{c.slug}，{c.villages} 个村）：", file=sys.stderr)
        for s in c.statuses:
            print(f"  {s.rule}：{s.skipped if s.skipped else f'{s.count} 条'}", file=sys.stderr)
        print(f"  共 {c.findings} 条线索 → {c.csv}、{c.html}", file=sys.stderr)
    if result.data_warnings and not args.quiet:
        print(f"数据有 {result.data_warnings} 处警告（运行 python build.py check 查看）。", file=sys.stderr)
    print("比对报告是内部资料，含完整身份证号，请勿公开或上传到网站。", file=sys.stderr)
    return EXIT_OK


def _normalise(argv: list[str]) -> list[str]:
    """Allow the command anywhere (``--data x check``) and default to ``build``."""
    if any(a in ("-h", "--help") for a in argv) and not any(a in COMMANDS for a in argv):
        return argv
    prev = ""
    for i, a in enumerate(argv):
        if a in COMMANDS and prev not in _VALUE_OPTS:
            return [a] + argv[:i] + argv[i + 1:]
        prev = a
    return ["build"] + argv


def default_as_of() -> dt.date:
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde:
        try:
            d = dt.datetime.fromtimestamp(int(sde), dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise UsageError(f"SOURCE_DATE_EPOCH={sde!r} 不是有效的时间戳") from None
        try:
            return _in_range(d, f"SOURCE_DATE_EPOCH={sde}（{d.isoformat()}）")
        except argparse.ArgumentTypeError as e:
            raise UsageError(str(e)) from None
    return dt.date.today()


GROUP_FROM = 3  # the same message on this many rows of one file is printed once


def _spans(lines: list[int]) -> str:
    """``2–560`` or ``2、5、9–12`` (at most a dozen pieces, then ``…``)."""
    pieces: list[str] = []
    start = prev = lines[0]
    for n in [*lines[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        pieces.append(str(start) if start == prev else f"{start}–{prev}")
        if n is not None:
            start = prev = n
    if len(pieces) > 12:
        pieces = [*pieces[:12], "…"]
    return "、".join(pieces)


def group_problems(problems: Sequence[Problem]) -> list[str]:
    """The lines to print: one line for the same field and message on several rows of one
    file (``（第 2–560 行共 559 处）``), in the order of its first row; others as they are."""
    groups: dict[tuple[str, str, str, bool], list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.path, p.field, p.message, p.warning), []).append(p)
    out: list[str] = []
    for p in problems:
        same = groups[(p.path, p.field, p.message, p.warning)]
        if len(same) < GROUP_FROM or p.field == "文件夹":
            out.append(str(p))
        elif same[0] is p:
            lines = sorted({q.line for q in same})
            out.append(f"{p}（第 {_spans(lines)} 行共 {len(same)} 处，加 --all 显示每一处）")
    return out


def print_problems(problems: Sequence[Problem], *, quiet: bool = False,
                   every: bool = False) -> None:
    shown = [p for p in problems if not (p.warning and quiet)]
    # root causes first: a message that blames another value comes after the others
    shown.sort(key=lambda p: KNOCK_ON in p.message)
    for line in (map(str, shown) if every else group_problems(shown)):
        print(line, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args_list
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        args = make_parser().parse_args(_normalise(args_list))
        return _dispatch(args)
    except UsageError as e:
        print(f"用法错误：{e}", file=sys.stderr)
        print("运行 python build.py --help 查看用法。", file=sys.stderr)
        return EXIT_USAGE
    except DataErrors as e:
        print_problems(e.problems, every="--all" in args_list)
        errors = sum(not p.warning for p in e.problems)
        warns = len(e.problems) - errors
        print(f"数据有 {errors} 处错误{f'、{warns} 处警告' if warns else ''}，请按上面的提示修改后重新运行。"
              "网站没有更新（原来的网站保持不变）。", file=sys.stderr)
        return EXIT_DATA
    except ToolError as e:
        if debug:
            _print_traceback()
        print(f"出错：{e}", file=sys.stderr)
        return EXIT_TOOL
    except KeyboardInterrupt:
        print("已中断，网站没有更新。", file=sys.stderr)
        return 130
    except SystemExit as e:  # argparse --help
        return int(e.code or 0) if isinstance(e.code, int) else EXIT_USAGE
    except OSError as e:
        if debug:
            _print_traceback()
        print(f"出错：{e.strerror or e}（{e.filename or ''}）", file=sys.stderr)
        return EXIT_TOOL
    except Exception as e:  # noqa: BLE001 - no traceback for clerks
        if debug:
            _print_traceback()
        print(f"程序内部错误：{type(e).__name__}: {e}\n请加 --debug 重新运行，并把输出发给县里的技术人员。",
              file=sys.stderr)
        return EXIT_TOOL


def _print_traceback() -> None:
    """With --debug: the traceback of the error being handled (the exit code stays that of
    the error), without credentials when a deploy was under way."""
    text = traceback.format_exc()
    deploy = sys.modules.get("generator.publish.deploy")
    if deploy is not None:
        text = deploy.redact(text)
    print(text, file=sys.stderr, end="")


class Progress:
    """A bar on a terminal; on anything else (CI logs) a plain line every few seconds."""

    def __init__(self, stream, every: float = 5.0):
        self.stream = stream
        self.tty = stream.isatty()
        self.every = every
        self.last = -every

    def __call__(self, done: int, total: int, seconds: float) -> None:
        if self.tty:
            width = 30
            filled = width * done // max(total, 1)
            end = "\n" if done == total else ""
            self.stream.write(f"\r村 [{'#' * filled}{'-' * (width - filled)}] {done}/{total}  "
                              f"{seconds:.0f} 秒{end}")
            self.stream.flush()
        elif seconds - self.last >= self.every or done == total:
            self.last = seconds
            print(f"进度：{done}/{total} 个村，已用 {seconds:.1f} 秒", file=self.stream, flush=True)


SERVE_LOCK_WAIT = 900.0  # seconds serve's rebuilds wait for another build


def _options(args: argparse.Namespace):
    from generator.pipeline import Options

    as_of = args.as_of or default_as_of()
    return Options(data=args.data, out=args.out, counties=tuple(args.county), as_of=as_of,
                   jobs=args.jobs, use_cache=not args.no_cache,
                   progress=None if args.quiet else Progress(sys.stderr),
                   command=args.command or "build",
                   # serve's rebuilds wait for a build started by hand to finish
                   lock_wait=SERVE_LOCK_WAIT if args.command == "serve" else None,
                   previous=getattr(args, "previous", None),
                   new_ledger=getattr(args, "new_ledger", False))


def _dispatch(args: argparse.Namespace) -> int:
    from generator.pipeline import load_site

    cmd = args.command or "build"
    if cmd == "check":
        problems = load_site(_options(args))
        print_problems(problems, quiet=args.quiet, every=args.every)
        warns = len(problems)
        print(f"检查通过{f'（{warns} 处警告）' if warns else ''}。", file=sys.stderr)
        return EXIT_OK
    if cmd == "build":
        return _build(args)
    if cmd == "verify":
        return _verify(args)
    if cmd == "changes":
        return _changes(args)
    if cmd == "serve":
        return _serve(args)
    if cmd == "audit":
        return _audit(args)
    if cmd == "deploy":
        from generator.publish.deploy import deploy
        from generator.publish.lock import BuildLock
        from generator.publish.write import recover

        if len(args.county) > 1:
            raise UsageError("deploy 一次只能指定一个 --county")
        with BuildLock(args.out, "deploy"):  # no build swaps the site while it is uploaded
            recover(args.out)  # a build that died while swapping: its old site is the site
            deploy(args.out, args.to, county=args.county[0] if args.county else None,
                   endpoint_url=args.endpoint_url, dry_run=args.dry_run,
                   max_deletes=args.max_deletes, force=args.force)
        return EXIT_OK
    if cmd == "new":
        from generator.clerk.scaffold import new_village

        vdir = new_village(args.data, args.where, args.name, args.code, args.type)
        print(f"已新建 {vdir}/village.yaml。请补充其中的内容，再运行 python build.py check 检查。",
              file=sys.stderr)
        return EXIT_OK
    if cmd == "template":
        from generator.clerk.workbook import write_templates

        files = write_templates(args.out)
        print(f"已生成 {len(files)} 个模板：{'、'.join(f.name for f in files)}（在 {args.out}/）。"
              "只填第一个工作表；“示例”和“说明”两页不会被读取。", file=sys.stderr)
        return EXIT_OK
    if cmd == "merge":
        return _merge(args)
    raise UsageError(f"未知命令 {cmd}")


def _merge(args: argparse.Namespace) -> int:
    from generator.pipeline import merge_sites

    # city.yaml is read from --data as build does; without --data, from villages/ when present
    data = args.data if args.data.is_dir() or args.data != Path("villages") else None
    report = merge_sites(args.shards, args.out, data, jobs=args.jobs)
    print_problems(report.warnings, quiet=args.quiet)
    print(f"合并完成：{report.counties} 个县，{report.villages} 个村，{report.records:,} 条记录，"
          f"用时 {report.seconds:.1f} 秒。网站在 {args.out}/", file=sys.stderr)
    return EXIT_OK


def _build(args: argparse.Namespace) -> int:
    from generator.pipeline import build_site

    report = build_site(_options(args))
    print_problems(report.warnings, quiet=args.quiet, every=args.every)
    cached = f"（{report.cached_villages} 个村沿用缓存）" if report.cached_villages else ""
    print(f"完成：{report.counties} 个县，{report.villages} 个村，{report.records:,} 条记录，"
          f"{report.pages:,} 个页面，用时 {report.seconds:.1f} 秒{cached}。"
          f"{f'有 {len(report.warnings)} 处警告。' if report.warnings else ''}网站在 {args.out}/",
          file=sys.stderr)
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    from generator.ledger.source import open_source
    from generator.ledger.verify import parse_checkpoint, verify

    try:
        data = args.checkpoint.read_bytes()
    except OSError as e:
        raise UsageError(f"读不到检查点文件 {args.checkpoint}：{e.strerror}") from None
    old = parse_checkpoint(data, str(args.checkpoint))
    site = str(args.site)
    if args.county is None and not site.startswith(("http://", "https://", "s3://")) \
            and not (Path(site) / "ledger" / "checkpoint.json").is_file():
        found = sorted(p.parent.parent.name for p in Path(site).glob("*/ledger/checkpoint.json"))
        if len(found) == 1:
            args.county = found[0]
        elif found:
            raise UsageError(f"{site} 下有 {len(found)} 个县的更新记录，请用 --county 指定：{'、'.join(found)}")
    verdict = verify(old, open_source(site, args.county or ""))
    print(verdict.message, file=sys.stdout if verdict.ok else sys.stderr)
    return EXIT_OK if verdict.ok else EXIT_DATA


def _changes(args: argparse.Namespace) -> int:
    from generator.ledger.records import MODULE_LABELS
    from generator.pipeline import preview_changes

    OPS = {"add": "新增", "change": "修改", "remove": "删除"}
    villages = preview_changes(_options(args))
    if not villages:
        print("没有变动：下一次生成网站不会新增、修改或删除任何公开记录。")
        return EXIT_OK
    for where, name, items in villages:
        print(f"{where}（{name}）：")
        if items is None:
            print("  首次生成：本村现有的公开记录将全部记入更新记录")
            continue
        for it in items:
            mark = "（修改旧记录）" if it.get("old") else ""
            print(f"  {OPS.get(it['op'], it['op'])}{mark} {MODULE_LABELS.get(it['m'], it['m'])} {it['t']}")
            for label, old, new in it.get("f", []):
                print(f"      {label}: {old or '（空）'} → {new or '（空）'}")
    return EXIT_OK


def _snapshot(paths: list[Path]) -> dict[str, float]:
    out = {}
    for root in paths:
        if root.is_file():
            out[str(root)] = root.stat().st_mtime
            continue
        for p in root.rglob("*"):
            try:
                out[str(p)] = p.stat().st_mtime
            except OSError:
                pass
    return out


def error_banner(problems: Sequence[Problem], limit: int = 30) -> bytes:
    """The banner ``serve`` puts at the top of every page while the latest rebuild has
    errors: the page below stays the last good one, the banner says why it is not updated."""
    import html

    errors = [p for p in problems if not p.warning]
    items = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in errors[:limit])
    more = f"<p>……共 {len(errors)} 处错误，完整列表见命令行窗口。</p>" if len(errors) > limit else ""
    return (f'<div class="hot" role="alert" id="serve-errors"><p><strong>数据有 {len(errors)} 处错误，'
            f"下面仍是上一次成功生成的网站。</strong>改好后保存，预览会自动更新。</p>"
            f"<ol>{items}</ol>{more}</div>").encode()


def _serve(args: argparse.Namespace) -> int:
    import functools
    import http.server
    import re
    import threading

    from generator.site import theme

    state: dict[str, bytes] = {"banner": b""}

    def rebuild() -> None:
        try:
            _build(args)
            state["banner"] = b""
        except DataErrors as e:
            print_problems(e.problems, every=args.every)
            print("数据有错误，预览仍显示上一次成功生成的网站。", file=sys.stderr)
            state["banner"] = error_banner(e.problems)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            banner = state["banner"]
            path = Path(self.translate_path(self.path))
            if path.is_dir():
                path = path / "index.html"
            if not banner or path.suffix != ".html" or not path.is_file():
                return super().do_GET()
            body = re.sub(rb"(<body[^>]*>)", lambda m: m.group(1) + banner, path.read_bytes(),
                          count=1)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *a: object) -> None:  # noqa: A002
            if args.verbose:
                super().log_message(format, *a)

    rebuild()
    handler = functools.partial(Handler, directory=str(args.out))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    print(f"预览地址：http://127.0.0.1:{args.port}/  （按 Ctrl+C 停止）", file=sys.stderr)
    # the data folder holds the counties' theme folders (<county>/theme/) too
    watched = [args.data, theme.TEMPLATES, theme.CONTENT]
    snap = _snapshot(watched)
    try:
        while True:
            time.sleep(1)
            now = _snapshot(watched)
            if now != snap:
                snap = now
                print("发现改动，重新生成……", file=sys.stderr)
                rebuild()
    except KeyboardInterrupt:
        httpd.shutdown()
        return EXIT_OK
