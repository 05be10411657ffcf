import { describe, expect, it } from 'vitest';
import { meets, pct, statsQuery } from '../src/stats/data.js';
import { drill } from '../src/stats/drill.js';

const units = new Map([
  [1, { id: 1, building_id: 10 }],
  [2, { id: 2, building_id: 20 }],
]);
const types = new Map([
  [5, { id: 5, name_zh: '卫生间渗漏' }],
  [6, { id: 6, name_zh: '空鼓' }],
]);
const now = Date.parse('2026-11-30T12:00:00Z');
const d = (id, extra) => ({ id, unit_id: 1, type_id: 6, status: 'assigned', severity: 'B', repeat_count: 0, ...extra });

describe('the defect list behind a dashboard number', () => {
  const all = [
    d('a', { type_id: 5, fix_due_at: '2026-11-20T00:00:00Z' }),
    d('b', { due_date: '2026-11-30' }), // due today (Beijing): not yet overdue
    d('c', { status: 'closed', due_date: '2026-11-01', repeat_count: 2, unit_id: 2 }),
    d('d', { status: 'void', type_id: 5 }),
    d('e', { status: 'fixed', type_id: 5, due_date: '2026-11-29', contractor_id: 3 }),
  ];
  const ids = (q) => drill(all, q, { unitsById: units, typesById: types, now }).map((x) => x.id);

  it('never lists void defects', () => expect(ids({})).toEqual(['a', 'b', 'c', 'e']));
  it('overdue: unfinished and past fix_due_at, else past the end of the due date', () =>
    expect(ids({ overdue: '1' })).toEqual(['a', 'e']));
  it('open leaks', () => expect(ids({ leak: '1', status: 'open,assigned,fixed' })).toEqual(['a', 'e']));
  it('by building, contractor and repeat repairs', () => {
    expect(ids({ building_id: '20' })).toEqual(['c']);
    expect(ids({ contractor_id: '3' })).toEqual(['e']);
    expect(ids({ repeat: '1' })).toEqual(['c']);
  });
});

describe('stats helpers', () => {
  it('passes only the filters the server knows', () =>
    expect(statsQuery({ building_id: 3, overdue: '1', category: '', type_id: 4 })).toBe('building_id=3&type_id=4'));
  it('formats ratios and compares with targets', () => {
    expect(pct(0.6667)).toBe('66.7%');
    expect(pct(null)).toBe('—');
    expect(meets('attendance_rate', 0.79, { attendance_rate: 0.8 })).toBe(false);
    expect(meets('defects', 3, {})).toBe(null);
  });
});
