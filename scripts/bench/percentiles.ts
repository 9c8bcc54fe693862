// Nearest-rank percentiles and the one-line summary the benchmark scripts print.

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export const summary = (values: readonly number[]): string =>
  `p50 ${Math.round(percentile(values, 50))} ms, p95 ${Math.round(percentile(values, 95))} ms, ` +
  `min ${Math.round(Math.min(...values))} ms, max ${Math.round(Math.max(...values))} ms`;
