import { beforeEach, describe, expect, it } from 'vitest';
import {
  itemsForRoom,
  judge,
  mergeAnswers,
  progressOf,
  roomKinds,
  slotKeys,
  toleranceText,
  UNIT_ROOM,
} from '../src/store/checklist.js';
import { allMutations, record, settle } from '../src/store/outbox.js';
import { answersOf, byUnit, covers, pickRound } from '../src/store/rounds.js';
import { putReference } from '../src/store/reference.js';
import { freshDb } from './helpers.js';

const flat = { id: 1, code: 'wall_flatness', room_kind: 'all', tol_min: null, tol_max: 4, unit: 'mm', type_id: 5 };
const height = { id: 2, code: 'net_height', room_kind: 'all', tol_min: -20, tol_max: 20, unit: 'mm' };
const railing = { id: 3, code: 'railing_height', room_kind: 'balcony', tol_min: 1050, tol_max: null, unit: 'mm' };
const ponding = { id: 4, code: 'ponding', room_kind: 'bath', tol_min: null, tol_max: null };
const rcd = { id: 5, code: 'rcd', room_kind: 'unit', tol_min: null, tol_max: 30, unit: 'mA' };
const ITEMS = [flat, height, railing, ponding, rcd];
const ROOMS = [
  { id: 11, code: 'living', name: '客厅' },
  { id: 12, code: 'bath', name: '卫生间' },
];

describe('tolerances (the same rule as domain/rounds/checklists.py)', () => {
  it.each([
    [flat, 4, 'pass'],
    [flat, 4.0004, 'pass'],
    [flat, 4.001, 'fail'],
    [flat, 0, 'pass'],
    [height, -20, 'pass'],
    [height, 20, 'pass'],
    [height, -20.01, 'fail'],
    [height, 20.5, 'fail'],
    [railing, 1050, 'pass'],
    [railing, 1049.9, 'fail'],
    [rcd, 30, 'pass'],
    [rcd, 31, 'fail'],
  ])('%o measured %s → %s', (item, value, verdict) => {
    expect(judge(item, value)).toBe(verdict);
  });

  it('refuses what is not a number', () => {
    expect(judge(flat, 'abc')).toBe(null);
  });

  it('writes tolerances as people do', () => {
    expect(toleranceText(flat)).toBe('≤ 4 mm');
    expect(toleranceText(height)).toBe('-20 ~ 20 mm');
    expect(toleranceText(railing)).toBe('≥ 1050 mm');
  });
});

describe('rooms and progress', () => {
  it('asks each room for its kind of items', () => {
    expect(roomKinds({ code: 'x', name: '阳台' }).has('balcony')).toBe(true);
    expect(itemsForRoom(ITEMS, ROOMS[1]).map((i) => i.code)).toEqual(['wall_flatness', 'net_height', 'ponding']);
    expect(itemsForRoom(ITEMS, { id: UNIT_ROOM }).map((i) => i.code)).toEqual(['rcd']);
    expect(slotKeys(ITEMS, ROOMS)).toEqual(['11:1', '12:1', '11:2', '12:2', '12:4', '0:5']);
  });

  it('is 已验 when every slot is answered, from answers of two devices', () => {
    const a = { '11:1': { result: 'pass', hlc: '1' }, '11:2': { result: 'na', hlc: '1' }, '0:5': { result: 'pass', hlc: '1' } };
    const b = { '12:1': { result: 'fail', hlc: '2' }, '12:2': { result: 'pass', hlc: '2' }, '12:4': { result: 'pass', hlc: '2' } };
    expect(progressOf(ITEMS, ROOMS, a)).toEqual({ done: 3, total: 6, status: 'partial' });
    expect(progressOf(ITEMS, ROOMS, {})).toEqual({ done: 0, total: 6, status: 'none' });
    expect(progressOf(ITEMS, ROOMS, mergeAnswers(a, b))).toEqual({ done: 6, total: 6, status: 'done' });
    const cleared = mergeAnswers(a, b, { '12:4': { result: '', hlc: '3' } });
    expect(progressOf(ITEMS, ROOMS, cleared).status).toBe('partial');
    expect(mergeAnswers({ k: { result: 'fail', hlc: '5' } }, { k: { result: 'pass', hlc: '4' } }).k.result).toBe('fail');
  });
});

describe('rounds', () => {
  const rounds = [
    { id: 'r1', kind: 'internal', status: 'open', started_on: '2026-01-01', building_id: null },
    { id: 'r2', kind: 'pre_inspection', status: 'open', started_on: '2026-02-01', building_id: 7 },
    { id: 'r3', kind: 'delivery', status: 'planned', started_on: '2026-03-01', building_id: null },
    { id: 'r4', kind: 'pre_inspection', status: 'closed', started_on: '2026-02-02', building_id: null },
  ];
  it('defaults to the open customer-facing round of the building, else an open one, and keeps a pick', () => {
    expect(pickRound(rounds, { buildingId: 7 }).id).toBe('r2');
    expect(pickRound(rounds, { buildingId: 8 }).id).toBe('r1');
    expect(pickRound(rounds, { buildingId: 7, chosenId: 'r1' }).id).toBe('r1');
    expect(pickRound(rounds, { buildingId: 7, chosenId: 'r4' }).id).toBe('r2'); // closed: not kept
  });

  it('covers a building, floors or a list of units', () => {
    const u = { id: 1, building_id: 7, floor: 3 };
    expect(covers({ building_id: 7, floors: [3] }, u)).toBe(true);
    expect(covers({ building_id: 7, floors: [4] }, u)).toBe(false);
    expect(covers({ unit_ids: [2] }, u)).toBe(false);
    expect(covers({ building_id: null }, u)).toBe(true);
  });
});

describe('answers offline', () => {
  beforeEach(freshDb);

  it('shows an answer at once and queues it once; the server copy takes over after a sync', async () => {
    const args = { inspection_id: 'r2', unit_id: 9, room_id: 11, item_id: 1, result: 'fail', measured: 6 };
    const [m] = await record([{ name: 'checklist.result', args }]);
    expect(m.defect_id).toBe(null);
    let mine = byUnit(await answersOf(1, 'r2'));
    expect(mine['9']['11:1']).toMatchObject({ result: 'fail', measured: 6 });
    await settle([m], { results: [{ seq: m.seq, status: 'applied' }] });
    expect(await allMutations()).toEqual([]);
    // another device answered the bath; the fetch after the sync brings both
    await putReference('1:answers:r2', {
      '9:11:1': { unit_id: 9, result: 'fail', measured: 6, hlc: m.hlc },
      '9:12:1': { unit_id: 9, result: 'pass', hlc: 'zzz' },
    });
    mine = byUnit(await answersOf(1, 'r2'));
    expect(Object.keys(mine['9']).sort()).toEqual(['11:1', '12:1']);
  });
});
