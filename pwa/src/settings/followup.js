/**
 * The follow-up set-up a manager edits (time limits, the escalation ladder) as plain data: durations shown
 * in the unit that reads best, checks that mirror the server's (so most mistakes are caught before saving,
 * with the same error codes the server would answer), the request bodies, and each recorded change
 * described field by field for the history list. No DOM, no network: unit-tested on its own.
 */

// The 中航地产 routing categories (domain/models/followup.py) and their message keys.
export const CATEGORIES = ['工程质量', '物业维修', '规划设计', '客户服务', '销售服务', '外部环境'];
export const CATEGORY_KEYS = {
  工程质量: 'cat_quality',
  物业维修: 'cat_maintenance',
  规划设计: 'cat_design',
  客户服务: 'cat_customer',
  销售服务: 'cat_sales',
  外部环境: 'cat_environment',
};
export const SEVERITIES = ['A', 'B', 'C'];
export const NOTIFY_TARGETS = ['crew', 'manager', 'regional'];
export const MAX_MINUTES = 366 * 24 * 60;
export const MAX_HOURS = 366 * 24;
export const MAX_LEVELS = 10;

// Units, in minutes.
export const UNITS = { min: 1, h: 60, d: 1440 };

/** A number of minutes as {value, unit} in the largest unit it is a whole number of. */
export function splitMinutes(minutes) {
  const m = Number(minutes) || 0;
  if (m > 0 && m % UNITS.d === 0) return { value: m / UNITS.d, unit: 'd' };
  if (m > 0 && m % UNITS.h === 0) return { value: m / UNITS.h, unit: 'h' };
  return { value: m, unit: 'min' };
}

/** {value, unit} back to whole minutes; NaN when the value is not a number ≥ 0. */
export function toMinutes(value, unit) {
  const v = typeof value === 'number' ? value : Number(String(value).trim().replace(',', '.'));
  if (String(value).trim() === '' || !Number.isFinite(v) || v < 0) return NaN;
  return Math.round(v * (UNITS[unit] ?? 1));
}

/** Minutes in words ("2 天", "30 min"), with the message function given (i18n t). */
export function formatMinutes(minutes, t) {
  if (minutes === null || minutes === undefined) return '—';
  const { value, unit } = splitMinutes(minutes);
  return `${value} ${t(`unit_${unit}`)}`;
}

/** The editable copy of the server's set-up (GET /api/projects/<id>/followup). */
export function policyForm(setup) {
  const cells = {};
  for (const row of setup.policy ?? []) {
    cells[`${row.category}|${row.severity}`] = { response: row.response_minutes, fix: row.fix_minutes };
  }
  return {
    cells,
    types: (setup.types ?? []).map((x) => ({ type_id: x.type_id, response: x.response_minutes, fix: x.fix_minutes, urgent: !!x.urgent })),
    due_soon_hours: setup.due_soon_hours ?? 24,
  };
}

function limitProblems(response, fix) {
  if (!Number.isInteger(response) || !Number.isInteger(fix)) return 'invalid';
  if (response > MAX_MINUTES || fix > MAX_MINUTES) return 'invalid';
  if (fix < response) return 'followup_fix_before_response';
  return null;
}

/** {field key → error code} for the form; empty when it may be saved. */
export function checkPolicy(form) {
  const errors = {};
  for (const [key, cell] of Object.entries(form.cells)) {
    const code = limitProblems(cell.response, cell.fix);
    if (code) errors[key] = code;
  }
  const seen = new Set();
  for (const row of form.types) {
    const code = !row.type_id ? 'followup_type_unknown' : seen.has(row.type_id) ? 'invalid' : limitProblems(row.response, row.fix);
    if (code) errors[`type|${row.type_id || ''}`] = code;
    seen.add(row.type_id);
  }
  const h = form.due_soon_hours;
  if (!Number.isInteger(h) || h < 0 || h > MAX_HOURS) errors.due_soon_hours = 'invalid';
  return errors;
}

/** The PUT /followup/policy body: the changed cells and types, the types removed, the due-soon window. */
export function policyBody(form, original) {
  const before = policyForm(original);
  const policy = [];
  for (const [key, cell] of Object.entries(form.cells)) {
    const was = before.cells[key];
    if (was && was.response === cell.response && was.fix === cell.fix) continue;
    const [category, severity] = key.split('|');
    policy.push({ category, severity, response_minutes: cell.response, fix_minutes: cell.fix });
  }
  const oldTypes = new Map(before.types.map((x) => [x.type_id, x]));
  const types = form.types
    .filter((x) => {
      const was = oldTypes.get(x.type_id);
      return !was || was.response !== x.response || was.fix !== x.fix || was.urgent !== x.urgent;
    })
    .map((x) => ({ type_id: x.type_id, response_minutes: x.response, fix_minutes: x.fix, urgent: x.urgent }));
  const kept = new Set(form.types.map((x) => x.type_id));
  const remove_types = before.types.map((x) => x.type_id).filter((id) => !kept.has(id));
  const body = { policy, types, remove_types };
  if (form.due_soon_hours !== before.due_soon_hours) body.due_soon_hours = form.due_soon_hours;
  return body;
}

