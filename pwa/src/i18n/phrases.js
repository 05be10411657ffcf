/**
 * Quick phrases for a defect's description, per type: a leak is offered what one says about leaks, not
 * "插座无电". Keyed by the type's code (server/library/seed.py) and by its family (the code's prefix); a
 * type an administrator added gets its family's phrases, or only the general ones. Both languages, in the
 * same order (a test checks they pair up).
 */
export const PHRASES = {
  zh: {
    _: ['位置见照片', '多处', '面积较大', '影响使用', '需尽快处理'],
    surface: ['面积约____cm²', '距地面约____cm'],
    'surface.hollow': ['敲击有空鼓声', '空鼓面积超过400cm²', '瓷砖空鼓', '抹灰层空鼓'],
    'surface.crack': ['墙面有裂缝', '裂缝长约____cm', '裂缝宽度超过0.3mm', '门窗洞口角部开裂'],
    'surface.structural_crack': ['贯穿性裂缝', '需现场勘查', '梁/板/墙体结构裂缝'],
    'surface.peeling': ['涂料起皮脱落', '受潮起皮'],
    'surface.mould': ['墙角发霉', '发霉面积较大'],
    door: ['开关不顺畅', '五金件松动'],
    'door.seal': ['密封条脱落', '关闭后漏风'],
    'door.glass': ['玻璃开裂', '有安全隐患'],
    railing: ['有安全隐患', '需立即处理'],
    water: ['有渗水痕迹', '雨后渗水', '楼下顶棚渗水', '墙面有水渍', '需闭水试验复查'],
    'water.leak_window': ['窗框四周渗水', '窗台有积水'],
    'water.leak_bath': ['地面渗水至楼下', '管根处渗水', '墙面返水'],
    dim: ['实测值____mm', '超出允许偏差'],
    plumb: ['排水不畅', '管道接口滴漏', '地漏积水', '有返味'],
    elec: ['插座无电', '开关失灵', '面板松动', '漏电保护器不动作'],
    heat: ['暖气片不热', '保温层破损', '墙面结露'],
    fit: ['部品破损', '安装不牢', '缝隙不均', '需更换'],
  },
  en: {
    _: ['See photo for location', 'Several places', 'Large area', 'Affects use', 'Needs fixing soon'],
    surface: ['Area about ____ cm²', 'About ____ cm above the floor'],
    'surface.hollow': ['Sounds hollow', 'Hollow area over 400 cm²', 'Hollow tile', 'Hollow plaster'],
    'surface.crack': ['Crack in wall', 'Crack about ____ cm long', 'Crack wider than 0.3 mm', 'Crack at an opening corner'],
    'surface.structural_crack': ['Through crack', 'Needs an on-site survey', 'Crack in beam/slab/wall'],
    'surface.peeling': ['Paint peeling off', 'Peeling from damp'],
    'surface.mould': ['Mould in the corner', 'Large mouldy area'],
    door: ['Stiff to open and close', 'Loose hardware'],
    'door.seal': ['Seal strip came off', 'Draught when closed'],
    'door.glass': ['Cracked glass', 'Safety hazard'],
    railing: ['Safety hazard', 'Fix at once'],
    water: ['Water stain', 'Leaks after rain', 'Leaks into the ceiling below', 'Water marks on the wall', 'Re-check with a flood test'],
    'water.leak_window': ['Leaks around the frame', 'Water on the sill'],
    'water.leak_bath': ['Leaks to the flat below', 'Leaks at pipe collars', 'Water rising up the wall'],
    dim: ['Measured ____ mm', 'Beyond the tolerance'],
    plumb: ['Drains slowly', 'Joint dripping', 'Water pools at the drain', 'Smells from the drain'],
    elec: ['No power', 'Switch does not work', 'Loose cover plate', 'RCD does not trip'],
    heat: ['Radiator cold', 'Insulation damaged', 'Condensation on the wall'],
    fit: ['Fitting damaged', 'Not fixed firmly', 'Uneven gaps', 'Needs replacing'],
  },
};

/** The phrases for a type (its own, its family's, then the general ones), in the language, without repeats. */
export function phrasesFor(type, lang) {
  const table = PHRASES[lang] ?? PHRASES.zh;
  const code = type?.code ?? '';
  const family = code.split('.')[0];
  const list = [...(table[code] ?? []), ...(code && family !== code ? (table[family] ?? []) : []), ...table._];
  return [...new Set(list)];
}
