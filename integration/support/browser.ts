// Headless Chromium for the tests that check a page: Debian's `chromium` (no browser download: puppeteer-core only
// drives it). CHROMIUM_PATH overrides where it is. A missing browser fails loudly with how to install it.
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? CANDIDATES.find((candidate) => existsSync(candidate));
  if (!executablePath || !existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath ?? CANDIDATES.join(' or ')}: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}
