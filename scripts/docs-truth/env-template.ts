// Reads .env.template, the kit's list of environment variables (3 Musketeers' env template): a line `NAME` is passed
// through to the compose tools container, `#~ NAME` is listed only; each follows a one-line comment saying what it is.

export interface TemplateEntry {
  readonly name: string;
  /** The comment line right above the name ('' when there is none). */
  readonly comment: string;
  /** False for `#~ NAME`: listed, never passed to the tools container. */
  readonly passedToTools: boolean;
}

export function templateEntries(template: string): TemplateEntry[] {
  const lines = template.split('\n');
  const entries: TemplateEntry[] = [];
  lines.forEach((line, index) => {
    const match = /^(#~\s+)?([A-Z][A-Z0-9_]*)\s*$/.exec(line);
    if (!match) return;
    const above = lines[index - 1] ?? '';
    const comment = /^#(?!~)\s*(.*\S)/.exec(above)?.[1] ?? '';
    entries.push({ name: match[2], comment: comment.startsWith('---') ? '' : comment, passedToTools: !match[1] });
  });
  return entries;
}

/** The names an env file gives values to (`NAME=value`), comments skipped. */
export function assignedNames(envFile: string): string[] {
  return [...envFile.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map(([, name]) => name);
}
