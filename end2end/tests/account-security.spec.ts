import { test, expect } from "./shop";

const PASSWORD = "a long enough secret";
const NEW_PASSWORD = "a brand new passphrase";
const newEmail = () => `secure-${Date.now()}-${Math.floor(Math.random() * 1e6)}@shop.test`;

test("a shopper changes their password and sees where they are signed in", async ({ page, shop }) => {
  shop.allowStatus("/rpc/change_password", 422);
  const email = newEmail();
  await page.goto("/register");
  await expect(page.locator("form.site-search[data-hydrated]")).toBeAttached();
  await shop.checkAccessibility();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await shop.checkAccessibility();

  await page.getByRole("link", { name: "Password and security" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Password and security" })).toBeVisible();
  await expect(page.getByText("(this device)")).toBeVisible();
  await expect(page.getByText(`Your email address is ${email}.`)).toBeVisible();
  await shop.checkAccessibility();

  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("That is not your current password.")).toBeVisible();
  await expect(page.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");
  await shop.checkAccessibility();

  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status")).toHaveText(
    "Your password has been changed. Other devices were signed out.",
  );
  await shop.checkAccessibility();

  // Still signed in here, under a new session id; the new password is the one that works.
  await page.getByRole("link", { name: "Overview" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await shop.checkAccessibility();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
});
