// Steps the checkout journeys share: filling the cart and the checkout form.
import { expect, type Page } from "./shop";

/**
 * Puts the `nth` product with one option that is in stock into the cart (the cart then
 * holds `count` items) and opens the cart; returns the product's name.
 */
export async function addAProductToTheCart(page: Page, check: () => Promise<void>, nth = 0, count = 1) {
  await page.goto("/search?in_stock=true");
  await expect(page.locator("form.site-search[data-hydrated]")).toBeAttached();
  await check();
  const card = page.locator("article.product-card").filter({ hasNotText: "options" }).nth(nth);
  const name = (await card.getByRole("heading").textContent())!.trim();
  await card.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await check();
  await page.getByRole("button", { name: "Add to cart" }).click();
  const items = count === 1 ? "1 item" : `${count} items`;
  await expect(page.getByRole("link", { name: `Cart, ${items}` })).toBeVisible();
  await page.getByRole("link", { name: "View your cart" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your cart" })).toBeVisible();
  await check();
  return name;
}

export async function fillTheForm(page: Page, email: string, card: string) {
  await page.getByLabel("Email, for your receipt").fill(email);
  await page.getByLabel("Full name").fill("Ada Lovelace");
  await page.getByLabel("Address line 1").fill("12 St James's Square");
  await page.getByLabel("Town or city").fill("London");
  await page.getByLabel("Postcode or ZIP code").fill("SW1Y 4LG");
  await page.getByLabel("Card number").fill(card);
  await page.getByLabel("Expiry date (MM/YY)").fill("12/40");
  await page.getByLabel("Security code").fill("123");
}

export const newEmail = () => `buyer-${Date.now()}-${Math.floor(Math.random() * 1e6)}@shop.test`;
