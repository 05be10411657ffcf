import { describe, expect, it } from 'vitest';
import { boardItems, groupByUnit, isOverdue } from '../src/store/tasks.js';

const units = { 1: { building_id: 1, floor: 3, number: '0301' }, 2: { building_id: 1, floor: 1, number: '0101' }, 3: { building_id: 2, floor: 1, number: '0102' } };
const unitOf = (id) => units[id];
const NOW = Date.parse('2026-12-01T08:00:00Z');
const d = (id, over) => ({ id, unit_id: 1, type_id: 1, status: 'assigned', escalation_level: 0, ...over });

describe('role boards', () => {
  it('a crew sees overdue first, higher escalation first, then by deadline, then walking order', () => {
    const items = [
      d('late-L1', { fix_due_at: '2026-11-30T00:00:00Z', escalation_level: 1 }),
      d('soon', { fix_due_at: '2026-12-02T00:00:00Z', unit_id: 2 }),
      d('late-L2', { fix_due_at: '2026-11-29T00:00:00Z', escalation_level: 2 }),
      d('no-date', { unit_id: 3 }),
      d('fixed', { status: 'fixed' }),
    ];
    expect(boardItems(items, 'crew', unitOf, {}, NOW).map((x) => x.id)).toEqual(['late-L2', 'late-L1', 'soon', 'no-date']);
    expect(isOverdue(items[0], NOW)).toBe(true);
    expect(isOverdue(items[1], NOW)).toBe(false);
  });

  it('an inspector re-checks fixed defects in walking order; a manager dispatches open ones', () => {
    const items = [d('a', { status: 'fixed', unit_id: 3 }), d('b', { status: 'fixed', unit_id: 1 }), d('c', { status: 'fixed', unit_id: 2 }), d('o', { status: 'open' })];
    expect(boardItems(items, 'inspector', unitOf, {}, NOW).map((x) => x.id)).toEqual(['c', 'b', 'a']);
    expect(boardItems(items, 'manager', unitOf, {}, NOW).map((x) => x.id)).toEqual(['o']);
    expect(boardItems(items, 'homeowner', unitOf, {}, NOW)).toEqual([]);
  });

  it('filters by building and trade, and groups by unit', () => {
    const items = [d('x', { unit_id: 3, type_id: 2 }), d('y', { unit_id: 1 }), d('z', { unit_id: 1, type_id: 2 })];
    const trades = { 1: '土建', 2: '水电' };
    expect(boardItems(items, 'crew', unitOf, { building: '2' }, NOW).map((x) => x.id)).toEqual(['x']);
    const wet = boardItems(items, 'crew', unitOf, { trade: '水电', typeTrade: (t) => trades[t] }, NOW);
    expect(wet.map((x) => x.id).sort()).toEqual(['x', 'z']);
    expect(groupByUnit(wet).map(([u, list]) => [u, list.length])).toEqual([[1, 1], [3, 1]]);
  });

  it('orders a crew day of 2,000 items', () => {
    const many = Array.from({ length: 2000 }, (_, i) => d(`d${i}`, { unit_id: (i % 3) + 1, fix_due_at: new Date(NOW + (i % 97 - 40) * 3.6e6).toISOString() }));
    const out = boardItems(many, 'crew', unitOf, {}, NOW);
    expect(out.length).toBe(2000);
    const firstOnTime = out.findIndex((x) => !isOverdue(x, NOW));
    expect(out.slice(firstOnTime).every((x) => !isOverdue(x, NOW))).toBe(true);
  });
});
