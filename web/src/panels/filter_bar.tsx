// The overview's filters. Selects apply at once; the segment expression and
// custom dates apply with the Apply button (or Enter), so a half-typed
// expression is never sent.
import { useEffect, useState } from 'preact/hooks';
import { Filters, kEmptyFilters, kGrades } from '../filters';
import { label } from '../format';
import type { Choices } from '../pages/overview';
import { PeriodPicker } from '../ui/period';

interface Props {
  filters: Filters;
  choices: Choices;
  onChange: (f: Filters) => void;
  segmentError: string;
}

function unique(values: (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => !!v))].sort();
}

export function FilterBar({ filters, choices, onChange, segmentError }: Props) {
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [filters]);

  const pick = (key: keyof Filters) => (e: Event) => {
    const next = { ...draft, [key]: (e.currentTarget as HTMLSelectElement).value };
    setDraft(next);
    onChange(next);
  };
  const type = (key: keyof Filters) => (e: Event) =>
    setDraft({ ...draft, [key]: (e.currentTarget as HTMLInputElement).value });
  const apply = (e: Event) => {
    e.preventDefault();
    onChange(draft);
  };

  const channels = unique(choices.campaigns.map((c) => c.channel));
  const vendors = unique(choices.campaigns.map((c) => c.vendor));
  const select = (key: keyof Filters, text: string, all: string, options: { value: string; text: string }[]) => (
    // Keyed: the rep field appears once the reps are read, and without a key
    // Preact would reuse the field after it (a focused Grade became Rep).
    <div class="field" key={key}>
      <label for={'f-' + key}>{text}</label>
      <select id={'f-' + key} value={draft[key]} onChange={pick(key)}>
        <option value="">{all}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.text}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    <form class="filters" aria-label="Filters" onSubmit={apply}>
      <PeriodPicker
        id="f-period"
        label="Period (capture)"
        value={{ period: draft.period, from: draft.from, to: draft.to }}
        onChange={(p) => {
          // A preset applies at once; custom dates with the Apply button.
          const next = { ...draft, ...p };
          setDraft(next);
          if (p.period !== draft.period) onChange(next);
        }}
      />
      {select(
        'campaign',
        'Campaign',
        'All campaigns',
        choices.campaigns.map((c) => ({ value: c.key, text: c.name === c.key ? c.key : `${c.name} (${c.key})` })),
      )}
      {select('channel', 'Channel', 'All channels', channels.map((c) => ({ value: c, text: label(c) })))}
      {select('vendor', 'Vendor', 'All vendors', vendors.map((v) => ({ value: v, text: v })))}
      {select('region', 'Region', 'All regions', choices.regions.map((r) => ({ value: r, text: r })))}
      {(choices.reps.length > 0 || draft.owner) &&
        select(
          'owner',
          'Rep',
          'All reps',
          choices.reps.map((r) => ({ value: r.key, text: r.name === r.key ? r.key : `${r.name} (${r.key})` })),
        )}
      {select('grade', 'Grade', 'All grades', kGrades.map((g) => ({ value: g, text: label(g) })))}
      <div class="field segment">
        <label for="f-segment">Segment</label>
        <input
          id="f-segment"
          value={draft.segment}
          placeholder='industry in ["software"] and employees >= 50'
          spellcheck={false}
          aria-invalid={segmentError ? 'true' : undefined}
          aria-describedby={segmentError ? 'f-segment-error' : undefined}
          onInput={type('segment')}
        />
        {segmentError && (
          <p id="f-segment-error" role="alert" class="error">
            {segmentError}
          </p>
        )}
      </div>
      <div class="actions">
        <button type="submit">Apply</button>
        <button type="button" class="secondary" onClick={() => onChange({ ...kEmptyFilters })}>
          Clear
        </button>
      </div>
    </form>
  );
}
