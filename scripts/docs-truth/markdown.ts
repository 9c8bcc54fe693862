// What the docs-truth tests read out of Markdown: checked tables, links and their anchors, `make` targets named in
// code, and test counts typed by hand.

const withoutFencedCode = (markdown: string) => markdown.replace(/^```[\s\S]*?^```/gm, '');

/** The cells of each row of the table right after `<!-- checked: <what> -->` (undefined without the marker). */
export function checkedTableRows(markdown: string, what: string): string[][] | undefined {
  const marker = `<!-- checked: ${what} -->`;
  const start = markdown.indexOf(marker);
  if (start < 0) return undefined;
  const lines = markdown.slice(start + marker.length).split('\n').map((line) => line.trim());
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim()));
  }
  return rows;
}

/**
 * The first cell's backticked names of that table, e.g. the configuration table (`<!-- checked: .env.template -->`)
 * or the make targets (`<!-- checked: make help -->`). A first cell may name several, `make url` / `make api-key`.
 */
export function checkedTable(markdown: string, what: string): string[] | undefined {
  return checkedTableRows(markdown, what)?.flatMap(([cell = '']) => [...cell.matchAll(/`([^`]+)`/g)].map(([, span]) => span));
}

/** GitHub's heading anchors: lowercased, punctuation dropped, spaces to dashes, repeats numbered -1, -2, … */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of withoutFencedCode(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = heading.replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const slug = text.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  for (const [, id] of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(id);
  return anchors;
}

export interface Link {
  readonly target: string;
  readonly line: number;
}

/** Links to other files of the repository and to anchors (`[text](docs/aws.md#teardown)`, `(#develop)`), not URLs. */
export function localLinks(markdown: string): Link[] {
  const links: Link[] = [];
  const lines = markdown.replace(/^```[\s\S]*?^```/gm, (block) => block.replace(/[^\n]/g, '')).split('\n');
  lines.forEach((text, index) => {
    const prose = text.replace(/`[^`]*`/g, '');
    for (const [, target] of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) links.push({ target, line: index + 1 });
    }
  });
  return links;
}

// The README's explanation of the 3 Musketeers convention (`make x` runs `make _x`) uses `x` as a placeholder.
const PLACEHOLDERS = new Set(['x', '_x', '<target>']);

/** Every target named after `make` in code: inline spans and fenced blocks, skipping variables and options. */
export function makeTargetsIn(markdown: string): Set<string> {
  const fenced = [...markdown.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].flatMap(([, body]) =>
    body.split('\n').map((line) => line.replace(/(^|\s)#.*$/, '')),
  );
  const inline = [...withoutFencedCode(markdown).matchAll(/`([^`\n]+)`/g)].map(([, span]) => span);
  const targets = new Set<string>();
  for (const code of [...fenced, ...inline]) {
    for (const [, rest] of code.matchAll(/(?:^|[\s(])make\s+([^#[]*)/g)) {
      for (const raw of rest.trim().split(/\s+/)) {
        const word = raw.replace(/[)"';&|:,]+$/, '');
        const last = /[;&|:,]$/.test(raw); // the command ends here (or the prose goes on)
        if (/^[A-Z_][A-Z0-9_]*=/.test(word) || /^-/.test(word)) {
          if (last) break;
          continue; // a variable (ENV=aws) or an option (-s)
        }
        if (!/^[a-z_][a-z0-9_-]*$/.test(word)) break;
        if (!PLACEHOLDERS.has(word)) targets.add(word);
        if (last) break;
      }
    }
  }
  return targets;
}

/** Test counts typed into prose ("247 tests", "(796 tests, 41 s)"): a number that goes stale with the next test. */
export function handTypedTestCounts(markdown: string): string[] {
  return [...markdown.matchAll(/\b\d[\d,]*\s+(?:(?:unit|e2e|end-to-end|integration|jest)\s+)?(?:tests?|test cases|specs)\b/gi)].map(
    ([match]) => match,
  );
}
