import { describe, expect, it } from 'vitest';
import { ERRORS } from '../src/i18n/errors.js';
import { MESSAGES } from '../src/i18n/messages.js';
import {
  CATEGORIES,
  CATEGORY_KEYS,
  NOTIFY_TARGETS,
  checkLadder,
  checkPolicy,
  describeChange,
  isEmptyBody,
  ladderBody,
  nextStep,
  policyBody,
  policyForm,
  splitMinutes,
  toMinutes,
} from '../src/settings/followup.js';
import { ALL_KINDS, checkNotify, notifyBody, notifyForm } from '../src/settings/notify.js';

const t = (key, vars) => {
  let s = MESSAGES.en[key] ?? key;
  for (const [k, v] of Object.entries(vars ?? {})) s = s.replaceAll(`{${k}}`, String(v));
  return s;
};

const SETUP = {
  policy: [
    { category: '工程质量', severity: 'A', response_minutes: 120, fix_minutes: 2880 },
    { category: '工程质量', severity: 'B', response_minutes: 1440, fix_minutes: 10080 },
  ],
  types: [{ type_id: 7, response_minutes: 30, fix_minutes: 2880, urgent: true }],
  due_soon_hours: 24,
  ladder: [
    { level: 1, after_hours: 0, urgent_after_hours: 0, notify: 'crew' },
    { level: 2, after_hours: 72, urgent_after_hours: 24, notify: 'manager' },
  ],
};

describe('durations', () => {
  it('shows minutes in the largest whole unit and reads them back', () => {
    expect(splitMinutes(2880)).toEqual({ value: 2, unit: 'd' });
    expect(splitMinutes(90)).toEqual({ value: 90, unit: 'min' });
    expect(splitMinutes(120)).toEqual({ value: 2, unit: 'h' });
    expect(splitMinutes(0)).toEqual({ value: 0, unit: 'min' });
    expect(toMinutes('3', 'd')).toBe(4320);
    expect(toMinutes('1,5', 'h')).toBe(90);
    expect(toMinutes('', 'h')).toBeNaN();
    expect(toMinutes('-1', 'h')).toBeNaN();
    expect(toMinutes('soon', 'h')).toBeNaN();
  });
});

describe('the time-limit form', () => {
  it('sends only what changed, and the types removed', () => {
    const form = policyForm(SETUP);
    expect(isEmptyBody(policyBody(form, SETUP))).toBe(true);
    form.cells['工程质量|B'] = { response: 1440, fix: 4320 };
    form.types = [];
    form.due_soon_hours = 48;
    expect(policyBody(form, SETUP)).toEqual({
      policy: [{ category: '工程质量', severity: 'B', response_minutes: 1440, fix_minutes: 4320 }],
      types: [],
      remove_types: [7],
      due_soon_hours: 48,
    });
  });

  it('catches what the server would refuse, with the same codes', () => {
    const form = policyForm(SETUP);
    form.cells['工程质量|A'] = { response: 600, fix: 60 };
    form.cells['工程质量|B'] = { response: NaN, fix: 60 };
    form.types.push({ type_id: 0, response: 1, fix: 1, urgent: false });
    form.due_soon_hours = -1;
    const errors = checkPolicy(form);
    expect(errors).toEqual({
      '工程质量|A': 'followup_fix_before_response',
      '工程质量|B': 'invalid',
      'type|': 'followup_type_unknown',
      due_soon_hours: 'invalid',
    });
    for (const code of Object.values(errors)) expect(ERRORS[code].zh && ERRORS[code].en).toBeTruthy();
  });
});

describe('the ladder form', () => {
  it('renumbers levels, refuses a level sooner than the one below, adds the next one up', () => {
    const steps = SETUP.ladder.map((s) => ({ ...s }));
    expect(checkLadder(steps)).toEqual({});
    steps.push(nextStep(steps));
    expect(steps[2]).toEqual({ after_hours: 96, urgent_after_hours: 48, notify: 'regional' });
    steps[2].after_hours = 10;
    expect(checkLadder(steps)).toEqual({ '3|after_hours': 'ladder_not_rising' });
    steps[2].after_hours = NaN;
    expect(checkLadder(steps)).toEqual({ '3|after_hours': 'invalid' });
    expect(checkLadder([])).toEqual({ steps: 'invalid' });
    expect(ladderBody(SETUP.ladder.slice().reverse()).steps.map((s) => s.level)).toEqual([1, 2]);
  });
});

describe('the change history', () => {
  it('says which limit changed, from what to what', () => {
    const change = {
      what: 'policy',
      old: { policy: SETUP.policy, types: SETUP.types, due_soon_hours: 24 },
      new: {
        policy: [SETUP.policy[0], { ...SETUP.policy[1], fix_minutes: 4320 }],
        types: [],
        due_soon_hours: 48,
      },
    };
    const lines = describeChange(change, t, (id) => `type ${id}`).map((l) => [t(...l.label), l.before, l.after]);
    expect(lines).toEqual([
      ['Construction quality B fix', '7 d', '3 d'],
      ['Removed limits for type 7', '30 min / 2 d', '—'],
      ['Due-soon warning', '1 d', '2 d'],
    ]);
  });

  it('describes ladder levels and webhooks', () => {
    const ladder = describeChange({ what: 'ladder', old: SETUP.ladder, new: [SETUP.ladder[0]] }, t);
    expect(ladder.map((l) => [t(...l.label), l.after])).toEqual([['L2', '—']]);
    const hook = describeChange({ what: 'webhook', old: null, new: { format: 'wecom', url: 'https://x' } }, t);
    expect(t(...hook[0].label)).toBe('Added');
  });

  it('has words for every category, target and kind in both languages', () => {
    for (const c of CATEGORIES) expect(MESSAGES.en[CATEGORY_KEYS[c]] && MESSAGES.zh[CATEGORY_KEYS[c]]).toBeTruthy();
    for (const n of NOTIFY_TARGETS) expect(MESSAGES.en[`notify_${n}`] && MESSAGES.zh[`notify_${n}`]).toBeTruthy();
    for (const k of ALL_KINDS) expect(MESSAGES.en[`kind_${k}`] && MESSAGES.zh[`kind_${k}`]).toBeTruthy();
  });
});

describe('notification settings form', () => {
  const server = {
    email: '',
    email_kinds: [],
    muted_kinds: ['rejected'],
    quiet_start: '',
    quiet_end: '',
    kinds: ['dispatched', 'overdue', 'digest'],
  };

  it('turns the per-kind ticks into the lists the server keeps, keeping choices for kinds not shown', () => {
    const form = notifyForm(server);
    expect(form.inbox).toEqual({ dispatched: true, overdue: true, digest: true });
    form.email = ' crew@example.com ';
    form.mail.digest = true;
    form.inbox.digest = false;
    form.quiet = true;
    expect(checkNotify(form)).toEqual({});
    expect(notifyBody(form)).toEqual({
      email: 'crew@example.com',
      muted_kinds: ['digest', 'rejected'],
      email_kinds: ['digest'],
      quiet_start: '22:00',
      quiet_end: '07:00',
    });
  });

  it('refuses e-mail without an address and quiet hours that start when they end', () => {
    const form = notifyForm(server);
    form.mail.overdue = true;
    form.quiet = true;
    form.quiet_end = '22:00';
    expect(checkNotify(form)).toEqual({ email: 'notify_email_missing', quiet: 'quiet_hours_invalid' });
    form.email = 'nope';
    expect(checkNotify(form).email).toBe('invalid');
  });
});
