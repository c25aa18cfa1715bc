// Cursor paging of a list the API pages (`next_cursor`): Previous and Next,
// and which page this is. The cursors of the pages before are kept in a
// stack; after a reload only the first page is known before.
import { useState } from 'preact/hooks';
import { count } from '../format';

export interface Paging {
  cursor: string; // '' for the first page
  back: string[]; // the cursors of the pages before
}

export const kFirstPage: Paging = { cursor: '', back: [] };

export function usePaging(): [Paging, (p: Paging) => void] {
  return useState<Paging>(kFirstPage);
}

export function Pager({
  label,
  paging,
  next,
  total,
  onChange,
}: {
  label: string;
  paging: Paging;
  next: string | null | undefined;
  total?: number;
  onChange: (p: Paging) => void;
}) {
  if (!paging.cursor && next == null) return null; // one page only
  const previous = () =>
    onChange({ cursor: paging.back.length ? paging.back[paging.back.length - 1] : '', back: paging.back.slice(0, -1) });
  const forward = () => {
    if (next != null) onChange({ cursor: String(next), back: [...paging.back, paging.cursor] });
  };
  const page = paging.back.length + 1;
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" class="secondary" disabled={!paging.cursor} onClick={previous}>
        Previous
      </button>
      <span class="page-no">
        Page {page}
        {total !== undefined ? ` · ${count(total)} in all` : ''}
      </span>
      <button type="button" class="secondary" disabled={next == null} onClick={forward}>
        Next
      </button>
    </nav>
  );
}
