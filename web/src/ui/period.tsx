// The capture period's choice: a preset of filters.ts, or two dates once
// "Custom dates" is chosen. Its fields sit in the form around it (the box is
// display: contents).
import { kPeriods } from '../filters';

export interface Period {
  period: string;
  from: string;
  to: string;
}

// The period's choice: a preset, or two dates once "Custom dates" is chosen.
export function PeriodPicker({
  id,
  label = 'Capture period',
  value,
  onChange,
}: {
  id: string;
  label?: string;
  value: Period;
  onChange: (p: Period) => void;
}) {
  return (
    <div class="period-picker">
      <div class="field">
        <label for={id}>{label}</label>
        <select id={id} value={value.period} onChange={(e) => onChange({ ...value, period: e.currentTarget.value })}>
          {kPeriods.map((p) => (
            <option key={p.key} value={p.key}>
              {p.label}
            </option>
          ))}
        </select>
      </div>
      {value.period === 'custom' && (
        <>
          <div class="field">
            <label for={id + '-from'}>From</label>
            <input
              id={id + '-from'}
              type="date"
              value={value.from}
              onChange={(e) => onChange({ ...value, from: e.currentTarget.value })}
            />
          </div>
          <div class="field">
            <label for={id + '-to'}>To (exclusive)</label>
            <input
              id={id + '-to'}
              type="date"
              value={value.to}
              onChange={(e) => onChange({ ...value, to: e.currentTarget.value })}
            />
          </div>
        </>
      )}
    </div>
  );
}

