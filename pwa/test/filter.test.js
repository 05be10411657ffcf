import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../src/i18n/messages.js';
import { actionsFrom, applyMutation } from '../src/store/apply.js';
import { filterDefects, roomAt, searchTypes } from '../src/store/filter.js';
import { fitSize } from '../src/photo/compress.js';

const types = [
  { id: 1, name_zh: '空鼓', name_en: 'Hollow plaster or tile', pinyin: 'kg', code: 'surface.hollow', area_zh: '地面/墙面/顶棚' },
  { id: 2, name_zh: '裂缝', name_en: 'Crack', pinyin: 'lf', code: 'surface.crack' },
  { id: 3, name_zh: '结构裂缝', name_en: 'Structural crack', pinyin: 'jglf', code: 'surface.structural_crack' },
];

describe('type search', () => {
  it.each([
    ['kg', [1]],
    ['空', [1]],
    ['裂缝', [2, 3]],
    ['lf', [2, 3]],
    ['crack', [2, 3]],
    ['jg', [3]],
  ])('%s finds %j', (q, ids) => {
    expect(searchTypes(types, q).map((t) => t.id)).toEqual(ids);
  });
});

describe('filterDefects', () => {
  const ds = [
    { id: 'a', room_id: 1, type_id: 1, status: 'open', created_at: '2026-01-01' },
    { id: 'b', room_id: 2, type_id: 1, status: 'fixed', created_at: '2026-01-03' },
    { id: 'c', room_id: 1, type_id: 2, status: 'open', created_at: '2026-01-02' },
  ];
  it('filters by room, type and status, newest first', () => {
    expect(filterDefects(ds, {}).map((d) => d.id)).toEqual(['b', 'c', 'a']);
    expect(filterDefects(ds, { room_id: '1' }).map((d) => d.id)).toEqual(['c', 'a']);
    expect(filterDefects(ds, { room_id: '1', type_id: '2' }).map((d) => d.id)).toEqual(['c']);
    expect(filterDefects(ds, { status: 'fixed' }).map((d) => d.id)).toEqual(['b']);
  });
});

describe('plan and photo geometry', () => {
  it('finds the smallest room under a point', () => {
    const rooms = [
      { id: 1, x0: 0, y0: 0, x1: 1, y1: 1 },
      { id: 2, x0: 0.5, y0: 0.5, x1: 0.7, y1: 0.7 },
    ];
    expect(roomAt(rooms, 0.6, 0.6).id).toBe(2);
    expect(roomAt(rooms, 0.1, 0.1).id).toBe(1);
  });

  it('fits a 12 MP photo to a 2048 px long edge, never upscales, respects the canvas pixel cap', () => {
    expect(fitSize(4000, 3000)).toEqual({ width: 2048, height: 1536 });
    expect(fitSize(800, 600)).toEqual({ width: 800, height: 600 });
    const big = fitSize(20000, 20000, 100000);
    expect(big.width * big.height).toBeLessThanOrEqual(16_777_216);
  });
});

describe('status transitions on the device', () => {
  const d = { id: 'x', status: 'fixed', repeat_count: 0, photos: [] };
  it('fail sends a fixed defect back and counts a repeat repair', () => {
    const next = applyMutation(d, { name: 'defect.status', args: { id: 'x', action: 'fail', from: 'fixed' } });
    expect(next).toMatchObject({ status: 'assigned', repeat_count: 1 });
  });
  it('a disallowed action leaves the defect as it is (the server records the conflict)', () => {
    expect(applyMutation(d, { name: 'defect.status', args: { id: 'x', action: 'assign', from: 'open' } })).toBe(d);
    expect(actionsFrom('fixed', 'inspector').sort()).toEqual(['fail', 'pass']);
    expect(actionsFrom('fixed', 'homeowner').sort()).toEqual(['confirm', 'dispute']);
    expect(actionsFrom('fixed', 'crew')).toEqual([]);
  });
});

describe('i18n', () => {
  it('every key exists in both languages', () => {
    expect(Object.keys(MESSAGES.en).sort()).toEqual(Object.keys(MESSAGES.zh).sort());
  });
});
