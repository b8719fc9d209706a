//! Staff changes to an order: cancelling, refunding, and marking it dispatched or
//! delivered; each is written to the staff audit log in its transaction. The order's rules
//! ([`crate::orders::transition`]) decide whether a change may happen; the payment
//! provider is asked first, so a refusal or an outage changes nothing; then one
//! transaction moves the order with a conditional UPDATE (`… WHERE status = $ AND
//! refunded_total = $`), so two members of staff acting at the same moment cannot both
//! count, records the refund and the history entry, and queues the shopper's email.
//!
//! The order as these changes read it is an [`OrderState`]; what the staff pages read is
//! in [`reads`].

mod moves;
pub mod reads;
mod state;

#[cfg(test)]
mod tests;

pub use moves::advance;
use moves::audit;
pub use state::{order_state, OrderState, TakenPayment};

use crate::checkout::server::{add_order_link, record_event, release_holdings};
use crate::db::{now_millis, Db};
use crate::email::Shop;
use crate::money::Money;
use crate::orders::{format_order_number, transition, IllegalTransition, OrderStatus};
use crate::payments::provider::{refund_key, PaymentProvider, Refund, RefundAnswer};
use crate::staff::audit::server::Actor;
use sqlx::{Any, Transaction};

/// Who made a change, and why (kept in the order's history).
#[derive(Debug, Clone, Copy)]
pub struct StaffChange<'a> {
    /// A member of staff, or an integration's API token.
    pub staff: &'a dyn Actor,
    pub reason: &'a str,
}

/// A change that was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Changed {
    pub status: OrderStatus,
    /// Given back through the provider by this change (nothing for an unpaid order).
    pub refunded: Option<Money>,
}

/// Why a change was not made; the order is as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The order's rules refuse it.
    Rules(IllegalTransition),
    /// The order was paid through another provider than the one the shop uses now.
    OtherProvider {
        paid_through: String,
        shop_uses: &'static str,
    },
    /// The provider would not refund; its reason.
    ProviderRefused(String),
    /// The provider could not be asked, or its answer could not be read.
    ProviderFailed,
    /// Somebody changed the order between reading it and writing it.
    ChangedMeanwhile,
}

impl Refusal {
    /// Why, for the member of staff who tried.
    pub fn message(&self) -> String {
        match self {
            Refusal::Rules(illegal) => illegal.message(),
            Refusal::OtherProvider {
                paid_through,
                shop_uses,
            } => format!(
                "This order was paid through {paid_through}, but the shop now takes payments \
                 through {shop_uses}. Nothing was changed: refund it with {paid_through} directly."
            ),
            Refusal::ProviderRefused(reason) => format!(
                "The payment provider refused the refund ({reason}), so nothing was changed."
            ),
            Refusal::ProviderFailed => "The payment provider could not be reached, so nothing \
                 was refunded and the order is unchanged. Please try again in a moment."
                .to_owned(),
            Refusal::ChangedMeanwhile => "Someone else changed this order at the same moment, \
                 so this change was not recorded. Reload the page to see where the order \
                 stands before trying again."
                .to_owned(),
        }
    }
}

impl From<IllegalTransition> for Refusal {
    fn from(illegal: IllegalTransition) -> Refusal {
        Refusal::Rules(illegal)
    }
}

