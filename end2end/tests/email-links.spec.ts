import { test, expect } from "./shop";
import { linkIn, mailTo } from "./mail";

const PASSWORD = "a long enough secret";
const NEW_PASSWORD = "a brand new passphrase";
const newEmail = () => `mail-${Date.now()}-${Math.floor(Math.random() * 1e6)}@shop.test`;

test("register, confirm by email, sign out and in, reset the password, sign in with the new one", async ({
  page,
  shop,
}) => {
  const email = newEmail();
  await page.goto("/register");
  await expect(page.locator("form.site-search[data-hydrated]")).toBeAttached();
  await shop.checkAccessibility();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByText("Your email address is not confirmed yet.")).toBeVisible();
  await shop.checkAccessibility();

  // The welcome email's link asks before it confirms.
  const welcome = await mailTo(email, "Confirm your email address");
  await page.goto(linkIn(welcome, "/account/verify-email"));
  await expect(page.getByText(`Confirm that ${email} is your email address.`)).toBeVisible();
  await shop.checkAccessibility();
  await page.getByRole("button", { name: "Confirm my email address" }).click();
  await expect(page).toHaveURL(/\/account\?confirmed=1$/);
  await expect(page.getByRole("status")).toHaveText("Thank you: your email address is confirmed.");
  await expect(page.getByText("Your email address is not confirmed yet.")).toHaveCount(0);
  await shop.checkAccessibility();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await shop.checkAccessibility();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
  await shop.checkAccessibility();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);

  // Forgotten: a reset link by email.
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Forgot your password?" })).toBeVisible();
  await shop.checkAccessibility();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send me a reset link" }).click();
  await expect(page.getByRole("status")).toContainText("we have sent it a link");
  await shop.checkAccessibility();

  const reset = await mailTo(email, "Reset your");
  await page.goto(linkIn(reset, "/account/reset-password"));
  await expect(page.getByRole("heading", { level: 1, name: "Choose a new password" })).toBeVisible();
  await shop.checkAccessibility();
  await page.getByLabel("New password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Set my new password" }).click();
  await expect(page).toHaveURL(/\/login\?reset=1$/);
  await expect(page.getByRole("status")).toHaveText(
    "Your password has been changed. Sign in with your new password.",
  );
  await shop.checkAccessibility();

  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("a reset link is asked for and used with plain form posts", async ({ page, shop }) => {
    const email = newEmail();
    await page.goto("/register");
    await shop.checkAccessibility();
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect(page).toHaveURL(/\/account$/);
    await shop.checkAccessibility();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    await shop.checkAccessibility();

    await page.goto("/account/forgot-password");
    await shop.checkAccessibility();
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send me a reset link" }).click();
    await expect(page).toHaveURL(/\/account\/forgot-password\?sent=1$/);
    await expect(page.getByRole("status")).toContainText("we have sent it a link");
    await shop.checkAccessibility();

    const reset = await mailTo(email, "Reset your");
    await page.goto(linkIn(reset, "/account/reset-password"));
    await shop.checkAccessibility();
    await page.getByLabel("New password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Set my new password" }).click();
    await expect(page).toHaveURL(/\/login\?reset=1$/);
    await shop.checkAccessibility();
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
  });
});
