/**
 * A destructive action asks first: the first tap shows the question in place with the action and 取消;
 * only the second tap does it. Used for removing a photo, voiding, failing a re-check and discarding a
 * change that was not synced.
 */
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';

export function Confirm({ label, question, confirmLabel, onConfirm, class: cls = 'secondary', name, ...rest }) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return (
      <button type="button" class={cls} data-confirm-ask={name} onClick={() => setAsking(true)} {...rest}>
        {label}
      </button>
    );
  }
  const go = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };
  return (
    <span class="confirm" role="alertdialog" data-confirm={name}>
      <span class="confirm-q">{question}</span>
      <button type="button" class="danger" data-confirm-yes={name} disabled={busy} onClick={go}>
        {confirmLabel ?? label}
      </button>
      <button type="button" class="link" data-confirm-no={name} onClick={() => setAsking(false)}>
        {t('cancel')}
      </button>
    </span>
  );
}
