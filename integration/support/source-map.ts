// Where a TypeScript line ended up in a bundle, from the bundle's source map: what a debugger front end (VS Code,
// Chrome DevTools) works out before it sets a breakpoint, done here for a bare Chrome DevTools Protocol client.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decode } from '@jridgewell/sourcemap-codec';

export interface GeneratedPosition {
  /** 0-based, as the DevTools Protocol counts. */
  readonly lineNumber: number;
  readonly columnNumber: number;
}

/** The first generated position mapped from `sourceFile` (absolute) at 1-based `line`. */
export function generatedPosition(bundle: string, sourceFile: string, line: number): GeneratedPosition {
  const map = JSON.parse(readFileSync(`${bundle}.map`, 'utf8')) as { sources: string[]; mappings: string };
  const source = map.sources.findIndex((name) => path.resolve(path.dirname(bundle), name) === sourceFile);
  if (source < 0) throw new Error(`${sourceFile} is not in ${bundle}.map`);
  const lines = decode(map.mappings);
  for (let generated = 0; generated < lines.length; generated++) {
    for (const segment of lines[generated]) {
      if (segment.length >= 4 && segment[1] === source && segment[2] === line - 1) {
        return { lineNumber: generated, columnNumber: segment[0] };
      }
    }
  }
  throw new Error(`no code in ${bundle} comes from ${path.basename(sourceFile)}:${line}`);
}

/** The 1-based line of the first line of `file` that contains `text`. */
export function lineOf(file: string, text: string): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((candidate) => candidate.includes(text));
  if (index < 0) throw new Error(`${path.basename(file)} has no line with ${JSON.stringify(text)}`);
  return index + 1;
}
