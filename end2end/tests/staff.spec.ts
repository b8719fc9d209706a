// Staff at work under /admin: refunding part of a shopper's order, and creating a
// discount code.
import { test, expect } from "./shop";
import { addAProductToTheCart, fillTheForm, newEmail } from "./checkout-steps";
import { signInAsStaff } from "./staff-steps";

test("staff refund part of an order and create a discount code", async ({ page, shop }) => {
  // A shopper's paid order.
  await addAProductToTheCart(page, shop.checkAccessibility);
  await page.getByRole("link", { name: "Go to checkout" }).click();
  await shop.checkAccessibility();
  await fillTheForm(page, newEmail(), "4242 4242 4242 4242");
  await page.getByRole("button", { name: "Place order and pay" }).click();
  await expect(page.getByTestId("order-status")).toHaveText("Paid");
  await shop.checkAccessibility();
  const number = page.url().split("/orders/")[1].split("?")[0];

  // Staff sign in and find it.
  await signInAsStaff(page, shop.checkAccessibility);
  await page.getByRole("link", { name: "Manage the shop's orders" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Orders" })).toBeVisible();
  await shop.checkAccessibility();
  await page.getByRole("link", { name: number }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Order ${number}` })).toBeVisible();
  await expect(page.getByTestId("staff-order-status")).toHaveText("Paid");
  await shop.checkAccessibility();

  // Too much is refused with the reason; £1.00 goes back.
  shop.allowStatus("/rpc/refund_order", 422);
  const refundable = (await page.getByTestId("staff-refundable").textContent())!.trim();
  await page.getByLabel("Amount to refund").fill("100000");
  await page.getByLabel("Why is it refunded?").fill("Scuffed box");
  await page.getByRole("button", { name: "Refund", exact: true }).click();
  await expect(page.getByText(`at most ${refundable} can be refunded`)).toBeVisible();
  await shop.checkAccessibility();
  await page.getByLabel("Amount to refund").fill("1.00");
  await page.getByRole("button", { name: "Refund", exact: true }).click();
  await expect(page.getByTestId("staff-order-status")).toHaveText("Partly refunded");
  await expect(page.getByTestId("staff-order-history")).toContainText("Scuffed box");
  await shop.checkAccessibility();

  // A new discount code, listed once created.
  await page.goto("/account");
  await page.getByRole("link", { name: "Manage discount codes" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Discount codes" })).toBeVisible();
  await shop.checkAccessibility();
  const code = `STAFF${Date.now() % 100000}`;
  await page.getByLabel("Code", { exact: true }).fill(code);
  await page.getByLabel("What it gives").selectOption("percentage");
  await page.getByLabel("Percentage or amount off").fill("5");
  await page.getByRole("button", { name: "Create the code" }).click();
  await page.getByRole("link", { name: code }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Discount code ${code}` })).toBeVisible();
  await expect(page.getByTestId("staff-discount-status")).toHaveText("Active");
  await shop.checkAccessibility();
});
