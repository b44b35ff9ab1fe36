/**
 * The agreement tables of docs/ground-truth.md, computed by the differential suites from what they
 * measured, so the page's numbers are checked rather than typed: `agreementTable` renders the rows the
 * page must contain, `sectionOf` finds the page's section (`## <title>` up to the next `## `).
 */

export interface AgreementRow {
  category: string;
  agree: number;
  total: number;
  /** Of the agreeing cases, how many also have word-for-word the same messages (a column only when given). */
  verbatim?: number;
  /** Names of the deliberate divergences in this category (their reasons are listed in the section). */
  divergences: readonly string[];
}

/** A Markdown table: category, agreement N/M (and word for word, when counted), the deliberate divergences by name. */
export function agreementTable(rows: AgreementRow[]): string {
  const verbatim = rows.every((row) => row.verbatim !== undefined);
  const lines = verbatim
    ? ["| category | agreement | word for word | deliberate divergences |", "|---|---|---|---|"]
    : ["| category | agreement | deliberate divergences |", "|---|---|---|"];
  const cells = (first: string, agree: string, words: string, named: string) =>
    verbatim ? `| ${first} | ${agree} | ${words} | ${named} |` : `| ${first} | ${agree} | ${named} |`;
  for (const row of rows) {
    const named = row.divergences.length === 0 ? "—" : row.divergences.map((name) => `**${name}**`).join(", ");
    lines.push(cells(row.category, `${row.agree}/${row.total}`, `${row.verbatim}/${row.total}`, named));
  }
  const sum = (pick: (row: AgreementRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
  const total = sum((row) => row.total);
  lines.push(cells("**all**", `**${sum((row) => row.agree)}/${total}**`, `**${sum((row) => row.verbatim ?? 0)}/${total}**`, ""));
  return lines.join("\n");
}

/** The text of section `## <title>` of a Markdown page, up to the next `## `; empty when there is none. */
export function sectionOf(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start === -1) return "";
  const next = markdown.indexOf("\n## ", start + title.length + 4);
  return markdown.slice(start, next === -1 ? undefined : next);
}
