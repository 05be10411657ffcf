import { describe, expect, it } from 'vitest';
import { formatHlc, parseHlc, receive, tick } from '../src/sync/hlc.js';

describe('hlc', () => {
  it('formats as the wire contract says and sorts as text', () => {
    const a = formatHlc(1700000000000, 1, 'dev');
    const b = formatHlc(1700000000000, 12, 'dev');
    const c = formatHlc(1700000000001, 0, 'dev');
    expect(a).toBe('1700000000000:00001:dev');
    expect([c, b, a].sort()).toEqual([a, b, c]);
    expect(parseHlc(b)).toEqual({ pt: 1700000000000, c: 12, node: 'dev' });
  });

  it('never goes backwards when the wall clock does', () => {
    let s = { pt: 0, c: 0 };
    s = tick(s, 1000);
    const later = tick(s, 500);
    expect(later).toEqual({ pt: 1000, c: 1 });
  });

  it('moves past a remote clock that is ahead', () => {
    const s = receive({ pt: 1000, c: 3 }, formatHlc(5000, 7, 'server'), 2000);
    expect(s).toEqual({ pt: 5000, c: 8 });
    expect(tick(s, 2000)).toEqual({ pt: 5000, c: 9 });
  });
});
