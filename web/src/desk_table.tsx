// A table of leads for the lead desk: columns sortable by a click on their
// heading (aria-sort says which and how), rows selectable with a labelled
// checkbox, and a box that selects every row shown.
import { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { Sort, SortHeader, TableBox } from './ui/table';

export interface Column<R> {
  key: string;
  label: string;
  value: (r: R) => string | number; // what the column sorts by
  show?: (r: R) => ComponentChildren; // what the cell shows (value by default)
  num?: boolean;
}

interface Props<R> {
  name: string; // the list's name, for the labels
  rows: R[];
  columns: Column<R>[];
  idOf: (r: R) => number;
  labelOf: (r: R) => string; // the row's name, for its checkbox
  selected: Set<number>;
  onSelect: (ids: number[], on: boolean) => void;
  initialSort?: Sort; // none: the server's order
  empty: string;
}

function compare(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

export function DeskTable<R>({ name, rows, columns, idOf, labelOf, selected, onSelect, initialSort, empty }: Props<R>) {
  const [sort, setSort] = useState<Sort>(initialSort ?? { key: '', dir: 'ascending' });
  const col = columns.find((c) => c.key === sort.key);
  // The server's order (most urgent first) until a heading is clicked; a
  // stable sort, so ties keep it.
  const shown = !col
    ? rows
    : rows
        .map((r, i) => ({ r, i }))
        .sort((x, y) => (sort.dir === 'ascending' ? 1 : -1) * compare(col.value(x.r), col.value(y.r)) || x.i - y.i)
        .map((x) => x.r);
  const ids = shown.map(idOf);
  const all = ids.length > 0 && ids.every((id) => selected.has(id));
  return (
    <TableBox label={`${name} table`}>
      <table class="desk-table">
        <thead>
          <tr>
            <th scope="col" class="pick">
              <input
                type="checkbox"
                aria-label={`Select every lead in ${name}`}
                checked={all}
                disabled={ids.length === 0}
                onChange={(e) => onSelect(ids, (e.currentTarget as HTMLInputElement).checked)}
              />
            </th>
            {columns.map((c) => (
              <SortHeader key={c.key} col={c.key} label={c.label} sort={sort} numeric={c.num} first="ascending" onSort={setSort} />
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => {
            const id = idOf(r);
            return (
              <tr key={id} class={selected.has(id) ? 'picked' : undefined}>
                <td class="pick">
                  <input
                    type="checkbox"
                    aria-label={`Select lead ${id}: ${labelOf(r)}`}
                    checked={selected.has(id)}
                    onChange={(e) => onSelect([id], (e.currentTarget as HTMLInputElement).checked)}
                  />
                </td>
                {columns.map((c) => (
                  <td key={c.key} class={c.num ? 'num' : undefined}>
                    {c.show ? c.show(r) : c.value(r)}
                  </td>
                ))}
              </tr>
            );
          })}
          {shown.length === 0 && (
            <tr>
              <td colSpan={columns.length + 1}>{empty}</td>
            </tr>
          )}
        </tbody>
      </table>
    </TableBox>
  );
}