export function isEmptyBody(body) {
  return !body.policy.length && !body.types.length && !body.remove_types.length && body.due_soon_hours === undefined;
}

/** The ladder's steps as edited (levels renumbered 1..n in order). */
export function ladderForm(setup) {
  return (setup.ladder ?? []).map((s) => ({ ...s }));
}

/** {"<level>|<field>" → code} for the ladder, mirroring the server (levels climb, thresholds rise). */
export function checkLadder(steps) {
  const errors = {};
  if (!steps.length || steps.length > MAX_LEVELS) errors.steps = 'invalid';
  steps.forEach((s, i) => {
    for (const f of ['after_hours', 'urgent_after_hours']) {
      if (!Number.isInteger(s[f]) || s[f] < 0 || s[f] > MAX_HOURS) errors[`${i + 1}|${f}`] = 'invalid';
      else if (i > 0 && s[f] < steps[i - 1][f]) errors[`${i + 1}|${f}`] = 'ladder_not_rising';
    }
    if (!NOTIFY_TARGETS.includes(s.notify)) errors[`${i + 1}|notify`] = 'invalid';
  });
  return errors;
}

export function ladderBody(steps) {
  return {
    steps: steps.map((s, i) => ({
      level: i + 1,
      after_hours: s.after_hours,
      urgent_after_hours: s.urgent_after_hours,
      notify: s.notify,
    })),
  };
}

/** A new level after the last: a day later than it, notifying the next target up. */
export function nextStep(steps) {
  const last = steps.at(-1);
  if (!last) return { after_hours: 0, urgent_after_hours: 0, notify: 'crew' };
  const up = NOTIFY_TARGETS[Math.min(NOTIFY_TARGETS.indexOf(last.notify) + 1, NOTIFY_TARGETS.length - 1)];
  return { after_hours: last.after_hours + 24, urgent_after_hours: last.urgent_after_hours + 24, notify: up };
}

/**
 * What a recorded change (GET /followup/changes) changed, as lines {label, before, after}: label is
 * [message key, vars] for t(); before/after are already words. ``typeName(id)`` names a defect type.
 */
export function describeChange(change, t, typeName = (id) => `#${id}`) {
  const lines = [];
  const dur = (m) => (m === undefined ? '—' : formatMinutes(m, t));
  const hrs = (h) => (h === undefined ? '—' : formatMinutes(h * 60, t));
  const add = (label, before, after) => {
    if (before !== after) lines.push({ label, before, after });
  };
  const o = change.old ?? {};
  const n = change.new ?? {};
  if (change.what === 'policy') {
    const cells = (rows) => new Map((rows ?? []).map((r) => [`${r.category}|${r.severity}`, r]));
    const a = cells(o.policy);
    const b = cells(n.policy);
    for (const key of new Set([...a.keys(), ...b.keys()])) {
      const [category, severity] = key.split('|');
      const cat = CATEGORY_KEYS[category] ? t(CATEGORY_KEYS[category]) : category;
      add(['change_response', { what: `${cat} ${severity}` }], dur(a.get(key)?.response_minutes), dur(b.get(key)?.response_minutes));
      add(['change_fix', { what: `${cat} ${severity}` }], dur(a.get(key)?.fix_minutes), dur(b.get(key)?.fix_minutes));
    }
    const types = (rows) => new Map((rows ?? []).map((r) => [r.type_id, r]));
    const ta = types(o.types);
    const tb = types(n.types);
    for (const id of new Set([...ta.keys(), ...tb.keys()])) {
      const what = typeName(id);
      const x = ta.get(id);
      const y = tb.get(id);
      if (!y) lines.push({ label: ['change_type_removed', { what }], before: `${dur(x.response_minutes)} / ${dur(x.fix_minutes)}`, after: '—' });
      else if (!x) lines.push({ label: ['change_type_added', { what }], before: '—', after: `${dur(y.response_minutes)} / ${dur(y.fix_minutes)}` });
      else {
        add(['change_response', { what }], dur(x.response_minutes), dur(y.response_minutes));
        add(['change_fix', { what }], dur(x.fix_minutes), dur(y.fix_minutes));
        add(['change_urgent', { what }], x.urgent ? '✓' : '✗', y.urgent ? '✓' : '✗');
      }
    }
    add(['change_due_soon', {}], hrs(o.due_soon_hours), hrs(n.due_soon_hours));
  } else if (change.what === 'ladder') {
    const steps = (rows) => new Map((rows ?? []).map((s) => [s.level, s]));
    const a = steps(o);
    const b = steps(n);
    const step = (s) => (s ? `${hrs(s.after_hours)} / ${hrs(s.urgent_after_hours)} → ${t(`notify_${s.notify}`)}` : '—');
    for (const level of [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y)) {
      add(['change_level', { n: level }], step(a.get(level)), step(b.get(level)));
    }
  } else if (change.what === 'webhook') {
    const hook = (h) => (h ? `${t(`hook_${h.format}`)} ${h.url}` : '—');
    lines.push({ label: [n && Object.keys(n).length ? 'change_hook_added' : 'change_hook_removed', {}], before: hook(change.old), after: hook(change.new) });
  } else {
    lines.push({ label: [`change_${change.what}`, {}], before: '', after: '' });
  }
  return lines;
}
