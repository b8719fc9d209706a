// Staff connect an integration: they register a webhook endpoint for paid orders, a
// shopper pays, and the receiver gets the event signed with the endpoint's secret; the
// endpoint's delivery log shows it delivered.
import AxeBuilder from "@axe-core/playwright";
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { test, expect, type Page } from "./shop";
import { addAProductToTheCart, fillTheForm, newEmail } from "./checkout-steps";
import { signInAsStaff } from "./staff-steps";

type Received = { headers: IncomingHttpHeaders; body: string };

/** A receiver on a free loopback port that answers 200 and keeps what it was sent. */
async function startReceiver() {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/bazaar-events`, received, close: () => server.close() };
}

/** Checks `Bazaar-Signature: t=…,v1=…` over the raw body, as an integrator would. */
function signatureIsValid(header: string, body: string, secret: string) {
  const parts = new Map(header.split(",").map((part) => part.split("=", 2) as [string, string]));
  const expected = createHmac("sha256", secret).update(`${parts.get("t")}.${body}`).digest();
  const given = Buffer.from(parts.get("v1") ?? "", "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** axe-core on a page of the shopper's own browser, which the `shop` fixture does not watch. */
async function checkShopperPage(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`), page.url()).toEqual([]);
}

test("staff register a webhook and the receiver gets each paid order, signed", async ({
  page,
  browser,
  shop,
}) => {
  test.setTimeout(90_000);
  const receiver = await startReceiver();
  try {
    // Staff add an endpoint for paid orders and read its secret.
    await signInAsStaff(page, shop.checkAccessibility);
    await page.getByRole("link", { name: "Staff dashboard" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
    await shop.checkAccessibility();
    await page.getByRole("navigation", { name: "Staff" }).getByRole("link", { name: "Webhooks" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Webhooks" })).toBeVisible();
    await shop.checkAccessibility();
    await page.getByLabel("URL", { exact: true }).fill(receiver.url);
    await page.getByLabel("An order is paid").check();
    await page.getByRole("button", { name: "Add the endpoint" }).click();
    await page.getByRole("link", { name: "Open the endpoint" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Webhook endpoint" })).toBeVisible();
    await expect(page.getByTestId("webhook-url")).toHaveText(receiver.url);
    await shop.checkAccessibility();
    const secret = (await page.getByTestId("webhook-secret").textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);

    // A shopper, in a browser of their own, pays for an order.
    const shopperContext = await browser.newContext();
    const shopper = await shopperContext.newPage();
    await addAProductToTheCart(shopper, () => checkShopperPage(shopper));
    await shopper.getByRole("link", { name: "Go to checkout" }).click();
    await checkShopperPage(shopper);
    await fillTheForm(shopper, newEmail(), "4242 4242 4242 4242");
    await shopper.getByRole("button", { name: "Place order and pay" }).click();
    await expect(shopper.getByTestId("order-status")).toHaveText("Paid");
    await checkShopperPage(shopper);
    const number = shopper.url().split("/orders/")[1].split("?")[0];
    await shopperContext.close();

    // The receiver gets order.paid for that order, signed with the endpoint's secret.
    // (Other journeys running at the same time pay orders too: find this one.)
    const forThisOrder = () =>
      receiver.received.filter((r) => JSON.parse(r.body).data?.order?.number === number);
    await expect.poll(() => forThisOrder().length, { timeout: 20_000 }).toBe(1);
    const [delivery] = forThisOrder();
    const event = JSON.parse(delivery.body);
    expect(event.type).toBe("order.paid");
    expect(delivery.headers["bazaar-event-id"]).toBe(event.id);
    expect(signatureIsValid(String(delivery.headers["bazaar-signature"]), delivery.body, secret)).toBe(true);
    expect(signatureIsValid(String(delivery.headers["bazaar-signature"]), delivery.body, "whsec_wrong")).toBe(false);

    // The endpoint's log shows the delivery and the receiver's answer.
    await page.reload();
    const row = page.locator("tr").filter({ hasText: event.id });
    await expect(row).toContainText("order.paid");
    await expect(row).toContainText("200");
    await expect(row).toContainText("Delivered");
    await shop.checkAccessibility();
  } finally {
    receiver.close();
  }
});
