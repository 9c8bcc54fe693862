// The README's table of routes is the route list (service/src/routes.ts), row for row: a route added, renamed or
// removed there cannot leave the README describing another API.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROUTES } from '../service/src/routes';

const MARKER = '<!-- routes:';

function readmeRoutes(): string[][] {
  const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const start = readme.indexOf(MARKER);
  if (start < 0) throw new Error(`README.md has no ${MARKER} table`);
  const lines = readme.slice(start).split('\n').slice(1);
  const table = lines.slice(0, lines.findIndex((line) => !line.startsWith('|')));
  return table.slice(2).map((row) => row.split('|').slice(1, -1).map((cell) => cell.trim().replace(/^`|`$/g, '')));
}

describe('the README\'s routes table', () => {
  it('lists every declared route, in order: method, path, summary', () => {
    expect(readmeRoutes()).toEqual(ROUTES.map(({ method, path: routePath, summary }) => [method, routePath, summary]));
  });
});
