import { describe, expect, it } from 'vitest';
import {
  calendarBody,
  daysBetween,
  draftOfRound,
  draftsOf,
  formatFloors,
  offsetLabel,
  parseFloors,
  problemOf,
  roundBody,
  timeline,
} from '../src/store/calendar.js';
import { SCREEN_ROLES, mayOpen } from '../src/store/apply.js';

const PROPOSAL = {
  delivery_date: '2027-06-30',
  rounds: [
    { key: 'group_joint', kind: 'group_joint', name: '集团联合验收', planned_start: '2027-04-29', planned_end: '2027-05-03', offset_days: -62 },
    { key: 'open_day', kind: 'pre_inspection', name: '工地开放日·客户预验收', planned_start: '2027-05-15', planned_end: '2027-05-17', offset_days: -46 },
  ],
  milestones: [{ key: 'completion', name: '全面完工', date: '2027-04-01', offset_days: -90 }],
};

describe('the planning calendar', () => {
  it('reads and writes floors the way a manager types them', () => {
    expect(parseFloors('')).toBe(null);
    expect(parseFloors('1-3, 5，8')).toEqual([1, 2, 3, 5, 8]);
    expect(parseFloors('-1-2')).toEqual([-1, 0, 1, 2]);
    expect(parseFloors('5-3')).toBe(undefined);
    expect(parseFloors('a')).toBe(undefined);
    expect(parseFloors('1-1000')).toBe(undefined);
    expect(formatFloors([5, 1, 2, 3, 8, 2])).toBe('1-3,5,8');
    expect(parseFloors(formatFloors([1, 2, 3, 5, 8]))).toEqual([1, 2, 3, 5, 8]);
    expect(formatFloors(null)).toBe('');
  });

  it('labels days from delivery T−n', () => {
    expect(offsetLabel(-60)).toBe('T−60');
    expect(offsetLabel(0)).toBe('T');
    expect(offsetLabel(2)).toBe('T+2');
    expect(daysBetween('2027-06-30', '2027-05-01')).toBe(-60);
  });

  it('turns the proposal into rows, milestones in calendar order, and saves only what is included', () => {
    const drafts = draftsOf(PROPOSAL, 4);
    expect(timeline(drafts, PROPOSAL.milestones).map((i) => i.milestone?.key ?? i.draft.key)).toEqual([
      'completion',
      'group_joint',
      'open_day',
    ]);
    drafts[0].include = false;
    drafts[1] = { ...drafts[1], floors: '2-3', participants: { 7: 'lead', 9: '' } };
    expect(calendarBody(drafts, '2027-06-30')).toEqual({
      delivery_date: '2027-06-30',
      rounds: [
        {
          kind: 'pre_inspection',
          name: '工地开放日·客户预验收',
          planned_start: '2027-05-15',
          planned_end: '2027-05-17',
          building_id: 4,
          floors: [2, 3],
          participants: [{ user_id: 7, role: 'lead' }],
        },
      ],
    });
  });

  it('says what is wrong with a row before it is sent', () => {
    const ok = draftsOf(PROPOSAL)[0];
    expect(problemOf(ok)).toBe(null);
    expect(problemOf({ ...ok, name: ' ' })).toBe('cal_err_name');
    expect(problemOf({ ...ok, planned_end: '2027-04-01' })).toBe('cal_err_order');
    expect(problemOf({ ...ok, planned_start: '' })).toBe('cal_err_dates');
    expect(problemOf({ ...ok, floors: 'x' })).toBe('cal_err_floors');
  });

  it('edits a saved round in the same shape', () => {
    const saved = { id: 'r1', kind: 'handover', name: '承接查验', status: 'planned', planned_start: '2027-06-08',
      planned_end: '2027-06-15', building_id: null, floors: [1, 2], participants: [{ user_id: 3, role: 'property' }] };
    const d = draftOfRound(saved);
    expect(d.floors).toBe('1-2');
    expect(roundBody(d)).toEqual({ name: '承接查验', planned_start: '2027-06-08', planned_end: '2027-06-15',
      building_id: null, floors: [1, 2], participants: [{ user_id: 3, role: 'property' }] });
  });

  it('is offered to the roles of the rule table only', () => {
    expect(SCREEN_ROLES.calendar).toEqual(['admin', 'manager']);
    expect(['admin', 'manager', 'inspector', 'crew', 'homeowner'].filter((r) => mayOpen('calendar', r))).toEqual(['admin', 'manager']);
    expect(['admin', 'manager', 'inspector', 'crew', 'homeowner'].filter((r) => mayOpen('duplicates', r))).toEqual([
      'admin',
      'manager',
      'inspector',
    ]);
    expect(mayOpen('calendar', undefined)).toBe(false);
  });
});
