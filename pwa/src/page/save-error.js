/** The words for a save that failed on the device (IndexedDB), so a screen shows it instead of throwing. */
import { t } from '../i18n/index.js';

export function saveErrorText(e) {
  if (e?.name === 'QuotaExceededError') return t('save_failed_full');
  return t('save_failed', { why: e?.message || String(e ?? '') });
}
