/**
 * Captures what a real Powertools Logger writes (INFO to stdout, WARN/ERROR to stderr) while `action` runs, and
 * returns it as lines. Only the streams' write is intercepted; the Logger itself is the production one.
 */
export async function captureLogLines<T>(action: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  let written = '';
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written += chunk.toString();
      return true;
    }),
  );
  try {
    const result = await action();
    return { result, lines: written.split('\n').filter((line) => line.trim() !== '') };
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
}

/** Parses each captured line as JSON; a line that is not JSON fails the test with the line in the message. */
export function parseLogLines(lines: string[]): Record<string, unknown>[] {
  return lines.map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`log line is not JSON: ${line}`);
    }
  });
}
