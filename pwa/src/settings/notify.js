/**
 * A user's own notification settings (GET/PUT /api/me/notifications) as a form: per message kind, inbox
 * on/off and e-mail on/off; the address; quiet hours for e-mail. Checks mirror the server's codes.
 */

export const ALL_KINDS = ['dispatched', 'rejected', 'due_soon', 'overdue', 'fixed', 'recheck_failed', 'closed', 'disputed', 'digest'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export function notifyForm(s) {
  const kinds = s.kinds?.length ? s.kinds : ALL_KINDS;
  return {
    kinds,
    email: s.email ?? '',
    inbox: Object.fromEntries(kinds.map((k) => [k, !(s.muted_kinds ?? []).includes(k)])),
    mail: Object.fromEntries(kinds.map((k) => [k, (s.email_kinds ?? []).includes(k)])),
    quiet: !!(s.quiet_start && s.quiet_end),
    quiet_start: s.quiet_start || '22:00',
    quiet_end: s.quiet_end || '07:00',
    // Kinds this role does not get keep whatever was chosen before (the PUT replaces the lists).
    keepMuted: (s.muted_kinds ?? []).filter((k) => !kinds.includes(k)),
    keepMail: (s.email_kinds ?? []).filter((k) => !kinds.includes(k)),
  };
}

/** {field → error code}; empty when the form may be saved. */
export function checkNotify(form) {
  const errors = {};
  const email = form.email.trim();
  if (email && (email.length > 254 || !EMAIL.test(email))) errors.email = 'invalid';
  else if (!email && form.kinds.some((k) => form.mail[k])) errors.email = 'notify_email_missing';
  if (form.quiet && (!HHMM.test(form.quiet_start) || !HHMM.test(form.quiet_end) || form.quiet_start === form.quiet_end)) {
    errors.quiet = 'quiet_hours_invalid';
  }
  return errors;
}

export function notifyBody(form) {
  const email = form.email.trim();
  return {
    email,
    muted_kinds: [...form.kinds.filter((k) => !form.inbox[k]), ...form.keepMuted],
    email_kinds: email ? [...form.kinds.filter((k) => form.mail[k]), ...form.keepMail] : [],
    quiet_start: form.quiet ? form.quiet_start : '',
    quiet_end: form.quiet ? form.quiet_end : '',
  };
}
