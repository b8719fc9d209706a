import { test, expect } from "./shop";

const PASSWORD = "a long enough secret";
const newEmail = () => `book-${Date.now()}-${Math.floor(Math.random() * 1e6)}@shop.test`;

test("a shopper keeps addresses in their address book", async ({ page, shop }) => {
  shop.allowStatus("/rpc/add_address", 422);
  await page.goto("/register");
  await expect(page.locator("form.site-search[data-hydrated]")).toBeAttached();
  await shop.checkAccessibility();
  await page.getByLabel("Email").fill(newEmail());
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await shop.checkAccessibility();

  await page.getByRole("link", { name: "Addresses" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your addresses" })).toBeVisible();
  await shop.checkAccessibility();

  await page.getByLabel("Full name").fill("Ada Lovelace");
  await page.getByLabel("Address line 1").fill("12 St James's Square");
  await page.getByLabel("Town or city").fill("London");
  await page.getByLabel("Postcode or ZIP code").fill("12345");
  await page.getByLabel("Country").selectOption("GB");
  await page.getByRole("button", { name: "Save address" }).click();
  await expect(page.getByText("Enter a full UK postcode, like SW1A 1AA.")).toBeVisible();
  await expect(page.getByLabel("Full name")).toHaveValue("Ada Lovelace");
  await shop.checkAccessibility();

  await page.getByLabel("Postcode or ZIP code").fill("sw1y4lg");
  await page.getByRole("button", { name: "Save address" }).click();
  await expect(page.getByRole("status")).toHaveText("Address saved.");
  const saved = page.getByRole("list").filter({ hasText: "Ada Lovelace" });
  await expect(saved).toContainText("SW1Y 4LG");
  await expect(saved).toContainText("Default address");
  await shop.checkAccessibility();
});
