"""The standard defect library, after 分户验收 (建质[2009]291号) areas plus contract fittings.

Each type: code, Chinese name, English name, default severity (A/B/C), trade that usually fixes it,
routing category and days allowed for rectification. Loaded by ``flask library seed`` and the demo.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.models import DefectArea, DefectType

from .pinyin import initials

LIBRARY: list[tuple[str, str, str, list[tuple[str, str, str, str, str, int]]]] = [
    (
        "surface",
        "地面/墙面/顶棚",
        "Floors, walls, ceilings",
        [
            ("surface.hollow", "空鼓", "Hollow plaster or tile", "B", "土建", 15),
            ("surface.crack", "裂缝", "Crack", "B", "土建", 15),
            ("surface.structural_crack", "结构裂缝", "Structural crack", "A", "土建", 3),
            ("surface.sanding", "起砂", "Dusting screed", "C", "土建", 30),
            ("surface.flatness", "平整度超差", "Out of flatness", "B", "土建", 20),
            ("surface.plumb", "垂直度超差", "Out of plumb", "B", "土建", 20),
            ("surface.colour", "色差", "Colour mismatch", "C", "精装", 30),
            ("surface.damage", "破损", "Damage", "B", "精装", 15),
            ("surface.stain", "污染", "Stain or soiling", "C", "精装", 7),
            ("surface.peeling", "脱皮/起皮", "Peeling paint", "C", "精装", 20),
            ("surface.mould", "发霉", "Mould", "B", "精装", 15),
        ],
    ),
    (
        "doors_windows",
        "门窗",
        "Doors and windows",
        [
            ("door.stiff", "开启不灵活", "Stiff to open", "B", "门窗", 10),
            ("door.seal", "密封不严", "Poor seal", "B", "门窗", 10),
            ("door.glass", "玻璃破损", "Broken glass", "A", "门窗", 3),
            ("door.hardware", "五金件缺失", "Missing hardware", "C", "门窗", 10),
            ("door.frame_gap", "门框缝隙", "Frame gap", "C", "门窗", 15),
            ("door.scratch", "划痕", "Scratched frame or leaf", "C", "门窗", 15),
        ],
    ),
    (
        "railings",
        "栏杆",
        "Railings",
        [
            ("railing.height", "栏杆高度不足", "Railing too low", "A", "土建", 3),
            ("railing.loose", "栏杆松动", "Loose railing", "A", "土建", 3),
            ("railing.gap", "栏杆间距过大", "Baluster gap too wide", "A", "土建", 3),
            ("railing.rust", "锈蚀", "Rust", "C", "土建", 20),
        ],
    ),
    (
        "waterproofing",
        "防水",
        "Waterproofing",
        [
            ("water.leak_roof", "屋面渗漏", "Roof leak", "A", "防水", 2),
            ("water.leak_wall", "外墙渗漏", "External wall leak", "A", "防水", 2),
            ("water.leak_window", "窗边渗漏", "Leak at window", "A", "门窗", 2),
            ("water.leak_bath", "卫生间渗漏", "Bathroom leak", "A", "防水", 2),
            ("water.damp", "墙面返潮", "Damp wall", "B", "防水", 7),
        ],
    ),
    (
        "dimensions",
        "室内空间尺寸",
        "Room dimensions",
        [
            ("dim.height", "净高偏差", "Ceiling height deviation", "B", "土建", 30),
            ("dim.span", "开间进深偏差", "Room size deviation", "B", "土建", 30),
            ("dim.square", "阴阳角不方正", "Corners out of square", "C", "土建", 20),
        ],
    ),
    (
        "plumbing",
        "给排水",
        "Water supply and drainage",
        [
            ("plumb.blocked", "堵塞", "Blocked drain", "B", "水电", 3),
            ("plumb.drip", "管道滴漏", "Dripping pipe", "A", "水电", 2),
            ("plumb.slope", "地漏坡度不足", "Floor drain slope", "B", "土建", 15),
            ("plumb.pressure", "水压不足", "Low water pressure", "B", "水电", 7),
            ("plumb.trap", "存水弯缺失", "Missing trap", "B", "水电", 7),
        ],
    ),
    (
        "electrical",
        "电气",
        "Electrical",
        [
            ("elec.dead_socket", "插座无电", "Dead socket", "B", "水电", 3),
            ("elec.polarity", "接线错误", "Wrong wiring", "A", "水电", 2),
            ("elec.switch", "开关失灵", "Faulty switch", "B", "水电", 5),
            ("elec.rcd", "漏电保护不跳闸", "RCD does not trip", "A", "水电", 2),
            ("elec.cover", "面板不平/破损", "Loose or broken cover plate", "C", "水电", 10),
            ("elec.weak", "弱电不通", "Data/TV point dead", "C", "水电", 10),
        ],
    ),
    (
        "energy",
        "节能/采暖",
        "Energy and heating",
        [
            ("heat.cold_radiator", "暖气不热", "Radiator not heating", "B", "水电", 5),
            ("heat.insulation", "保温层缺陷", "Insulation defect", "B", "土建", 20),
            ("heat.thermal_bridge", "冷桥结露", "Thermal bridge condensation", "B", "土建", 20),
        ],
    ),
    (
        "fittings",
        "精装修部品",
        "Fitted finishes (contract items)",
        [
            ("fit.cabinet", "橱柜门板不平", "Cabinet door misaligned", "C", "精装", 15),
            ("fit.sanitary", "洁具破损", "Damaged sanitary ware", "B", "精装", 10),
            ("fit.tile_joint", "瓷砖缝不均", "Uneven tile joints", "C", "精装", 20),
            ("fit.wood_floor", "木地板起拱", "Wood floor buckling", "B", "精装", 15),
            ("fit.missing", "部品缺失", "Missing fitting", "B", "精装", 7),
            ("fit.sealant", "打胶不饱满", "Poor sealant bead", "C", "精装", 10),
        ],
    ),
]


def seed_library(session: Session) -> int:
    """Insert the standard areas and types that are missing; returns how many types were added."""
    areas = {a.code: a for a in session.scalars(select(DefectArea))}
    known = set(session.scalars(select(DefectType.code)))
    added = 0
    for a_pos, (a_code, a_zh, a_en, types) in enumerate(LIBRARY):
        area = areas.get(a_code)
        if area is None:
            area = DefectArea(code=a_code, name_zh=a_zh, name_en=a_en, position=a_pos)
            session.add(area)
            session.flush()
        for t_pos, (code, zh, en, sev, trade, days) in enumerate(types):
            if code in known:
                continue
            category = "工程质量"
            session.add(
                DefectType(
                    area_id=area.id,
                    code=code,
                    name_zh=zh,
                    name_en=en,
                    pinyin=initials(zh),
                    default_severity=sev,
                    trade=trade,
                    category=category,
                    due_days=days,
                    position=t_pos,
                )
            )
            added += 1
    session.flush()
    return added
