/**
 * How a mutation changes a defect on this device, before the server has seen it. Pure functions:
 * used when the inspector saves (optimistic) and again when server state arrives (rebase: the
 * server's copy with every still-pending mutation replayed on top). The server stays the judge.
 */

import RULES from '../../../domain/rules.json';

export const STATUSES = RULES.statuses;

/** action → {from: allowed statuses, to, roles}: the server's own table (domain/rules.json). */
export const TRANSITIONS = RULES.transitions;

/** Which roles may push each mutation kind at all (scope is the server's to check). */
export const MUTATION_ROLES = RULES.mutation_roles;

/** Which roles are offered the planning calendar and the suspected-duplicates list (the server's own table). */
export const SCREEN_ROLES = RULES.screen_roles;

export const mayOpen = (screen, role) => Boolean(role && SCREEN_ROLES[screen]?.includes(role));

/** The actions offered on a defect in `status` to someone with `role` (all roles when not given). */
export function actionsFrom(status, role) {
  return Object.keys(TRANSITIONS).filter(
    (a) => TRANSITIONS[a].from.includes(status) && (!role || TRANSITIONS[a].roles.includes(role)),
  );
}

export const UPDATABLE = ['description', 'room_id', 'pin_x', 'pin_y', 'severity', 'type_id', 'due_date'];

/** Returns the defect after `m` (a new object), or null when `m` is not about a defect (comments). */
export function applyMutation(defect, m, ctx = {}) {
  const a = m.args;
  switch (m.name) {
    case 'defect.create': {
      if (defect) return defect; // a replay of the create over the server's copy changes nothing
      return {
        id: a.id,
        project_id: ctx.project_id ?? null,
        unit_id: a.unit_id,
        room_id: a.room_id ?? null,
        pin_x: a.pin_x ?? null,
        pin_y: a.pin_y ?? null,
        type_id: a.type_id,
        severity: a.severity ?? ctx.default_severity ?? 'B',
        description: a.description ?? '',
        reporter_id: ctx.user_id ?? null,
        inspection_id: a.inspection_id ?? null,
        contractor_id: null,
        status: 'open',
        due_date: null,
        response_due_at: null,
        fix_due_at: null,
        accepted_at: null,
        escalation_level: 0,
        repeat_count: 0,
        satisfaction: null,
        created_at: ctx.now ?? new Date().toISOString(),
        updated_at: ctx.now ?? new Date().toISOString(),
        photos: (a.photos ?? []).map((p) => ({ sha256: p.sha256, kind: p.kind ?? 'before' })),
      };
    }
    case 'defect.update': {
      if (!defect) return null;
      const next = { ...defect };
      for (const k of UPDATABLE) if (k in a.fields) next[k] = a.fields[k];
      return next;
    }
    case 'defect.status': {
      if (!defect) return null;
      const t = TRANSITIONS[a.action];
      if (!t || !t.from.includes(defect.status)) return defect; // the server will record the conflict
      const next = { ...defect, status: t.to };
      if (a.action === 'assign') {
        if (a.contractor_id != null) next.contractor_id = a.contractor_id;
        if (a.due_date != null) next.due_date = a.due_date;
      }
      if (a.action === 'assign') next.accepted_at = null;
      if (a.action === 'accept') next.accepted_at = defect.accepted_at ?? ctx.now ?? new Date().toISOString();
      if (a.action === 'reject') {
        next.contractor_id = null;
        next.accepted_at = null;
        next.response_due_at = null;
        next.fix_due_at = null;
      }
      if (a.action === 'fail') next.repeat_count = (defect.repeat_count ?? 0) + 1;
      if (a.action === 'visit' && a.satisfaction != null) next.satisfaction = a.satisfaction;
      return next;
    }
    case 'defect.photo_add': {
      if (!defect) return null;
      if (defect.photos.some((p) => p.sha256 === a.sha256)) return defect;
      return { ...defect, photos: [...defect.photos, { sha256: a.sha256, kind: a.kind ?? 'before' }] };
    }
    case 'defect.photo_remove': {
      if (!defect) return null;
      return { ...defect, photos: defect.photos.filter((p) => p.sha256 !== a.sha256) };
    }
    case 'defect.merge': {
      // The duplicate is voided; the server moves its photos and comments to the survivor.
      if (!defect) return null;
      return TRANSITIONS.void.from.includes(defect.status) ? { ...defect, status: 'void' } : defect;
    }
    default:
      return defect ?? null;
  }
}

/** The id of the defect a mutation is about (null for photo mark-up, `photo.annotate`). */
export function defectIdOf(m) {
  return m.args.id ?? null;
}
