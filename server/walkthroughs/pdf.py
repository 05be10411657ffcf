"""The 验房记录 PDF of one signed walkthrough: Chinese typeset with Noto CJK through WeasyPrint, every item
with its photo thumbnail, both signatures drawn from their vector strokes, and the verification code with
a QR code that opens the server's verification page."""

from __future__ import annotations

import base64
import io
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

import qrcode
import qrcode.image.svg

from domain.models import Walkthrough
from media.storage import BlobNotFound, Storage, photo_key

LOCAL = ZoneInfo("Asia/Shanghai")
SEVERITY_ZH = {"A": "A 级", "B": "B 级", "C": "C 级"}

CSS = """
@page { size: A4; margin: 14mm 12mm 16mm;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif; font-size: 9.5pt; color: #111; }
h1 { font-size: 16pt; margin: 0 0 4mm; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 0.3mm solid #999; padding: 1.5mm; vertical-align: top; text-align: left; }
th { background: #eee; }
.meta td { border: none; padding: 0.6mm 2mm 0.6mm 0; }
.thumb { width: 22mm; height: 16mm; object-fit: cover; }
.sig { display: inline-block; width: 80mm; margin-right: 8mm; vertical-align: top; }
.sig svg { width: 80mm; height: 30mm; border-bottom: 0.3mm solid #333; }
.verify { margin-top: 6mm; font-size: 8.5pt; }
.verify svg { width: 26mm; height: 26mm; float: right; }
.code { font-family: monospace; font-size: 11pt; letter-spacing: 0.5mm; }
"""


def _local(at: datetime) -> str:
    return at.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


def _strokes_svg(signature: dict[str, Any]) -> str:
    paths = []
    for stroke in signature.get("strokes", []):
        points = " ".join(f"{x * 300:.1f},{y * 110:.1f}" for x, y in stroke)
        paths.append(f'<polyline points="{points}" fill="none" stroke="#000" stroke-width="2.2"/>')
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 110">{"".join(paths)}</svg>'


def _thumb(storage: Storage, sha256: str) -> str:
    for variant in ("thumb", "display"):
        try:
            with storage.open(photo_key(sha256, variant)) as f:
                data = f.read()
        except (BlobNotFound, FileNotFoundError, OSError):
            continue
        return f'<img class="thumb" src="data:image/jpeg;base64,{base64.b64encode(data).decode()}">'
    return ""


def _qr_svg(url: str) -> str:
    img = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=1)
    buf = io.BytesIO()
    img.save(buf)
    svg = buf.getvalue().decode()
    return svg[svg.index("<svg") :]


def render(
    w: Walkthrough,
    *,
    project: str,
    unit: str,
    inspection: str,
    inspector: str,
    code: str,
    verify_url: str,
    storage: Storage,
) -> bytes:
    from weasyprint import HTML  # imported here: loading it costs a second, only the PDF endpoints need it

    rows = []
    for n, item in enumerate(w.items, start=1):
        thumbs = "".join(_thumb(storage, sha) for sha in item.get("photos", [])[:2])
        owner = "（业主提出）" if item.get("owner_raised") else ""
        rows.append(
            "<tr>"
            f"<td>{item.get('number') or n}</td><td>{thumbs}</td><td>{escape(item.get('room') or '—')}</td>"
            f"<td>{escape(item.get('type') or '')}{owner}</td><td>{SEVERITY_ZH.get(item.get('severity', ''), '')}</td>"
            f"<td>{escape(item.get('description') or '')}</td><td>{escape(item.get('due') or '—')}</td>"
            "</tr>"
        )
    if not rows:
        rows.append('<tr><td colspan="7">本次陪验未发现问题 / No defects were found in this walkthrough</td></tr>')
    html = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>{CSS}</style></head><body>
<h1>验房记录 · 第 {w.round} 次签字</h1>
<table class="meta">
<tr><td>项目</td><td>{escape(project)}</td><td>房号</td><td>{escape(unit)}</td></tr>
<tr><td>检查批次</td><td>{escape(inspection)}</td><td>签字时间</td><td>{_local(w.signed_at)}</td></tr>
<tr><td>业主</td><td>{escape(w.owner_name)}</td><td>陪验人员</td><td>{escape(inspector)}</td></tr>
</table>
<h2 style="font-size:11pt">问题清单（共 {len(w.items)} 项）</h2>
<table><thead><tr><th>编号</th><th>照片</th><th>房间</th><th>类型</th><th>等级</th><th>描述</th><th>整改期限</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<p>业主意见：{escape(w.owner_remarks or "无")}</p>
<div class="sig"><div>业主签字</div>{_strokes_svg(w.owner_signature)}</div>
<div class="sig"><div>陪验人员签字</div>{_strokes_svg(w.inspector_signature)}</div>
<div class="verify">{_qr_svg(verify_url)}
<p>验证码 <span class="code">{code}</span></p>
<p>内容摘要 SHA-256：{w.content_hash}</p>
<p>扫描二维码或访问 {escape(verify_url)} 可核对本记录是否与系统存档一致；任何修改都会被识别。</p>
</div>
</body></html>"""
    return HTML(string=html).write_pdf()
