// UI checks (screenshots, workbench and webview text, clicks) need the offline harness's control endpoint.
// scripts/run-tests.mjs always sets HARNESS_CONTROL_URL, so there a missing URL is a harness fault and the
// test fails; only the desktop VS Code run (test/electron/runTest.ts marks it) has no page to look at, and
// there the test stops as pending with the reason in its title instead of passing without its checks.
import type { Context } from 'mocha';
import { controlUrl } from './support';

export function harnessOnly(ctx: Context, what: string): string {
  if (controlUrl) return controlUrl;
  if (process.env.FABRIC_ML_TEST_HOST !== 'electron') {
    throw new Error(`HARNESS_CONTROL_URL is not set, but this is not the desktop VS Code run: ${what} needs the offline harness (scripts/run-tests.mjs).`);
  }
  if (ctx.test) ctx.test.title += ` (skipped in desktop VS Code: ${what} needs the offline harness)`;
  return ctx.skip();
}
