"""FAQ import and export as files: the same whole-file validation, row-numbered problems and summary
as the chat (bot/faq/files.py), applied in one transaction after the admin confirms what they saw.

The confirmation re-posts the file itself (base64, in the form) with the FAQ version it was checked
against: it is checked again on apply, and if the FAQ changed meanwhile the new summary is shown
instead of applying a stale one.
"""

from __future__ import annotations

import base64
import binascii

from aiohttp import web

from bot.faq.files import SUPPORTED, ImportSummary, export_faq, parse_faq_file, summarize
from bot.tables import MAX_FILE_BYTES, ImportProblems
from bot.web.auth import redirect
from bot.web.context import ACTOR, CONSOLE, FLASH, Console, render
from bot.web.pages_faq import fresh
from knowledge.entries import FaqEntry

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "yaml": "application/yaml; charset=utf-8",
}


async def export(request: web.Request) -> web.Response:
    """GET /export/faq?fmt=xlsx|csv|yaml: the whole FAQ as a file (audited, as in the chat)."""
    console = request.app[CONSOLE]
    fresh(console)
    fmt = request.query.get("fmt", "xlsx")
    if fmt not in CONTENT_TYPES:
        raise web.HTTPBadRequest(text="格式只能是 xlsx、csv 或 yaml。")
    kb = console.conversation.kb
    content = export_faq(kb.entries, kb.categories, fmt)
    console.store.audit(request[ACTOR].key, "faq.export", fmt, None, len(kb.entries))
    return web.Response(body=content, headers={"Content-Type": CONTENT_TYPES[fmt],
                        "Content-Disposition": f'attachment; filename="faq.{fmt}"'})  # fmt: skip


async def import_page(request: web.Request) -> web.Response:
    """GET /import/faq: the upload form."""
    return render(request, "faq_import.html", problems=None, summary=None)


def _check(console: Console, filename: str, content: bytes) -> tuple[list[FaqEntry], ImportSummary, ImportSummary]:
    """The file's entries, and what importing them would change (keeping, or deleting, entries it lacks)."""
    kb = console.conversation.kb
    incoming = parse_faq_file(filename, content, kb.categories, kb.entries)
    return incoming, summarize(kb.entries, incoming, delete_missing=False), summarize(kb.entries, incoming, True)


async def upload(request: web.Request) -> web.Response:
    """POST /import/faq: check the whole file; list every problem with its row, or the summary to confirm."""
    console = request.app[CONSOLE]
    fresh(console)
    form = await request.post()
    upload = form.get("file")
    if not isinstance(upload, web.FileField) or not upload.filename:
        return render(request, "faq_import.html", status=400, problems=["请选择一个 .xlsx、.csv 或 .yaml 文件。"], summary=None)
    content = upload.file.read(MAX_FILE_BYTES + 1)
    if len(content) > MAX_FILE_BYTES:
        return render(request, "faq_import.html", status=400, summary=None,
                      problems=[f"文件超过 {MAX_FILE_BYTES // 2**20} MB，请分批导入。"])  # fmt: skip
    return _summary_or_problems(request, console, upload.filename, content)


def _summary_or_problems(request: web.Request, console: Console, filename: str, content: bytes) -> web.Response:
    try:
        _, keep, drop = _check(console, filename, content)
    except ImportProblems as problems:
        lines = [p.reason for p in problems.problems]
        if problems.total > len(lines):
            lines.append(f"……共 {problems.total} 处问题")
        return render(request, "faq_import.html", status=400, problems=lines, summary=None, filename=filename)
    return render(
        request, "faq_import.html", problems=None, summary=keep.text(), offer_delete=bool(drop.deleted),
        delete_summary=drop.text(), has_changes=drop.has_changes, filename=filename,
        content=base64.b64encode(content).decode(), version=console.store.faq_version(),
    )  # fmt: skip


async def apply(request: web.Request) -> web.Response:
    """POST /import/faq/apply: apply exactly what was shown, or show the new summary if the FAQ changed."""
    console = request.app[CONSOLE]
    fresh(console)
    form = await request.post()
    filename = str(form.get("filename", ""))
    try:
        content = base64.b64decode(str(form.get("content", "")), validate=True)
    except (binascii.Error, ValueError):
        raise web.HTTPBadRequest(text="表单内容有误，请重新上传。") from None
    if not filename.lower().endswith(SUPPORTED):
        raise web.HTTPBadRequest(text="文件类型不对，请重新上传。")
    if str(form.get("version", "")) != str(console.store.faq_version()):
        request[FLASH] = "检查之后问答库被修改过，下面是按当前内容重新核对的结果，请再确认一次。"
        return _summary_or_problems(request, console, filename, content)
    try:
        incoming, keep, drop = _check(console, filename, content)
    except ImportProblems:
        return _summary_or_problems(request, console, filename, content)
    summary = drop if form.get("mode") == "delete" else keep
    console.store.apply_import(incoming, summary.deleted, request[ACTOR].key)
    console.conversation.reload_knowledge()
    raise redirect("/faq", "已导入：" + summary.text())


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/export/faq", export)
    router.add_get("/import/faq", import_page)
    router.add_post("/import/faq", upload)
    router.add_post("/import/faq/apply", apply)
