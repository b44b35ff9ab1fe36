/**
 * The unified diff kube-apiserver appends to some validation messages: k8s.io/apimachinery v0.35.4
 * pkg/util/diff Diff, which runs github.com/pmezard/go-difflib v1.0.0 (a port of Python's difflib) over
 * the lines of two texts — `UnifiedDiff{A: SplitLines(a), B: SplitLines(b), Context: 3}` with no file
 * names, so no `---`/`+++` header, only the `@@ -l,s +l,s @@` hunks.
 *
 * Ported as upstream has it, because the hunks depend on its matching heuristics: SequenceMatcher with
 * autojunk (in a text of 200 lines or more, a line that occurs more than 1% of the time + 1 is "popular"
 * and never starts a match, though matches may grow over it), the longest-match recursion, the opcodes and
 * their grouping with 3 lines of context. No junk function is given upstream, so none is modelled.
 *
 * Inputs: two texts, or their lines. Output: the diff text (empty when they are equal). Pure.
 */

interface Match {
  a: number;
  b: number;
  size: number;
}

type Tag = "r" | "d" | "i" | "e";

interface OpCode {
  tag: Tag;
  i1: number;
  i2: number;
  j1: number;
  j2: number;
}

/**
 * SequenceMatcher.chainB with autoJunk: where each line of `b` occurs, popular lines left out. Only lines
 * that also occur in `a` are indexed: the index is only ever asked about lines of `a` (findLongestMatch),
 * and a line's popularity counts its occurrences in `b`, which are all indexed when it is. (A diff of a
 * few hundred lines against half a million new ones need not index the half million.)
 */
function indexB(a: string[], b: string[]): Map<string, number[]> {
  const asked = new Set(a);
  const b2j = new Map<string, number[]>();
  b.forEach((line, index) => {
    if (!asked.has(line)) return;
    const indices = b2j.get(line);
    if (indices === undefined) b2j.set(line, [index]);
    else indices.push(index);
  });
  if (b.length >= 200) {
    const limit = Math.floor(b.length / 100) + 1;
    for (const [line, indices] of [...b2j]) if (indices.length > limit) b2j.delete(line);
  }
  return b2j;
}

const NO_RUNS: ReadonlyMap<number, number> = new Map();

/** SequenceMatcher.findLongestMatch (no junk: the junk-extension loops of upstream never run). */
function longestMatch(
  a: string[],
  b: string[],
  b2j: Map<string, number[]>,
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
): Match {
  let [bestI, bestJ, bestSize] = [alo, blo, 0];
  let j2len: ReadonlyMap<number, number> = NO_RUNS;
  for (let i = alo; i < ahi; i++) {
    // A line of `a` found nowhere in `b[blo:bhi]` ends every run: no map is made for it.
    let next: Map<number, number> | undefined;
    for (const j of b2j.get(a[i] as string) ?? []) {
      if (j < blo) continue;
      if (j >= bhi) break;
      const k = (j2len.get(j - 1) ?? 0) + 1;
      next ??= new Map();
      next.set(j, k);
      if (k > bestSize) [bestI, bestJ, bestSize] = [i - k + 1, j - k + 1, k];
    }
    j2len = next ?? NO_RUNS;
  }
  while (bestI > alo && bestJ > blo && a[bestI - 1] === b[bestJ - 1])
    [bestI, bestJ, bestSize] = [bestI - 1, bestJ - 1, bestSize + 1];
  while (bestI + bestSize < ahi && bestJ + bestSize < bhi && a[bestI + bestSize] === b[bestJ + bestSize]) bestSize++;
  return { a: bestI, b: bestJ, size: bestSize };
}

/** SequenceMatcher.GetMatchingBlocks: upstream's recursion in the same order, on an explicit stack. */
function matchingBlocks(a: string[], b: string[]): Match[] {
  const b2j = indexB(a, b);
  const matched: Match[] = [];
  type Task = { range: [number, number, number, number] } | { match: Match };
  const pending: Task[] = [{ range: [0, a.length, 0, b.length] }];
  while (pending.length > 0) {
    const task = pending.pop() as Task;
    if ("match" in task) {
      matched.push(task.match);
      continue;
    }
    const [alo, ahi, blo, bhi] = task.range;
    const match = longestMatch(a, b, b2j, alo, ahi, blo, bhi);
    if (match.size === 0) continue;
    const { a: i, b: j, size: k } = match;
    // Pushed in reverse: the left part, then the match, then the right part come off the stack in order.
    if (i + k < ahi && j + k < bhi) pending.push({ range: [i + k, ahi, j + k, bhi] });
    pending.push({ match });
    if (alo < i && blo < j) pending.push({ range: [alo, i, blo, j] });
  }
  const merged: Match[] = [];
  let current: Match = { a: 0, b: 0, size: 0 };
  for (const block of matched) {
    if (current.a + current.size === block.a && current.b + current.size === block.b) current.size += block.size;
    else {
      if (current.size > 0) merged.push(current);
      current = { ...block };
    }
  }
  if (current.size > 0) merged.push(current);
  merged.push({ a: a.length, b: b.length, size: 0 });
  return merged;
}

