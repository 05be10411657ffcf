import { beforeEach, describe, expect, it } from 'vitest';
import { defectsOfUnit, getDefect } from '../src/store/defects.js';
import {
  openSuspects,
  possibleDuplicates,
  putSuspects,
  settleSuspect,
  suspectsOf,
  suspectsOfDefect,
} from '../src/store/duplicates.js';
import { record } from '../src/store/outbox.js';
import { freshDb } from './helpers.js';

const A = 'aaaaaaaa-0000-4000-8000-000000000001';
const B = 'aaaaaaaa-0000-4000-8000-000000000002';

describe('可能重复 while logging offline', () => {
  beforeEach(freshDb);

  const log = (id, over) =>
    record([{ name: 'defect.create', args: { id, unit_id: 10, type_id: 7, ...over }, local: { project_id: 1 } }]);

  it('offers an open defect of the same unit and type in the same room or close on the plan', async () => {
    await log(A, { room_id: 3, pin_x: 0.2, pin_y: 0.5 });
    await log(B, { room_id: 4, pin_x: 0.9, pin_y: 0.9, type_id: 8 });
    const here = await defectsOfUnit(10);
    const draft = { unit_id: 10, type_id: 7, room_id: null, pin_x: 0.22, pin_y: 0.51 };
    expect(possibleDuplicates(here, draft).map((d) => d.id)).toEqual([A]); // near, no room chosen
    expect(possibleDuplicates(here, { ...draft, pin_x: 0.6, pin_y: 0.1, room_id: 3 }).map((d) => d.id)).toEqual([A]);
    expect(possibleDuplicates(here, { ...draft, pin_x: 0.6, pin_y: 0.1, room_id: 5 })).toEqual([]); // far, other room
    expect(possibleDuplicates(here, { ...draft, type_id: 9 })).toEqual([]); // other type
    expect(possibleDuplicates(here, { ...draft, unit_id: 11 })).toEqual([]);
  });

  it('ignores defects that are no longer open, and a merge voids the duplicate on the device', async () => {
    await log(A, { room_id: 3 });
    await log(B, { room_id: 3 });
    await record([{ name: 'defect.merge', args: { id: B, into: A } }]);
    expect((await getDefect(B)).status).toBe('void');
    const left = possibleDuplicates(await defectsOfUnit(10), { unit_id: 10, type_id: 7, room_id: 3 });
    expect(left.map((d) => d.id)).toEqual([A]);
  });
});

describe('疑似重复 the server recorded, kept for offline', () => {
  beforeEach(freshDb);

  const pair = { defect_id: B, duplicate_of_id: A, unit_id: 10, type_id: 7, reason: 'near' };

  it('lists a pair until it is merged on the device, and forgets it once settled', async () => {
    await record([{ name: 'defect.create', args: { id: A, unit_id: 10, type_id: 7 }, local: { project_id: 1 } }]);
    await record([{ name: 'defect.create', args: { id: B, unit_id: 10, type_id: 7 }, local: { project_id: 1 } }]);
    await putSuspects(1, [pair]);
    const defects = new Map([[A, await getDefect(A)], [B, await getDefect(B)]]);
    expect(openSuspects(await suspectsOf(1), (id) => defects.get(id))).toEqual([pair]);
    expect(suspectsOfDefect(await suspectsOf(1), A)).toEqual([pair]);
    expect(suspectsOfDefect(await suspectsOf(1), 'other')).toEqual([]);
    await record([{ name: 'defect.merge', args: { id: B, into: A } }]);
    const after = new Map([[A, await getDefect(A)], [B, await getDefect(B)]]);
    expect(openSuspects(await suspectsOf(1), (id) => after.get(id))).toEqual([]); // B is void now
    expect(openSuspects([pair], () => undefined)).toEqual([]); // not on this device
    await settleSuspect(1, B, A);
    expect(await suspectsOf(1)).toEqual([]);
    expect(await suspectsOf(2)).toEqual([]);
  });
});
