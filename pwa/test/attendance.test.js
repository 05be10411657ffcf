import { beforeEach, describe, expect, it } from 'vitest';
import { applyMutation } from '../src/store/apply.js';
import { mergeCheckins, rateWith } from '../src/store/attendance.js';
import { getMeta } from '../src/store/db.js';
import { filterDefects } from '../src/store/filter.js';
import { allMutations, record } from '../src/store/outbox.js';
import { freshDb } from './helpers.js';

const ROUND = 'bbbbbbbb-0000-4000-8000-000000000001';

beforeEach(freshDb);

describe('check-in on the tablet', () => {
  it('is queued as one mutation and shows at once', async () => {
    await record([{ name: 'checkin.record', args: { inspection_id: ROUND, unit_id: 7 } }]);
    const [m] = await allMutations();
    expect(m).toMatchObject({ name: 'checkin.record', defect_id: null, state: 'pending' });
    const mine = await getMeta(`checkins:${ROUND}`);
    expect(Object.keys(mine)).toEqual(['7']);
  });

  it('counts unsent check-ins in the rate, once', () => {
    const units = [
      { unit_id: 1, invited: true, checked_in_at: '2026-12-12T02:00:00Z' },
      { unit_id: 2, invited: true, checked_in_at: null },
      { unit_id: 3, invited: false, checked_in_at: null },
    ];
    const summary = { invited: 2, attended: 1 };
    expect(rateWith(summary, units, {})).toEqual({ invited: 2, attended: 1, rate: 0.5 });
    // unit 2 (invited) and unit 3 (came without a letter) checked in on this tablet; unit 1 again changes nothing
    const mine = { 1: 'x', 2: 'y', 3: 'z' };
    expect(rateWith(summary, units, mine)).toEqual({ invited: 3, attended: 3, rate: 1 });
    expect(mergeCheckins(units, mine)).toEqual({ 1: '2026-12-12T02:00:00Z', 2: 'y', 3: 'z' });
    expect(rateWith({ name: 'offline round' }, units, mine)).toBe(null);
  });
});

describe('业主提出 and 回访 on the device', () => {
  const create = (args, ctx = {}) =>
    applyMutation(null, { name: 'defect.create', args: { id: 'd1', unit_id: 1, type_id: 2, ...args } }, ctx);

  it('marks what the owner raised, and whatever a homeowner logs', () => {
    expect(create({ owner_raised: true }).owner_raised).toBe(true);
    expect(create({}).owner_raised).toBe(false);
    expect(create({}, { role: 'homeowner' }).owner_raised).toBe(true);
    const d = create({});
    const toggled = applyMutation(d, { name: 'defect.update', args: { id: 'd1', fields: { owner_raised: true } } });
    expect(toggled.owner_raised).toBe(true);
  });

  it('filters by source', () => {
    const ds = [
      { id: 'a', owner_raised: true, created_at: '2' },
      { id: 'b', owner_raised: false, created_at: '1' },
      { id: 'c', created_at: '0' },
    ];
    expect(filterDefects(ds, { owner_raised: '1' }).map((d) => d.id)).toEqual(['a']);
    expect(filterDefects(ds, { owner_raised: '0' }).map((d) => d.id)).toEqual(['b', 'c']);
    expect(filterDefects(ds, { owner_raised: '' }).map((d) => d.id)).toEqual(['a', 'b', 'c']);
  });

  it('tells a phone 回访 from the owner rating', () => {
    const closed = { ...create({}), status: 'closed' };
    const visit = { name: 'defect.status', args: { id: 'd1', action: 'visit', from: 'closed', satisfaction: 4 } };
    expect(applyMutation(closed, visit, { role: 'manager' })).toMatchObject({ status: 'visited', visit_method: 'phone' });
    expect(applyMutation(closed, visit, { role: 'homeowner' })).toMatchObject({ satisfaction: 4, visit_method: 'owner' });
  });
});
