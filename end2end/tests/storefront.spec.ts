import { test, expect, type Page } from "./shop";

/** Home → first category → a product that offers three options. */
async function browseToAProductWithOptions(page: Page, check: () => Promise<void>) {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Welcome to Bazaar" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Featured products" })).toBeVisible();
  await check();

  await page.getByRole("link", { name: "Home & Kitchen" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Home & Kitchen" })).toBeVisible();
  await expect(page).toHaveURL(/\/categories\/home-kitchen$/);
  await expect(page.getByRole("navigation", { name: "Pagination" })).toContainText("Page 1 of");
  await check();

  // Cards that say "3 options" belong to products with a variant picker.
  const card = page.locator("article.product-card", { hasText: "3 options" }).first();
  const name = (await card.getByRole("heading").textContent())!.trim();
  await card.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page).toHaveURL(/\/products\//);
  await check();
  return name;
}

/** The price the third option's label shows, e.g. "£14.99". */
async function thirdOptionPrice(page: Page) {
  const options = page.getByRole("radio");
  await expect(options).toHaveCount(3);
  const label = page.locator("label.variant-option").nth(2);
  return { radio: options.nth(2), price: (await label.locator(".variant-price").textContent())!.trim() };
}

test("a shopper browses from home to a product and picks an option in place", async ({ page, shop }) => {
  await browseToAProductWithOptions(page, shop.checkAccessibility);
  // The "Show this option" button is only for browsers without JavaScript:
  // once the page is hydrated it is hidden.
  await expect(page.getByRole("button", { name: "Show this option" })).toBeHidden();

  const price = page.getByTestId("price");
  const before = (await price.textContent())!.trim();
  const urlBefore = page.url();
  const third = await thirdOptionPrice(page);
  expect(third.price).not.toEqual(before);

  await third.radio.check();
  await expect(price).toHaveText(third.price);
  expect(page.url()).toEqual(urlBefore);
  await shop.checkAccessibility();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a shopper browses the same way and picks an option with the form", async ({ page, shop }) => {
    await browseToAProductWithOptions(page, shop.checkAccessibility);
    const third = await thirdOptionPrice(page);
    await third.radio.check();
    await page.getByRole("button", { name: "Show this option" }).click();
    await expect(page).toHaveURL(/\?variant=BZ-/);
    await expect(page.getByTestId("price")).toHaveText(third.price);
    await expect(page.getByRole("radio").nth(2)).toBeChecked();
    await shop.checkAccessibility();
  });
});

test("a category pages through its products", async ({ page, shop }) => {
  await page.goto("/categories/clothing");
  await shop.checkAccessibility();
  const firstOnPageOne = await page.locator("article.product-card h3").first().textContent();
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/\?page=2$/);
  await expect(page.getByRole("navigation", { name: "Pagination" })).toContainText("Page 2 of");
  await expect(page.locator("article.product-card h3").first()).not.toHaveText(firstOnPageOne!);
  await shop.checkAccessibility();
});

test("an unknown product shows a helpful not-found page", async ({ page, shop }) => {
  shop.allowStatus("/products/no-such-thing", 404);
  const response = await page.goto("/products/no-such-thing");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Page not found" })).toBeVisible();
  await shop.checkAccessibility();
  await page.getByRole("link", { name: "Back to the shop" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Welcome to Bazaar" })).toBeVisible();
  await shop.checkAccessibility();
});

test("the layout works on a 360 px wide phone", async ({ page, shop }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto("/categories/garden");
  await shop.checkAccessibility();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
