import { describe, expect, it } from 'vitest';
import { PHRASES, phrasesFor } from '../src/i18n/phrases.js';
import { fuzzyPinyin, searchTypes } from '../src/store/type-search.js';
import { TYPE_WORDS } from '../src/store/type-words.generated.js';

// The standard library as the PWA holds it (server/library/seed.py), with the server's pinyin initials.
const types = [
  { id: 1, code: 'surface.hollow', name_zh: '空鼓', name_en: 'Hollow plaster or tile', pinyin: 'kg', area_zh: '地面/墙面/顶棚' },
  { id: 2, code: 'surface.crack', name_zh: '裂缝', name_en: 'Crack', pinyin: 'lf' },
  { id: 3, code: 'surface.structural_crack', name_zh: '结构裂缝', name_en: 'Structural crack', pinyin: 'jglf' },
  { id: 4, code: 'water.leak_roof', name_zh: '屋面渗漏', name_en: 'Roof leak', pinyin: 'wmsl' },
  { id: 5, code: 'water.leak_bath', name_zh: '卫生间渗漏', name_en: 'Bathroom leak', pinyin: 'wsjsl' },
  { id: 6, code: 'elec.dead_socket', name_zh: '插座无电', name_en: 'Dead socket', pinyin: 'czwd' },
  { id: 7, code: 'custom.added', name_zh: '踢脚线脱落', name_en: 'Skirting loose', pinyin: 'tjxtl' }, // an administrator's type
];
const ids = (q) => searchTypes(types, q).map((x) => x.id);

describe('type search', () => {
  it.each([
    ['渗水', [4, 5]], // the site word finds the library's 渗漏
    ['漏水', [4, 5]],
    ['卫生间渗水', [5]],
    ['鼓包', [1]],
    ['没电', [6]],
    ['konggu', [1]], // full pinyin
    ['qiangmiankonggu', [1]], // full pinyin of a synonym (墙面空鼓)
    ['qianmiankonggu', [1]], // as typed with a fuzzy keyboard (an/ang)
    ['kg', [1]], // initials
    ['wsjsl', [5]],
    ['shenlou', [4, 5]],
    ['lf', [2, 3]],
    ['crack', [2, 3]],
    ['jg', [3]],
    ['tjx', [7]], // a type without table entries still has the server's initials
    ['踢脚', [7]],
  ])('%s finds %j', (q, expected) => {
    expect(ids(q)).toEqual(expected);
  });

  it('folds the pinyin pairs a keyboard confuses', () => {
    expect(fuzzyPinyin('qiang mian')).toBe(fuzzyPinyin('qianmian'));
    expect(fuzzyPinyin('zhuang')).toBe(fuzzyPinyin('zuan'));
  });

  it('has a generated entry with pinyin for every standard type', () => {
    expect(Object.keys(TYPE_WORDS).length).toBeGreaterThanOrEqual(49);
    expect(TYPE_WORDS['surface.hollow'].py).toContain('konggu');
    expect(TYPE_WORDS['water.leak_bath'].syn).toContain('渗水');
  });
});

describe('quick phrases per type', () => {
  it('offers a leak what one says about leaks, never 插座无电', () => {
    const leak = phrasesFor(types[4], 'zh');
    expect(leak).toContain('有渗水痕迹');
    expect(leak).not.toContain('插座无电');
    expect(phrasesFor(types[5], 'zh')).toContain('插座无电');
    expect(phrasesFor(null, 'zh')).toEqual(PHRASES.zh._);
    expect(phrasesFor(types[6], 'en')).toEqual(PHRASES.en._); // an unknown family: the general ones
  });

  it('pairs every phrase list in both languages', () => {
    expect(Object.keys(PHRASES.en).sort()).toEqual(Object.keys(PHRASES.zh).sort());
    for (const k of Object.keys(PHRASES.zh)) expect(PHRASES.en[k].length, k).toBe(PHRASES.zh[k].length);
  });
});
