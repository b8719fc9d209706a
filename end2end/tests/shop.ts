// The test fixture every journey uses: a page that fails the test on any console
// error, uncaught exception or HTTP status >= 400 it did not expect, and that insists
// every page it showed was checked with axe-core.
import AxeBuilder from "@axe-core/playwright";
import { test as base, expect, type Browser, type Page } from "@playwright/test";

type Shop = {
  /** Statuses >= 400 this test expects, by URL path (e.g. a 404 page). */
  allowStatus: (path: string, status: number) => void;
  /** Runs axe-core on the page as it is now and fails on any violation. */
  checkAccessibility: () => Promise<void>;
};

export const test = base.extend<{ shop: Shop }>({
  shop: async ({ page, browser, javaScriptEnabled }, use) => {
    const problems: string[] = [];
    const allowed = new Map<string, number>();
    const visited = new Set<string>();
    const checked = new Set<string>();
    const key = (url: string) => {
      const u = new URL(url);
      return u.pathname + u.search;
    };

    page.on("console", (message) => {
      if (message.type() === "error") {
        const location = message.location().url;
        const status = allowed.get(location ? new URL(location).pathname : "");
        // The browser also logs an allowed 404 document as a console error.
        if (!(status && message.text().includes(String(status)))) {
          problems.push(`console error: ${message.text()}`);
        }
      }
    });
    page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
    page.on("response", (response) => {
      const status = response.status();
      if (status >= 400 && allowed.get(new URL(response.url()).pathname) !== status) {
        problems.push(`HTTP ${status}: ${response.url()}`);
      }
    });
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame() && frame.url().startsWith("http")) {
        visited.add(key(frame.url()));
      }
    });

    await use({
      allowStatus: (path, status) => allowed.set(path, status),
      checkAccessibility: async () => {
        const results = javaScriptEnabled
          ? await new AxeBuilder({ page }).analyze()
          : await analyzeWithoutHydration(browser, page.url());
        const summary = results.violations.map(
          (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`,
        );
        expect(summary, `axe-core on ${page.url()}`).toEqual([]);
        checked.add(key(page.url()));
      },
    });

    expect(problems, "console errors, page errors and failed requests").toEqual([]);
    const unchecked = [...visited].filter((url) => !checked.has(url));
    expect(unchecked, "pages shown without an axe-core check").toEqual([]);
  },
});

/**
 * axe-core needs JavaScript, so a page seen with JavaScript off is checked by loading
 * the same URL in a JavaScript-enabled page whose app bundle is blocked: the DOM is
 * exactly the server-rendered one that the shopper without JavaScript sees.
 */
async function analyzeWithoutHydration(browser: Browser, url: string) {
  const context = await browser.newContext({ javaScriptEnabled: true });
  try {
    const page = await context.newPage();
    await page.route(/\/pkg\/.*\.(js|wasm)$/, (route) => route.abort());
    await page.goto(url);
    return await new AxeBuilder({ page }).analyze();
  } finally {
    await context.close();
  }
}

export { expect };
export type { Page };
