// Tables: the scrollable box of a wide table, a column header that sorts its
// table (aria-sort), the rows in a sort's order, and a table of figures
// described by its columns.
import { ComponentChildren } from 'preact';

// A wide table's box, scrolled sideways on a narrow screen: a named region
// that takes the focus, so the keyboard can scroll it too.
export function TableBox({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}

export interface Sort {
  key: string;
  dir: 'ascending' | 'descending';
}

// A column header that sorts the table: a button inside the th, the order
// said by aria-sort. A first click sorts figures high to low, text A to Z
// (unless `first` says otherwise).
export function SortHeader({
  col,
  label,
  sort,
  numeric,
  first = numeric ? 'descending' : 'ascending',
  onSort,
}: {
  col: string;
  label: string;
  sort: Sort;
  numeric?: boolean;
  first?: Sort['dir'];
  onSort: (s: Sort) => void;
}) {
  const active = sort.key === col;
  const next: Sort['dir'] = active ? (sort.dir === 'ascending' ? 'descending' : 'ascending') : first;
  return (
    <th scope="col" aria-sort={active ? sort.dir : undefined} class={numeric ? 'num' : undefined}>
      <button type="button" class="sort" data-col={col} onClick={() => onSort({ key: col, dir: next })}>
        {label}
        <span aria-hidden="true" class="sort-mark">
          {active ? (sort.dir === 'ascending' ? ' ▲' : ' ▼') : ''}
        </span>
      </button>
    </th>
  );
}

// Rows in the order of a sort; missing figures (null) always last.
export function sortRows<T>(rows: T[], sort: Sort, value: (row: T, key: string) => number | string | null): T[] {
  const sign = sort.dir === 'ascending' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = value(a, sort.key);
    const y = value(b, sort.key);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    if (typeof x === 'string' || typeof y === 'string') return sign * String(x).localeCompare(String(y));
    return sign * (x - y);
  });
}

// A column of figures: its header, its data-col and the cell's text.
export interface NumCol<T> {
  col: string;
  label: string;
  cell: (row: T) => string;
}

export function NumHeaders<T>({ cols }: { cols: NumCol<T>[] }) {
  return (
    <>
      {cols.map((c) => (
        <th key={c.col} scope="col" class="num">
          {c.label}
        </th>
      ))}
    </>
  );
}

export function NumCells<T>({ cols, row }: { cols: NumCol<T>[]; row: T }) {
  return (
    <>
      {cols.map((c) => (
        <td key={c.col} class="num" data-col={c.col}>
          {c.cell(row)}
        </td>
      ))}
    </>
  );
}
