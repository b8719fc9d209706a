import { test, expect, type Page } from "./shop";

/** A product with one option that is in stock: its name and price. */
async function openAProductInStock(page: Page, check: () => Promise<void>) {
  await page.goto("/search?in_stock=true");
  await check();
  const card = page.locator("article.product-card").filter({ hasNotText: "options" }).first();
  const name = (await card.getByRole("heading").textContent())!.trim();
  await card.getByRole("link").click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await check();
  return { name, price: (await page.getByTestId("price").textContent())!.trim() };
}

test("a guest adds a product to the cart, sees it in the header and the cart, and removes it", async ({
  page,
  shop,
}) => {
  const { name, price } = await openAProductInStock(page, shop.checkAccessibility);
  await expect(page.locator("form.site-search[data-hydrated]")).toBeAttached();
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status")).toContainText("Added to your cart (1 in your cart).");
  await expect(page.getByRole("link", { name: "Cart, 1 item" })).toBeVisible();
  await shop.checkAccessibility();

  await page.getByRole("link", { name: "View your cart" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your cart" })).toBeVisible();
  await expect(page.getByRole("link", { name })).toBeVisible();
  await expect(page.getByTestId("cart-subtotal")).toHaveText(price);
  await shop.checkAccessibility();

  await page.getByRole("button", { name: `Remove ${name}` }).click();
  await expect(page.getByText("Your cart is empty.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Cart, empty" })).toBeVisible();
  await shop.checkAccessibility();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("adding to the cart posts the form and shows the cart", async ({ page, shop }) => {
    const { name, price } = await openAProductInStock(page, shop.checkAccessibility);
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect(page).toHaveURL(/\/cart$/);
    await expect(page.getByRole("link", { name })).toBeVisible();
    await expect(page.getByTestId("cart-subtotal")).toHaveText(price);
    await expect(page.getByRole("link", { name: "Cart, 1 item" })).toBeVisible();
    await shop.checkAccessibility();

    await page.getByLabel(`Quantity of ${name}`).fill("0");
    await page.getByRole("button", { name: "Update" }).click();
    // Sent back to the page the form was on (Leptos leaves an empty query behind).
    await expect(page).toHaveURL(/\/cart\??$/);
    await expect(page.getByText("Your cart is empty.")).toBeVisible();
  });
});
