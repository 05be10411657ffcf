import { describe, expect, it } from 'vitest';
import { formatTime } from '../src/i18n/index.js';

describe('local time', () => {
  it('writes a server timestamp (UTC) in the device time zone, zh-CN style', () => {
    const at = '2026-12-01T03:05:00+00:00';
    expect(formatTime(at, { language: 'zh', timeZone: 'Asia/Shanghai' })).toBe('2026/12/01 11:05');
    expect(formatTime(at, { language: 'zh', timeZone: 'Asia/Shanghai', style: 'day' })).toBe('12月1日');
    expect(formatTime(at, { language: 'en', timeZone: 'Asia/Shanghai' })).toBe('01/12/2026, 11:05');
    expect(formatTime(Date.parse(at), { language: 'zh', timeZone: 'Asia/Shanghai', style: 'time' })).toBe('11:05:00');
  });

  it('writes a calendar date as the day it names, in any time zone', () => {
    expect(formatTime('2026-12-05', { language: 'zh', timeZone: 'America/Los_Angeles', style: 'day' })).toBe('12月5日');
  });

  it('shows a dash for no time and the text for an unreadable one', () => {
    expect(formatTime(null)).toBe('—');
    expect(formatTime('soon')).toBe('soon');
  });
});
