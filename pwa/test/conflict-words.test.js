import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../src/i18n/messages.js';
import { describeConflict } from '../src/store/conflict-words.js';

const t = (key, vars = {}) => {
  let s = MESSAGES.zh[key] ?? key;
  for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
};
const ctx = (over = {}) => ({
  t,
  me: { id: 7, role: 'inspector' },
  deviceId: 'dev-b',
  status: 'closed',
  contractorName: (id) => ({ 1: '华建土建' })[id] ?? '',
  when: (v) => `T(${typeof v === 'number' ? new Date(v).toISOString() : v})`,
  ...over,
});

// As sync/status.py records it: `ours` is the server's state, `theirs` the device's change.
const stale = {
  id: 5,
  defect_id: 'd1',
  kind: 'stale',
  message: 'raw server text',
  ours: { status: 'closed', contractor_id: 1, repeat_count: 0, satisfaction: null, assigned_at: '2026-11-01T00:00:00' },
  theirs: { action: 'fail', from: 'fixed', note: '阴角仍有空鼓', user_id: 7, role: 'inspector', device_id: 'dev-b', hlc: '1764558000000:00000:dev-b' },
  status: 'open',
  device_id: 'dev-b',
  user_id: 7,
  user_name: '李工',
  created_at: '2026-12-01T03:00:00+00:00',
};

describe('a conflict in words', () => {
  it('labels the device change as yours and the server state as the server value (not swapped)', () => {
    const w = describeConflict(stale, ctx());
    expect(w.mineLabel).toBe('你的修改');
    expect(w.serverLabel).toBe('服务器上的值');
    const status = w.rows.find((r) => r.field === 'status');
    expect(status.server).toBe('已关闭'); // ours = the server
    expect(status.mine).toBe('复验不通过 → 已分派'); // theirs = the device's change
    expect(w.rows.find((r) => r.field === 'contractor_id')).toMatchObject({ mine: '华建土建', server: '华建土建' });
    expect(w.who).toBe('你');
    expect(w.device).toBe('本机');
    expect(w.madeAt).toBe('T(2025-12-01T03:00:00.000Z)');
    expect(w.note).toBe('阴角仍有空鼓');
  });

  it("names whoever else made it, and which device; never shows clocks or ids", () => {
    const w = describeConflict(stale, ctx({ me: { id: 9, role: 'manager' }, deviceId: 'dev-a' }));
    expect(w.mineLabel).toBe('李工的修改');
    expect(w.who).toBe('李工');
    expect(w.device).toBe('另一台设备');
    const text = JSON.stringify(w.rows);
    for (const raw of ['hlc', 'device_id', 'dev-b', 'null', 'assigned_at', '2026-11-01']) expect(text).not.toContain(raw);
  });

  it('offers staff "keep the server value", and the device change only where the rule table allows it now', () => {
    expect(describeConflict(stale, ctx()).choices).toEqual(['ours']); // fail does not apply to a closed defect
    expect(describeConflict(stale, ctx({ status: 'fixed' })).choices).toEqual(['ours', 'theirs']);
    expect(describeConflict(stale, ctx({ me: { id: 3, role: 'crew' } })).choices).toEqual([]);
    expect(describeConflict({ ...stale, status: 'resolved' }, ctx()).choices).toEqual([]);
  });

  it('shows a dispatch in contractor names, and a mark-up conflict by its marks', () => {
    const assign = { ...stale, ours: { status: 'assigned', contractor_id: null }, theirs: { ...stale.theirs, action: 'assign', from: 'open', contractor_id: 1, due_date: '2026-12-10' } };
    const w = describeConflict(assign, ctx());
    expect(w.rows.find((r) => r.field === 'contractor_id')).toMatchObject({ mine: '华建土建', server: '—' });
    expect(w.rows.find((r) => r.field === 'due_date').mine).toBe('2026-12-10');
    const markup = {
      ...stale,
      kind: 'annotation',
      ours: { shapes: [{}, {}], clock: '1764558000000:00000:x', user_id: 2, sha256: 'a'.repeat(64) },
      theirs: { shapes: [{}], clock: '1764558060000:00000:y', user_id: 7, device_id: 'dev-b', sha256: 'a'.repeat(64) },
    };
    const m = describeConflict(markup, ctx());
    expect(m.rows[0]).toMatchObject({ mine: '1 处标注', server: '2 处标注' });
    expect(m.choices).toEqual(['ours', 'theirs']);
  });
});
