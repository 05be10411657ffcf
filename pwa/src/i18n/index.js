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

/** A date and time written the way the chosen language writes them. */
export function when(value, timeOnly = false) {
  const d = new Date(value);
  const locale = lang === 'zh' ? 'zh-CN' : 'en-GB';
  return timeOnly ? d.toLocaleTimeString(locale) : d.toLocaleString(locale);
}
