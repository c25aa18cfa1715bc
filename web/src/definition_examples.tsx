// Examples of the active definition at work: a few leads of each grade that
// the active version graded, with the reasons it gave (GET /api/v1/leads
// ?grade=). Callers who may not list leads (a viewer) get no examples.
import { useEffect, useState } from 'preact/hooks';
import { get } from './api';
import { title } from './format';
import { pathOf } from './routes';

interface ExampleLead {
  id: number;
  title: string;
  company: string;
  grade: string | null;
  definition_version: number | null;
  grading: { summary: string } | null;
}

const kGrades = ['hot', 'warm', 'cold', 'unqualified'];
const kPerGrade = 2;

export async function loadExamples(version: number): Promise<Record<string, ExampleLead[]>> {
  const lists = await Promise.all(
    kGrades.map((g) =>
      get<{ leads: ExampleLead[] }>(`/api/v1/leads?grade=${g}&limit=20`).then((r) =>
        r.leads.filter((l) => l.definition_version === version && l.grading).slice(0, kPerGrade),
      ),
    ),
  );
  return Object.fromEntries(kGrades.map((g, i) => [g, lists[i]]));
}

export function Examples({ version }: { version: number }) {
  const [examples, setExamples] = useState<Record<string, ExampleLead[]> | null>(null);
  useEffect(() => {
    loadExamples(version)
      .then(setExamples)
      .catch(() => setExamples(null)); // not allowed to list leads: no examples
  }, [version]);
  if (!examples || kGrades.every((g) => examples[g].length === 0)) return null;
  return (
    <section class="def-section examples-section" aria-labelledby="examples-h">
      <h3 id="examples-h">Examples from the leads</h3>
      <p class="sub">Leads this version graded, with the reasons it gave.</p>
      <ul class="example-leads">
        {kGrades.flatMap((g) =>
          examples[g].map((l) => (
            <li key={l.id} data-lead={l.id} data-grade={g}>
              <span class={`grade-tag ${g}`}>{title(g)}</span>{' '}
              <a href={pathOf('lead', { id: l.id })}>Lead {l.id}</a>
              {(l.title || l.company) && (
                <>
                  {' '}
                  ({[l.title, l.company].filter(Boolean).join(', ')})
                </>
              )}
              : <span class="summary">{l.grading?.summary}</span>
            </li>
          )),
        )}
      </ul>
    </section>
  );
}
