// Staff put a new product in the shop: two variants, two photos previewed before they
// are uploaded, then published; a shopper finds it by search and sees its photos. Staff
// then adjust its stock and the shopper's page shows the new availability.
import AxeBuilder from "@axe-core/playwright";
import path from "node:path";
import { test, expect, type Page } from "./shop";
import { signInAsStaff } from "./staff-steps";

const PICTURES = path.join(__dirname, "../../server/tests/http/fixtures/pictures");

/** axe-core on a page of the shopper's own browser, which the `shop` fixture does not watch. */
async function checkShopperPage(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`), page.url()).toEqual([]);
}

test("staff add a product with photos, shoppers find it, and stock changes show", async ({
  page,
  browser,
  shop,
}) => {
  // Two people, a dozen pages and an upload: more than the default 30 seconds.
  test.setTimeout(90_000);
  // A made-up word, so the search below finds this product and nothing else.
  const word = `Quorvel${Date.now() % 100000}`;
  const name = `${word} reading lamp`;
  const sku = (variant: string) => `${word.toUpperCase()}-${variant}`;

  await signInAsStaff(page, shop.checkAccessibility);
  await page.getByRole("link", { name: "Staff dashboard" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Dashboard" })).toBeVisible();
  await shop.checkAccessibility();
  const staffNav = page.getByRole("navigation", { name: "Staff" });
  await staffNav.getByRole("link", { name: "Products" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Products" })).toBeVisible();
  await shop.checkAccessibility();
  await page.getByRole("link", { name: "New product" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "New product" })).toBeVisible();
  await shop.checkAccessibility();

  // The product, as a draft, with two variants.
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Description").fill("A small lamp with a linen shade.");
  await page.getByLabel("Category").selectOption({ index: 1 });
  const first = page.getByRole("group", { name: "New variant (1)" });
  await first.getByLabel("SKU").fill(sku("BRASS"));
  await first.getByLabel("Options").fill("Brass");
  await first.getByLabel("Price (£)").fill("45.00");
  await first.getByLabel("Stock").fill("8");
  const second = page.getByRole("group", { name: "New variant (2)" });
  await second.getByLabel("SKU").fill(sku("BLACK"));
  await second.getByLabel("Options").fill("Black");
  await second.getByLabel("Price (£)").fill("42.50");
  await second.getByLabel("Stock").fill("3");
  await page.getByRole("button", { name: "Create the product" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await shop.checkAccessibility();

  // Two photos: previewed in the page before anything is sent, then uploaded.
  await page.getByLabel("Choose photos, or drop them here").setInputFiles([
    path.join(PICTURES, "bowl.png"),
    path.join(PICTURES, "mug.png"),
  ]);
  await expect(page.getByRole("img", { name: "Preview of bowl.png" })).toBeVisible();
  await expect(page.getByRole("img", { name: "Preview of mug.png" })).toBeVisible();
  await page.getByLabel("Alt text for bowl.png").fill(`${name}, lit`);
  await page.getByLabel("Alt text for mug.png").fill(`${name}, from above`);
  await shop.checkAccessibility();
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page.getByLabel("Alt text of photo 2")).toHaveValue(`${name}, from above`);
  await expect(page.getByLabel("Alt text of photo 1")).toHaveValue(`${name}, lit`);
  await shop.checkAccessibility();

  // Published.
  await page.getByLabel(/Published: shoppers/).check();
  await page.getByRole("button", { name: "Save the product" }).click();
  await expect(page.getByText(`${name} is saved.`)).toBeVisible();
  await shop.checkAccessibility();

  // A shopper, in a browser of their own, finds it and sees both photos.
  const shopperContext = await browser.newContext();
  const shopper = await shopperContext.newPage();
  await shopper.goto(`/search?q=${word}`);
  await checkShopperPage(shopper);
  await shopper.getByRole("link", { name }).click();
  await expect(shopper.getByRole("heading", { level: 1, name })).toBeVisible();
  await checkShopperPage(shopper);
  await expect(shopper.getByRole("img", { name: `${name}, lit` }).first()).toBeVisible();
  await expect(shopper.getByRole("img", { name: `${name}, from above` }).first()).toBeVisible();
  await expect(shopper.getByTestId("stock")).toHaveText("In stock");

  // Staff count the brass lamps: two are left. The shopper's page says so.
  await page.getByRole("link", { name: "Adjust stock" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Stock" })).toBeVisible();
  await expect(page.getByTestId("stock-level")).toHaveText("In stock: 8");
  await shop.checkAccessibility();
  await page.getByLabel("Set to (counted)").check();
  await page.getByLabel("Amount").fill("2");
  await page.getByLabel("Reason").selectOption({ label: "Stock count correction" });
  await page.getByRole("button", { name: "Adjust the stock" }).click();
  await expect(page.getByTestId("stock-level")).toHaveText("In stock: 2");
  await expect(page.getByTestId("stock-history")).toContainText("Stock count correction");
  await shop.checkAccessibility();
  await shopper.reload();
  await expect(shopper.getByTestId("stock")).toHaveText("Only 2 left");
  await checkShopperPage(shopper);
  await shopperContext.close();
});
