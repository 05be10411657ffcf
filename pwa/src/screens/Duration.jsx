/** A duration typed as a number and a unit (分钟 / 小时 / 天); reports whole minutes, NaN while invalid. */
import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { splitMinutes, toMinutes } from '../settings/followup.js';

export function Duration({ minutes, onChange, id, units = ['min', 'h', 'd'], disabled = false, invalid = false }) {
  const [shown, setShown] = useState(() => {
    const s = splitMinutes(minutes);
    return units.includes(s.unit) ? s : { value: minutes / 60, unit: 'h' };
  });
  const change = (next) => {
    setShown(next);
    onChange(toMinutes(next.value, next.unit));
  };
  return (
    <span class={`duration${invalid ? ' invalid' : ''}`} data-duration={id}>
      <input
        name="value"
        type="number"
        inputMode="decimal"
        min="0"
        step="any"
        disabled={disabled}
        aria-invalid={invalid ? 'true' : undefined}
        value={shown.value}
        onInput={(e) => change({ ...shown, value: e.currentTarget.value })}
      />
      <select name="unit" disabled={disabled} value={shown.unit} onChange={(e) => change({ ...shown, unit: e.currentTarget.value })}>
        {units.map((u) => (
          <option value={u} key={u}>
            {t(`unit_${u}`)}
          </option>
        ))}
      </select>
    </span>
  );
}