/// Refunds `amount` of `order` through `provider`: the order becomes partly or fully
/// refunded as the rules decide, or nothing changes.
pub async fn refund(
    db: &Db,
    provider: &dyn PaymentProvider,
    shop: &Shop,
    order: &OrderState,
    amount: Money,
    change: StaffChange<'_>,
) -> Result<Result<Changed, Refusal>, sqlx::Error> {
    let to = match transition(order.status, &order.refund_event(amount)) {
        Ok(to) => to,
        Err(illegal) => return Ok(Err(illegal.into())),
    };
    let reference = match refund_with_provider(provider, order, amount).await {
        Ok(reference) => reference,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let mut tx = db.begin_write().await?;
    // A second refund racing this one waits for this transaction, then finds nothing to
    // move.
    if !move_order(&mut tx, order, to, amount.amount).await? {
        tx.rollback().await?;
        return Ok(Err(refused_after_refund(
            order,
            amount,
            reference.as_deref(),
        )));
    }
    add_refund(
        &mut tx,
        order.id,
        amount,
        change,
        provider.name(),
        reference.as_deref(),
    )
    .await?;
    let note = format!("refunded {amount}: {}", change.reason);
    record_event(
        &mut tx,
        order.id,
        Some(order.status.as_str()),
        to.as_str(),
        change.staff.kind(),
        change.staff.user_id(),
        Some(&note),
    )
    .await?;
    let number = format_order_number(order.id as u64);
    let mut paragraphs = vec![format!(
        "We have refunded {amount} for your order {number}. It goes back to the card you paid \
         with and may take a few days to show on your statement."
    )];
    if to == OrderStatus::Refunded {
        paragraphs.push("Your order has now been refunded in full.".to_owned());
    }
    let subject = format!("A refund for your {} order {number}", shop.name());
    notify(&mut tx, shop, order, &subject, &paragraphs).await?;
    audit(
        &mut tx,
        "order.refunded",
        order,
        to,
        order.refunded_total + amount.amount,
        change,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(Changed {
        status: to,
        refunded: Some(amount),
    }))
}

/// Cancels `order`: what is left of its payment goes back through `provider` first (if
/// the provider refuses, nothing changes), then the order is cancelled and its stock and
/// discount code use are given back, in one transaction.
pub async fn cancel(
    db: &Db,
    provider: &dyn PaymentProvider,
    shop: &Shop,
    order: &OrderState,
    change: StaffChange<'_>,
) -> Result<Result<Changed, Refusal>, sqlx::Error> {
    let refund_due = match order.cancellable() {
        Ok(refund_due) => refund_due,
        Err(illegal) => return Ok(Err(illegal.into())),
    };
    let to = OrderStatus::Cancelled;
    let reference = match refund_due {
        Some(amount) => match refund_with_provider(provider, order, amount).await {
            Ok(reference) => reference,
            Err(refusal) => return Ok(Err(refusal)),
        },
        None => None,
    };
    let refunded_now = refund_due.map_or(0, |amount| amount.amount);
    let mut tx = db.begin_write().await?;
    // Writes first (see `refund`); a payment or another cancellation racing this one
    // finds the order moved on.
    if !move_order(&mut tx, order, to, refunded_now).await? {
        tx.rollback().await?;
        return Ok(Err(match refund_due {
            Some(amount) => refused_after_refund(order, amount, reference.as_deref()),
            None => Refusal::ChangedMeanwhile,
        }));
    }
    if let Some(amount) = refund_due {
        add_refund(
            &mut tx,
            order.id,
            amount,
            change,
            provider.name(),
            reference.as_deref(),
        )
        .await?;
    }
    release_holdings(&mut tx, order.id).await?;
    let note = match refund_due {
        Some(amount) => format!("{}; refunded {amount}", change.reason),
        None => change.reason.to_owned(),
    };
    record_event(
        &mut tx,
        order.id,
        Some(order.status.as_str()),
        to.as_str(),
        change.staff.kind(),
        change.staff.user_id(),
        Some(&note),
    )
    .await?;
    let number = format_order_number(order.id as u64);
    let mut paragraphs = vec![format!("We have cancelled your order {number}.")];
    paragraphs.push(match refund_due {
        Some(amount) => format!(
            "We have refunded {amount} to the card you paid with; it may take a few days to \
             show on your statement."
        ),
        None => "No payment was taken for it.".to_owned(),
    });
    let subject = format!("Your {} order {number} is cancelled", shop.name());
    notify(&mut tx, shop, order, &subject, &paragraphs).await?;
    audit(
        &mut tx,
        "order.cancelled",
        order,
        to,
        order.refunded_total + refunded_now,
        change,
    )
    .await?;
    tx.commit().await?;
    Ok(Ok(Changed {
        status: to,
        refunded: refund_due,
    }))
}

/// Asks the provider that took the payment to give `amount` back: its id for the refund.
async fn refund_with_provider(
    provider: &dyn PaymentProvider,
    order: &OrderState,
    amount: Money,
) -> Result<Option<String>, Refusal> {
    // The rules refuse a refund of an order with no payment before this is reached.
    let payment = order
        .payment
        .as_ref()
        .ok_or(Refusal::Rules(IllegalTransition::RefundAmountsInconsistent))?;
    if payment.provider != provider.name() {
        return Err(Refusal::OtherProvider {
            paid_through: payment.provider.clone(),
            shop_uses: provider.name(),
        });
    }
    let asked = Refund {
        order_id: order.id,
        payment_reference: payment.reference.as_deref(),
        amount,
        // Two refunds started from the same state get the same key, so the provider
        // makes at most one of them.
        idempotency_key: refund_key(order.id, order.refunds + 1),
    };
    match provider.refund(&asked).await {
        Ok(RefundAnswer::Refunded { reference }) => Ok(reference),
        Ok(RefundAnswer::Refused { reason }) => {
            tracing::warn!(order_id = order.id, %reason, "the payment provider refused a refund");
            Err(Refusal::ProviderRefused(reason))
        }
        Err(error) => {
            tracing::error!(order_id = order.id, %error, "refund through the payment provider failed");
            Err(Refusal::ProviderFailed)
        }
    }
}

/// The provider refunded, but the order moved on before the refund could be recorded.
/// A retry from the order's new state may use another idempotency key, so the log keeps
/// what staff need to check with the provider.
fn refused_after_refund(order: &OrderState, amount: Money, reference: Option<&str>) -> Refusal {
    tracing::warn!(
        order_id = order.id,
        %amount,
        reference = reference.unwrap_or("none"),
        "refunded through the provider, but the order changed before it was recorded"
    );
    Refusal::ChangedMeanwhile
}

/// Moves `order` to `to`, adding `refunded` to its refunds, if it is still as it was
/// read; `false` (nothing written) if it is not.
async fn move_order(
    tx: &mut Transaction<'_, Any>,
    order: &OrderState,
    to: OrderStatus,
    refunded: i64,
) -> Result<bool, sqlx::Error> {
    // A cancelled order holds nothing; a paid one held nothing already.
    let moved = sqlx::query(
        "UPDATE orders SET status = $1, refunded_total = refunded_total + $2, updated_at = $3,
                reserved_until = NULL
         WHERE id = $4 AND status = $5 AND refunded_total = $6",
    )
    .bind(to.as_str())
    .bind(refunded)
    .bind(now_millis())
    .bind(order.id)
    .bind(order.status.as_str())
    .bind(order.refunded_total)
    .execute(&mut **tx)
    .await?;
    Ok(moved.rows_affected() == 1)
}

async fn add_refund(
    tx: &mut Transaction<'_, Any>,
    order_id: i64,
    amount: Money,
    change: StaffChange<'_>,
    provider: &str,
    reference: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO refunds (order_id, amount, reason, provider, reference, actor_id, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(order_id)
    .bind(amount.amount)
    .bind(change.reason)
    .bind(provider)
    .bind(reference)
    .bind(change.staff.user_id())
    .bind(now_millis())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Queues an email to the shopper about their order, with a link that opens it.
async fn notify(
    tx: &mut Transaction<'_, Any>,
    shop: &Shop,
    order: &OrderState,
    subject: &str,
    paragraphs: &[String],
) -> Result<(), sqlx::Error> {
    let token = add_order_link(tx, order.id).await?;
    let path = crate::checkout::order_path(&format_order_number(order.id as u64), &token);
    let paragraphs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
    let message = crate::email::notice(
        shop,
        &order.email,
        subject,
        &paragraphs,
        Some(("See your order", &path)),
    );
    crate::email::enqueue_email(tx, &message).await?;
    Ok(())
}
