/**
 * A mutation the server refused: the app's words for its code and what to do next, then the actions.
 * "Retry" is offered only where sending it again can succeed (a transient code, i18n/errors.js
 * RETRYABLE); otherwise the user can only discard it, and the words say what to change instead.
 */
import { getLang, t } from '../i18n/index.js';
import { canRetry, describeError } from '../i18n/errors.js';
import { discardMutation, retryMutation } from '../page/actions.js';
import { Confirm } from './Confirm.jsx';

/** The words for a refused mutation (`m.code` from the server, else its message). */
export function refusalText(m) {
  return describeError({ code: m.code, message: m.message }, getLang());
}

export function RefusalActions({ seq, code }) {
  return (
    <>
      {canRetry(code) && (
        <button class="secondary" onClick={() => retryMutation(seq)}>
          {t('retry')}
        </button>
      )}
      <Confirm name="discard" label={t('discard')} question={t('confirm_discard')} onConfirm={() => discardMutation(seq)} />
    </>
  );
}
