//! The pricing rules: what an order costs, decided from plain data with no HTTP, SQL or
//! clock inside, so the cart, the checkout and the order record all agree to the penny.
//!
//! [`quote()`] takes the shop's settings ([`ShopSettings`]: currency, whether prices include
//! tax, tax rates, shipping methods) and a [`QuoteRequest`] (cart lines, destination, an
//! optional discount code with its usage so far, the chosen shipping method, and "now") and
//! returns a [`Quote`]: every line with its discount share, tax and total; the shipping
//! charge and the methods on offer; the order's totals; and whether the code was applied
//! or, if not, a [`Refusal`] whose [`Refusal::message`] can be shown to the shopper.
//!
//! # Amounts and rounding
//!
//! Every amount is an integer count of the currency's minor unit ([`crate::money::Money`]);
//! nothing is ever a float. Fractions of a minor unit appear in three places only. The
//! rounding rule is *half to even* ("banker's rounding": 2.5p → 2p, 3.5p → 4p):
//!
//! - **Tax is rounded once per line** (and once for shipping), never on the order as a
//!   whole. The tax total is the sum of the rounded line taxes, so it can differ by a
//!   penny or two from the rate applied to the order total; that is the price of every
//!   line adding up exactly.
//! - A **percentage discount** is the rate applied to the subtotal of the lines it covers,
//!   rounded once.
//! - A discount (percentage or fixed) is then **shared among those lines** in proportion
//!   to their subtotals by the largest-remainder method: each line gets the whole pennies
//!   of its exact share, and the pennies left over go to the largest fractions (ties to
//!   the lower product id, then variant id). The shares add up to the discount exactly
//!   and no line's share exceeds that line's subtotal.
//!
//! # Tax
//!
//! With [`TaxMode::Inclusive`] a price already contains tax at the destination's rate:
//! the tax on a line is `amount × rate ÷ (10000 + rate)` and the line total is the
//! (discounted) amount itself, so a shopper pays the same shelf price wherever they live.
//! With [`TaxMode::Exclusive`] tax is `amount × rate ÷ 10000`, added on top. Rates are in
//! basis points (2000 = 20%). Discounts are in the same terms as prices (before tax when
//! prices exclude it) and are taken off before tax is worked out. Shipping is taxed like
//! a line, at the destination's rate. A destination with no rate configured pays no tax.
//!
//! # Invariants (see the property tests)
//!
//! - No amount in a quote is negative.
//! - No discount exceeds what it discounts, line by line and for shipping.
//! - The line totals plus the shipping total equal the grand total exactly; likewise
//!   for the discount and tax totals.
//! - The same request always gives the same quote, whatever the order of its lines.

mod discount;
mod error;
mod inputs;
mod quote;
mod refusal;
mod rounding;
mod shipping;
mod tax;

#[cfg(test)]
mod tests;

pub use discount::{
    check_code, normalise_code, one_code_per_order, percent_text, AppliesTo, CodeAttempt,
    CodeUsage, DiscountCode, DiscountKind,
};
pub use error::PricingError;
pub use inputs::{CartLine, Destination, ShopSettings};
pub use quote::{
    quote, CodeOutcome, Quote, QuoteRequest, QuotedLine, ShippingCharge, ShippingStatus,
};
pub use refusal::Refusal;
pub use shipping::{ShippingArea, ShippingMethod, ShippingRate, WeightBand};
pub use tax::{rate_for, tax_for, TaxMode, TaxRate};
