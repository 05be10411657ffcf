/** Retry or discard a mutation the server refused: the same two buttons wherever a refusal is shown. */
import { t } from '../i18n/index.js';
import { discardMutation, retryMutation } from '../page/actions.js';

export function RefusalActions({ seq }) {
  return (
    <>
      <button class="secondary" onClick={() => retryMutation(seq)}>
        {t('retry')}
      </button>
      <button class="secondary" onClick={() => discardMutation(seq)}>
        {t('discard')}
      </button>
    </>
  );
}
