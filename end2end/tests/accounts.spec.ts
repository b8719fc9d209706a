import { test, expect } from "./shop";

const PASSWORD = "a long enough secret";
const REFUSED = "That email and password do not match an account.";
/** A new address per test, so tests never share an account. */
const newEmail = () => `shopper-${Date.now()}-${Math.floor(Math.random() * 1e6)}@shop.test`;

test("a shopper registers, signs out and signs in again", async ({ page, shop }) => {
  shop.allowStatus("/rpc/register", 422);
  shop.allowStatus("/rpc/sign_in", 422);
  await page.goto("/register");
  await expect(page.locator("form.site-search[data-hydrated]")).toBeAttached();
  await expect(page.getByRole("heading", { level: 1, name: "Create an account" })).toBeVisible();
  await shop.checkAccessibility();

  const email = newEmail();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("too short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("The password must be at least 10 characters long.")).toBeVisible();
  await expect(page.getByLabel("Password")).toHaveAttribute("aria-invalid", "true");
  await shop.checkAccessibility();

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
  await shop.checkAccessibility();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in" })).toBeVisible();
  await shop.checkAccessibility();

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not my password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText(REFUSED);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel("Keep me signed in on this device").check();
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the forms post, come back with the reason, and keep the email", async ({ page, shop }) => {
    await page.goto("/register");
    await shop.checkAccessibility();
    const email = newEmail();
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
    await shop.checkAccessibility();

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await shop.checkAccessibility();

    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not my password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toHaveText(REFUSED);
    await expect(page.getByLabel("Email")).toHaveValue(email);
    await expect(page.getByLabel("Password")).toHaveValue("");
    await shop.checkAccessibility();

    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
  });
});
