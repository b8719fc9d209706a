// Steps the staff journeys share. The staff account is made by serve-fresh-shop.sh.
import { expect, type Page } from "@playwright/test";

export const STAFF_EMAIL = process.env.BAZAAR_E2E_STAFF_EMAIL ?? "staff@shop.test";
export const STAFF_PASSWORD = process.env.BAZAAR_E2E_STAFF_PASSWORD ?? "counter-staff-2026";

/** Signs in as staff from /login and lands on /account. */
export async function signInAsStaff(page: Page, checkAccessibility: () => Promise<void>) {
  await page.goto("/login");
  await checkAccessibility();
  await page.getByLabel("Email").fill(STAFF_EMAIL);
  await page.getByLabel("Password").fill(STAFF_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/account$/);
  await checkAccessibility();
}
