// Headless Chromium for the tests that need a real browser: Debian's `chromium` (scripts/toolchain.sh chromium
// installs it when missing, or says how to get it), driven by puppeteer-core, which downloads no browser.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

const repoRoot = path.resolve(__dirname, '../..');

export interface BrowserOptions {
  /**
   * Host names the browser resolves to 127.0.0.1 without asking DNS (Chromium's --host-resolver-rules): a page can
   * then come from a foreign origin such as http://attacker.example:<port>, or stand for a DNS rebinding.
   */
  readonly loopbackNames?: readonly string[];
}

/** The Chromium the kit's toolchain provides: CHROMIUM_BIN, else Debian's, installed on first use. */
export function chromiumPath(): string {
  return execFileSync(path.join(repoRoot, 'scripts/toolchain.sh'), ['chromium-bin'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

export async function launchBrowser({ loopbackNames = [] }: BrowserOptions = {}): Promise<Browser> {
  const rules = loopbackNames.map((name) => `MAP ${name} 127.0.0.1`).join(', ');
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      // CI runs as root, where Chromium's sandbox cannot start; the pages these tests load are their own.
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--disable-dev-shm-usage',
      '--no-first-run',
      ...(rules ? [`--host-resolver-rules=${rules}`] : []),
    ],
  });
}
