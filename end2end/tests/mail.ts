// The shop's outgoing mail as the test SMTP server saved it (one JSON file per
// message in BAZAAR_E2E_INBOX; see app/tests/smtp_sink.py).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "@playwright/test";

export type Mail = { rcpt_tos: string[]; subject: string; text: string; html: string };

function inbox(): Mail[] {
  const dir = process.env.BAZAAR_E2E_INBOX;
  if (!dir) throw new Error("BAZAAR_E2E_INBOX is not set: run the tests through playwright.config.ts");
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => JSON.parse(readFileSync(path.join(dir, name), "utf8")) as Mail);
}

/** The newest message to `to` whose subject contains `subject`, once it has arrived. */
export async function mailTo(to: string, subject: string): Promise<Mail> {
  let found: Mail | undefined;
  await expect
    .poll(
      () => {
        found = inbox()
          .reverse()
          .find((m) => m.rcpt_tos.includes(to) && m.subject.includes(subject));
        return found !== undefined;
      },
      { message: `an email to ${to} about "${subject}"`, timeout: 20_000 },
    )
    .toBe(true);
  return found!;
}

/** The path and query of the link in `mail` that leads to `pagePath`. */
export function linkIn(mail: Mail, pagePath: string): string {
  const match = mail.text.match(/https?:\/\/\S+/g)?.find((url) => new URL(url).pathname === pagePath);
  if (!match) throw new Error(`no link to ${pagePath} in:\n${mail.text}`);
  const url = new URL(match);
  return url.pathname + url.search;
}
