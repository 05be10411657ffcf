/**
 * Finding a defect type the way people type on site: the library's Chinese name, a synonym (渗水 finds the
 * 渗漏 types, 鼓包 finds 空鼓), pinyin in full (qiangmiankonggu) or as initials (kg), the English name or the
 * code. Pinyin is matched with the usual fuzzy pairs of a pinyin keyboard (an/ang, en/eng, in/ing, z/zh,
 * c/ch, s/sh), so qianmiankonggu still finds 墙面空鼓. The synonyms and pinyin of the standard types come from
 * a generated table (type-words.generated.js); a type an administrator added has its name and the
 * server's pinyin initials. Prefix matches first, then the rest, in library order. Pure.
 */
import { TYPE_WORDS } from './type-words.generated.js';

// Site words for a library term inside a longer query (卫生间渗水 → 卫生间渗漏).
const WORD_SYNONYMS = [
  ['渗水', '渗漏'],
  ['漏水', '渗漏'],
  ['鼓包', '空鼓'],
  ['起壳', '空鼓'],
  ['裂纹', '裂缝'],
  ['开裂', '裂缝'],
  ['掉漆', '脱皮'],
  ['霉斑', '发霉'],
  ['没电', '无电'],
  ['不通电', '无电'],
  ['堵了', '堵塞'],
];

const ASCII = /^[a-z0-9 '._-]+$/;

/** The fuzzy form of a pinyin string: what a pinyin keyboard would also accept. */
export function fuzzyPinyin(s) {
  return s
    .replace(/[^a-z]/g, '')
    .replace(/([zcs])h/g, '$1')
    .replace(/([aei])ng/g, '$1n');
}

function wordsOf(type, table) {
  const w = table[type.code];
  const syn = w?.syn ?? [];
  const py = [...(w?.py ?? []), ...(w?.ini ?? [])];
  if (type.pinyin) py.push(String(type.pinyin).toLowerCase());
  return { zh: [type.name_zh ?? '', ...syn], py: py.map(fuzzyPinyin) };
}

/** Types matching `query`, at most `limit`. `table` is the generated word table (for tests). */
export function searchTypes(types, query, limit = 30, table = TYPE_WORDS) {
  const q = (query ?? '').trim().toLowerCase();
  if (!q) return types.slice(0, limit);
  const variants = [q];
  for (const [said, term] of WORD_SYNONYMS) if (q.includes(said)) variants.push(q.replaceAll(said, term));
  const pinyin = ASCII.test(q) ? fuzzyPinyin(q) : '';
  const first = [];
  const rest = [];
  for (const t of types) {
    const { zh, py } = wordsOf(t, table);
    const name = t.name_zh ?? '';
    const en = (t.name_en ?? '').toLowerCase();
    const starts =
      variants.some((v) => zh.some((w) => w.startsWith(v))) || en.startsWith(q) || (pinyin && py.some((p) => p.startsWith(pinyin)));
    if (starts) {
      first.push(t);
      continue;
    }
    const inside =
      variants.some((v) => zh.some((w) => w.includes(v)) || (v.length > name.length && name.length >= 2 && v.includes(name))) ||
      en.includes(q) ||
      (pinyin && py.some((p) => p.includes(pinyin))) ||
      (t.area_zh ?? '').includes(q) ||
      (t.code ?? '').includes(q);
    if (inside) rest.push(t);
  }
  return first.concat(rest).slice(0, limit);
}
