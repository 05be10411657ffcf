/** t('key', {n: 3}) in the chosen language (Chinese by default), persisted on the device. */
import { MESSAGES } from './messages.js';

const KEY = 'yanshou.lang';
let lang = 'zh';
try {
  lang = globalThis.localStorage?.getItem(KEY) === 'en' ? 'en' : 'zh';
} catch {
  lang = 'zh';
}

export function getLang() {
  return lang;
}

export function setLang(next) {
  lang = next === 'en' ? 'en' : 'zh';
  try {
    globalThis.localStorage?.setItem(KEY, lang);
  } catch {
    // private mode: the choice lasts for this visit
  }
  if (globalThis.document) document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

export function t(key, vars) {
  let s = MESSAGES[lang][key] ?? MESSAGES.zh[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** A name in the current language from a record with name_zh / name_en. */
export function nameOf(rec) {
  if (!rec) return '';
  return lang === 'en' ? rec.name_en || rec.name_zh || rec.name : rec.name_zh || rec.name || rec.name_en;
}

const STYLES = {
  full: { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  time: { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' },
  day: { month: 'short', day: 'numeric' },
  date: { year: 'numeric', month: '2-digit', day: '2-digit' },
};

/**
 * A moment (ISO string, or milliseconds) written in the device's time zone the way the language writes it
 * (zh-CN: 2026/12/01 11:03). `timeZone` is for tests; the app always shows the device's own.
 */
export function formatTime(value, { language = lang, style = 'full', timeZone } = {}) {
  if (value == null || value === '') return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  // A calendar date (a due date) has no time zone: written as the day it names, wherever the device is.
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) timeZone = 'UTC';
  const locale = language === 'zh' ? 'zh-CN' : 'en-GB';
  return new Intl.DateTimeFormat(locale, { ...STYLES[style], timeZone }).format(d);
}

/** A date and time in local time; `timeOnly` for today's events (the last sync). */
export function when(value, timeOnly = false) {
  return formatTime(value, { style: timeOnly ? 'time' : 'full' });
}

/** The local calendar day of a moment (a deadline): 12月1日 / 1 Dec. */
export function day(value) {
  return formatTime(value, { style: 'day' });
}