/** SequenceMatcher.GetOpCodes. */
function opCodes(a: string[], b: string[]): OpCode[] {
  const codes: OpCode[] = [];
  let [i, j] = [0, 0];
  for (const { a: ai, b: bj, size } of matchingBlocks(a, b)) {
    const tag: Tag | undefined = i < ai && j < bj ? "r" : i < ai ? "d" : j < bj ? "i" : undefined;
    if (tag !== undefined) codes.push({ tag, i1: i, i2: ai, j1: j, j2: bj });
    [i, j] = [ai + size, bj + size];
    if (size > 0) codes.push({ tag: "e", i1: ai, i2: i, j1: bj, j2: j });
  }
  return codes;
}

/** SequenceMatcher.GetGroupedOpCodes(n): the hunks, each with up to n lines of context around changes. */
function groupedOpCodes(a: string[], b: string[], n: number): OpCode[][] {
  const codes = opCodes(a, b);
  if (codes.length === 0) codes.push({ tag: "e", i1: 0, i2: 1, j1: 0, j2: 1 });
  const first = codes[0] as OpCode;
  if (first.tag === "e") codes[0] = { ...first, i1: Math.max(first.i1, first.i2 - n), j1: Math.max(first.j1, first.j2 - n) };
  const last = codes[codes.length - 1] as OpCode;
  if (last.tag === "e") {
    codes[codes.length - 1] = { ...last, i2: Math.min(last.i2, last.i1 + n), j2: Math.min(last.j2, last.j1 + n) };
  }
  const groups: OpCode[][] = [];
  let group: OpCode[] = [];
  for (const code of codes) {
    let { i1, j1 } = code;
    const { tag, i2, j2 } = code;
    if (tag === "e" && i2 - i1 > 2 * n) {
      group.push({ tag, i1, i2: Math.min(i2, i1 + n), j1, j2: Math.min(j2, j1 + n) });
      groups.push(group);
      group = [];
      [i1, j1] = [Math.max(i1, i2 - n), Math.max(j1, j2 - n)];
    }
    group.push({ tag, i1, i2, j1, j2 });
  }
  if (group.length > 0 && !(group.length === 1 && group[0]?.tag === "e")) groups.push(group);
  return groups;
}

/** difflib's formatRangeUnified: `start,length`, the length left out when it is 1. */
function unifiedRange(start: number, stop: number): string {
  const length = stop - start;
  if (length === 1) return String(start + 1);
  return `${length === 0 ? start : start + 1},${length}`;
}

/**
 * diff.Diff's text for two texts: go-difflib's unified diff with 3 lines of context and no header.
 * difflib.SplitLines ends every line with "\n" (the last one given one too), so lines compare as they do
 * without it, and the texts' lines are diffed as they are.
 */
export function goUnifiedDiff(before: string, after: string): string {
  return goUnifiedLineDiff(before.split("\n"), after.split("\n"));
}

/** goUnifiedDiff of two texts given as their lines (none of which holds a "\n"). */
export function goUnifiedLineDiff(a: string[], b: string[]): string {
  const out: string[] = [];
  for (const group of groupedOpCodes(a, b, 3)) {
    const first = group[0] as OpCode;
    const last = group[group.length - 1] as OpCode;
    out.push(`@@ -${unifiedRange(first.i1, last.i2)} +${unifiedRange(first.j1, last.j2)} @@\n`);
    // A run of lines with one marker is written by one join: no string is made per line, nor an entry of
    // `out` (the half a million new lines of 30,000 env vars are one run).
    const run = (marker: string, lines: string[], from: number, to: number): void => {
      if (from < to) out.push(marker, lines.slice(from, to).join(`\n${marker}`), "\n");
    };
    for (const { tag, i1, i2, j1, j2 } of group) {
      if (tag === "e") run(" ", a, i1, i2);
      if (tag === "r" || tag === "d") run("-", a, i1, i2);
      if (tag === "r" || tag === "i") run("+", b, j1, j2);
    }
  }
  return out.join("");
}
