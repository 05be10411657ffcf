/** A tiny event bus: screens re-read IndexedDB when 'data' fires (after a save or a sync). */
const handlers = new Map();

export function on(type, fn) {
  if (!handlers.has(type)) handlers.set(type, new Set());
  handlers.get(type).add(fn);
  return () => handlers.get(type).delete(fn);
}

export function emit(type, payload) {
  for (const fn of handlers.get(type) ?? []) fn(payload);
}
