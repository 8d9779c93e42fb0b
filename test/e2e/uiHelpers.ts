// Helpers for the UI end-to-end tests: a real mouse drag between two elements (press,
// move in steps, wait for the drop target's verdict, release), step-state sampling, and
// opening the app on a workspace served by `lvmscope serve`.
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchBrowser, startServe } from './helpers';
import type { BrowserSession, ServeProcess } from './helpers';

export interface UiSession {
  server: ServeProcess;
  browser: BrowserSession;
  page: Page;
}

/**
 * Serves `workspace` as the demo folder (`serve --demo`: filled with the seed demo when it is
 * empty, as on first start), opens it in Chromium and waits until the PV maps are drawn.
 */
export async function openUi(workspace: string, viewport = { width: 1500, height: 1000 }): Promise<UiSession> {
  const server = await startServe(workspace, { args: ['--demo'] });
  const browser = await launchBrowser({ viewport });
  const page = browser.page;
  await page.goto(server.url);
  // expect.poll only works inside a test; beforeAll waits with Playwright's own wait.
  await page.locator('[data-testid^="pv-row-"]').first().waitFor({ timeout: 30_000 });
  return { server, browser, page };
}

async function centerOf(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} is not on screen.`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/**
 * Drags with the real mouse from the centre of `from` to `to` (optionally offset in px),
 * waits (up to `verdictTimeoutMs`) until the drop target's verdict is no longer "checking", calls `beforeRelease`
 * (screenshots), releases, and returns the verdict text.
 */
export async function dragTo(page: Page, from: string, to: string, targetPv: string, beforeRelease?: () => Promise<void>, verdictTimeoutMs = 10_000): Promise<string> {
  // Typing in a control lower in the pane may have scrolled the maps away: bring the target and
  // then the source back (the panes scroll, not the page; both are in the volume group panel).
  await page.locator(to).first().scrollIntoViewIfNeeded();
  await page.locator(from).first().scrollIntoViewIfNeeded();
  const a = await centerOf(page, from);
  const b = await centerOf(page, to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(a.x + 10, a.y + 10, { steps: 3 });
  await page.mouse.move(b.x, b.y, { steps: 12 });
  const verdict = page.getByTestId(`drop-verdict-${targetPv}`);
  await expect.poll(() => verdict.textContent(), { timeout: verdictTimeoutMs }).toMatch(/^(yes|no)/);
  const text = (await verdict.textContent()) ?? '';
  if (beforeRelease) await beforeRelease();
  await page.mouse.up();
  return text;
}

/**
 * Opens the plan of moving all of PV `from` onto PV `to` by the keyboard path: the PV's label
 * focused, Enter selects it, Move to… and its menu item (which must say yes). The plan dialog
 * is left open, its Start button waiting.
 */
export async function planByKeys(page: Page, from: string, to: string): Promise<void> {
  await page.getByTestId(`pv-label-${from}`).focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('move-to').click();
  await page.getByRole('menuitem', { name: new RegExp(`^${to} yes`) }).click();
  await page.getByTestId('plan-start').waitFor();
}

/** The data-state of the eight step cards. */
export function stepStates(page: Page): Promise<string[]> {
  return page.locator('[data-testid^="step-"][data-state]').evaluateAll((els) => els.map((e) => e.getAttribute('data-state') ?? ''));
}

/** A text or box on screen (DOM rectangle). */
export type Rect = { text: string; x: number; y: number; width: number; height: number };
/** Every pair of rectangles that overlap, named by their texts. */
export function overlapping(rects: readonly Rect[]): string[] {
  const out: string[] = [];
  rects.forEach((a, i) =>
    rects.slice(i + 1).forEach((b) => {
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) out.push(`'${a.text}' overlaps '${b.text}'`);
    }),
  );
  return out;
}

/** Every non-empty text of the move diagram, as DOM rectangles (to check that none overlaps another). */
export function diagramLabelRects(page: Page): Promise<Rect[]> {
  return page.locator('[data-testid="move-diagram"] svg text').evaluateAll((els) =>
    els.filter((e) => (e.textContent ?? '').trim() !== '').map((e) => {
      const r = e.getBoundingClientRect();
      return { text: e.textContent ?? '', x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
}
