import { test, expect } from "./shop";
import AxeBuilder from "@axe-core/playwright";
import { linkIn, mailTo } from "./mail";
import { addAProductToTheCart, fillTheForm, newEmail } from "./checkout-steps";

test("a guest adds two products, applies a code, pays, sees the order and gets the email", async ({ page, shop, browser }) => {
  shop.allowStatus("/rpc/apply_code", 422);
  const first = await addAProductToTheCart(page, shop.checkAccessibility, 0, 1);
  const second = await addAProductToTheCart(page, shop.checkAccessibility, 1, 2);
  await page.getByRole("link", { name: "Go to checkout" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Checkout" })).toBeVisible();
  await shop.checkAccessibility();

  // A mistyped code is refused beside the box; the demo code applies.
  await page.getByLabel("Discount code").fill("DEMO11");
  await page.getByRole("button", { name: "Apply code" }).click();
  await expect(page.getByText("We don't recognise that code.")).toBeVisible();
  await shop.checkAccessibility();
  await page.getByLabel("Discount code").fill("demo10");
  await page.getByRole("button", { name: "Apply code" }).click();
  await expect(page.getByTestId("applied-code")).toContainText("Code DEMO10 (10% off): −£");
  await shop.checkAccessibility();

  const email = newEmail();
  await fillTheForm(page, email, "4242 4242 4242 4242");
  await page.getByRole("button", { name: "Place order and pay" }).click();
  await expect(page).toHaveURL(/\/orders\/BZ-[^?]+\?token=/);
  await expect(page.getByRole("status")).toContainText("Your payment went through");
  await expect(page.getByTestId("order-status")).toHaveText("Paid");
  await expect(page.getByText(first)).toBeVisible();
  await expect(page.getByText(second)).toBeVisible();
  await expect(page.getByText("Discount (DEMO10): −£")).toBeVisible();
  await expect(page.getByRole("link", { name: "Cart, empty" })).toBeVisible();
  await shop.checkAccessibility();

  const number = page.url().split("/orders/")[1].split("?")[0];
  const confirmation = await mailTo(email, number);
  expect(confirmation.text).toContain(first);
  expect(confirmation.text).toContain(second);
  expect(confirmation.text).toContain("Discount (DEMO10): −£");
  // The email's own link opens the order in a browser that never saw the checkout.
  const link = new URL(linkIn(confirmation, `/orders/${number}`), page.url()).href;
  const elsewhere = await browser.newContext();
  try {
    const other = await elsewhere.newPage();
    await other.goto(link);
    await expect(other.getByTestId("order-status")).toHaveText("Paid");
    const axe = await new AxeBuilder({ page: other }).analyze();
    expect(axe.violations.map((v) => v.id)).toEqual([]);
  } finally {
    await elsewhere.close();
  }
});

test("a declined card shows why and keeps the cart", async ({ page, shop }) => {
  shop.allowStatus("/rpc/pay", 422);
  await addAProductToTheCart(page, shop.checkAccessibility);
  await page.getByRole("link", { name: "Go to checkout" }).click();
  await fillTheForm(page, newEmail(), "4000 0000 0000 0002");
  await page.getByRole("button", { name: "Place order and pay" }).click();
  await expect(page.getByRole("alert")).toContainText("Your card was declined.");
  await expect(page.getByRole("link", { name: "Cart, 1 item" })).toBeVisible();
  await shop.checkAccessibility();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the whole checkout works with plain form posts", async ({ page, shop }) => {
    await page.goto("/search?in_stock=true");
    await shop.checkAccessibility();
    const card = page.locator("article.product-card").filter({ hasNotText: "options" }).first();
    await card.getByRole("link").click();
    await shop.checkAccessibility();
    await page.getByRole("button", { name: "Add to cart" }).click();
    await expect(page).toHaveURL(/\/cart$/);
    await shop.checkAccessibility();
    await page.getByRole("link", { name: "Go to checkout" }).click();
    await shop.checkAccessibility();
    await page.getByLabel("Discount code").fill("DEMO10");
    await page.getByRole("button", { name: "Apply code" }).click();
    await expect(page.getByTestId("applied-code")).toContainText("Code DEMO10 (10% off)");
    await shop.checkAccessibility();
    await fillTheForm(page, newEmail(), "4242 4242 4242 4242");
    await page.getByRole("button", { name: "Place order and pay" }).click();
    await expect(page).toHaveURL(/\/orders\/BZ-[^?]+\?token=/);
    await expect(page.getByTestId("order-status")).toHaveText("Paid");
    await expect(page.getByText("Discount (DEMO10): −£")).toBeVisible();
    await shop.checkAccessibility();
  });
});
