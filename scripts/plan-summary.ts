// `tofu show -json <plan> | plan-summary.ts STACK COUNTS_FILE [changes|drift]`: prints what the plan does per resource
// (scripts/lib/plan-summary.ts) and writes its counts as JSON to COUNTS_FILE for scripts/deploy.sh. Nothing of the
// plan's values (which include secrets) is printed or written.
import { readFileSync, writeFileSync } from 'node:fs';
import { countChanges, formatSummary, plannedChanges } from './lib/plan-summary';

const [stack, countsFile, what = 'changes'] = process.argv.slice(2);
try {
  if (!stack || !countsFile || !['changes', 'drift'].includes(what)) {
    throw new Error('usage: plan-summary.ts STACK COUNTS_FILE [changes|drift] < plan.json');
  }
  const changes = plannedChanges(JSON.parse(readFileSync(0, 'utf8')) as object, what as 'changes' | 'drift');
  console.log(formatSummary(what === 'drift' ? `${stack} (changed outside OpenTofu)` : stack, changes));
  writeFileSync(countsFile, JSON.stringify(countChanges(changes)));
} catch (error) {
  console.error(`plan-summary: ${(error as Error).message}`);
  process.exit(1);
}
