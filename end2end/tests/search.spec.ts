import { test, expect, type Page } from "./shop";

/** After a search for stoneware: keep in-stock products only, then go to page 2. */
async function refineAndPage(page: Page, check: () => Promise<void>) {
  const refine = page.getByRole("complementary", { name: "Refine" });
  await refine.getByRole("link", { name: /In stock only/ }).click();
  await expect(page).toHaveURL(/in_stock=true/);
  await expect(refine.getByRole("link", { name: /Remove filter: In stock only/ })).toBeVisible();
  await expect(refine.getByRole("link", { name: "Clear all filters" })).toBeVisible();
  await check();

  const cards = page.locator("article.product-card h3");
  const firstOnPageOne = (await cards.first().textContent())!;
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/in_stock=true&page=2$/);
  await expect(page.getByRole("navigation", { name: "Pagination" })).toContainText("Page 2 of");
  await expect(cards.first()).not.toHaveText(firstOnPageOne);
  await expect(cards.first()).toContainText("Stoneware");
  await check();
}

test("a shopper misspells a word, picks a suggestion with the keyboard, refines and pages", async ({ page, shop }) => {
  await page.goto("/");
  await expect(page.locator("form.site-search[data-hydrated]")).toBeAttached();
  await shop.checkAccessibility();

  const box = page.getByRole("combobox", { name: "Search products" });
  await box.pressSequentially("stonewre", { delay: 40 });
  const suggestions = page.getByRole("listbox", { name: "Suggested searches" });
  await expect(suggestions).toBeVisible();
  await expect(box).toHaveAttribute("aria-expanded", "true");
  await expect(suggestions.getByRole("option").first()).toHaveText("stoneware");
  await shop.checkAccessibility();

  await box.press("ArrowDown");
  await expect(suggestions.getByRole("option").first()).toHaveAttribute("aria-selected", "true");
  await expect(box).toHaveAttribute("aria-activedescendant", "search-suggestion-0");
  await box.press("Enter");
  await expect(page).toHaveURL(/\/search\?q=stoneware$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Results for “stoneware”");
  await expect(page.locator("article.product-card mark").first()).toHaveText("Stoneware");
  await expect(suggestions).toBeHidden();
  await shop.checkAccessibility();

  await refineAndPage(page, shop.checkAccessibility);
});

test("a search with no match says so helpfully", async ({ page, shop }) => {
  await page.goto("/search?q=xylophone");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("No results for “xylophone”");
  await expect(page.getByText("Check the spelling")).toBeVisible();
  await shop.checkAccessibility();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the same search is a plain form, and facets and pages are links", async ({ page, shop }) => {
    await page.goto("/");
    await shop.checkAccessibility();
    await page.getByRole("combobox", { name: "Search products" }).fill("stonewre");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect(page).toHaveURL(/\/search\?q=stonewre$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Results for “stonewre”");
    await expect(page.locator("article.product-card mark").first()).toHaveText("Stoneware");
    await shop.checkAccessibility();

    await refineAndPage(page, shop.checkAccessibility);
  });
});
