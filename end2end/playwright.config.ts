import { defineConfig } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// One free port for the whole run, chosen once in the main process; the workers
// inherit it through the environment.
if (!process.env.BAZAAR_E2E_PORT) {
  process.env.BAZAAR_E2E_PORT = execFileSync(process.execPath, [
    "-e",
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})",
  ])
    .toString()
    .trim();
}
// The shop's mail goes over SMTP to a real server (aiosmtpd, started by
// serve-fresh-shop.sh) on a second free port, which saves each message as JSON into
// this directory for the journeys to open (see tests/mail.ts).
if (!process.env.BAZAAR_E2E_SMTP_PORT) {
  process.env.BAZAAR_E2E_SMTP_PORT = execFileSync(process.execPath, [
    "-e",
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})",
  ])
    .toString()
    .trim();
}
if (!process.env.BAZAAR_E2E_INBOX) {
  process.env.BAZAAR_E2E_INBOX = mkdtempSync(path.join(tmpdir(), "bazaar-e2e-inbox-"));
}
const port = process.env.BAZAAR_E2E_PORT;
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.CI ? 2 : undefined,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: {
    // The release server with a fresh, seeded SQLite database of its own.
    command: `bash ${path.join(__dirname, "serve-fresh-shop.sh")}`,
    url: `${baseURL}/readyz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      BAZAAR_PUBLIC_URL: baseURL,
      BAZAAR_E2E_SMTP_PORT: process.env.BAZAAR_E2E_SMTP_PORT,
      BAZAAR_E2E_INBOX: process.env.BAZAAR_E2E_INBOX,
    },
  },
});
