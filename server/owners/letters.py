"""The invitation letters (业主邀请函) mailed before 工地开放日 / 客户预验收: one A4 page per unit, in Chinese,
with the unit, the round and its dates, the invitation code and the QR code that opens the app's join
screen (``#/join?code=…``) with the code filled in. Typeset by WeasyPrint with Noto CJK, like the
walkthrough record."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from html import escape
from zoneinfo import ZoneInfo

import qrcode
import qrcode.image.svg

from domain.models.enums import INSPECTION_KIND_ZH

LOCAL = ZoneInfo("Asia/Shanghai")
CSS = """
@page { size: A4; margin: 22mm 20mm; }
body { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Micro Hei", sans-serif;
  font-size: 11pt; color: #111; line-height: 1.6; }
.letter { page-break-after: always; }
.letter:last-child { page-break-after: auto; }
h1 { font-size: 20pt; text-align: center; margin: 0 0 8mm; }
.unit { font-size: 14pt; font-weight: bold; }
table.facts { border-collapse: collapse; margin: 5mm 0; width: 100%; }
table.facts td { border: 0.3mm solid #999; padding: 2mm 3mm; }
table.facts td:first-child { width: 32mm; background: #f2f2f2; }
.qr { float: right; width: 48mm; text-align: center; margin: 0 0 4mm 6mm; font-size: 9pt; }
.qr svg { width: 44mm; height: 44mm; }
.code { font-family: monospace; font-size: 15pt; letter-spacing: 1mm; }
.sign { margin-top: 14mm; text-align: right; }
.muted { color: #555; font-size: 9.5pt; }
"""


@dataclass(frozen=True)
class Letter:
    unit: str  # 1栋1单元0301
    code: str
    join_url: str
    expires: date | None = None


def _qr_svg(url: str) -> str:
    img = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=1)
    buf = io.BytesIO()
    img.save(buf)
    svg = buf.getvalue().decode()
    # One id per document: the same id on every page is an anchor defined many times.
    return svg[svg.index("<svg") :].replace(' id="qr-path"', "")


def _dates(start: date | None, end: date | None) -> str:
    if start is None:
        return "另行通知"
    text = f"{start.year}年{start.month}月{start.day}日"
    if end is not None and end != start:
        text += f" 至 {end.year}年{end.month}月{end.day}日"
    return text


def _page(project: str, round_name: str, kind: str, dates: str, letter: Letter, issued_on: date) -> str:
    event = INSPECTION_KIND_ZH.get(kind, "业主开放活动")
    expires = (
        f'<p class="muted">邀请码有效期至 {letter.expires.year}年{letter.expires.month}月{letter.expires.day}日。</p>'
        if letter.expires
        else ""
    )
    return f"""<section class="letter">
<h1>业主邀请函</h1>
<p>尊敬的 <span class="unit">{escape(letter.unit)}</span> 业主：</p>
<div class="qr">{_qr_svg(letter.join_url)}<div>扫码注册，查看您的房屋</div></div>
<p>您好！感谢您对{escape(project)}的信任与支持。为让您提前了解新家的建造品质，我们诚挚邀请您参加
「{escape(event)}」活动，届时将有工作人员陪同您查看房屋，您发现的问题将当场登记，并在约定期限内整改完毕。</p>
<table class="facts">
<tr><td>项目</td><td>{escape(project)}</td></tr>
<tr><td>房号</td><td>{escape(letter.unit)}</td></tr>
<tr><td>活动批次</td><td>{escape(round_name)}（{escape(event)}）</td></tr>
<tr><td>活动日期</td><td>{escape(dates)}</td></tr>
<tr><td>邀请码</td><td><span class="code">{escape(letter.code)}</span></td></tr>
</table>
<p>请用手机扫描右上方二维码（或打开 {escape(letter.join_url)}），设置密码完成注册。注册后您可以在手机上：
查看本房屋登记的每一项问题及整改进度、确认维修结果或提出异议、在全部整改完成后为维修服务评分。
活动当天请出示本函或在手机上签到。</p>
{expires}
<p class="muted">本邀请码仅限本房号业主使用一次，请妥善保管，勿转交他人。</p>
<p class="sign">{escape(project)} 客户关系部<br>{issued_on.year}年{issued_on.month}月{issued_on.day}日</p>
</section>"""


def render(
    *,
    project: str,
    round_name: str,
    kind: str,
    start: date | None,
    end: date | None,
    letters: list[Letter],
    issued_on: date,
) -> bytes:
    from weasyprint import HTML  # imported here: loading it costs a second, only the PDF endpoints need it

    dates = _dates(start, end)
    pages = "".join(_page(project, round_name, kind, dates, letter, issued_on) for letter in letters)
    head = f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>{CSS}</style></head>'
    html = f"{head}<body>{pages}</body></html>"
    return HTML(string=html).write_pdf()
