//! Outgoing webhooks: the shop telling other programs what happened. (Not to be confused
//! with `server/src/webhooks.rs`, which *receives* Stripe's webhooks.)
//!
//! Staff register endpoints at `/admin/webhooks` (a URL, the [`Event`]s it wants, a
//! secret we generate). A change that causes an event calls [`server::emit`] inside its
//! own transaction: one delivery row per active subscribed endpoint and one job each, so
//! a rolled-back change sends nothing and a committed one is never lost. The job
//! ([`delivery::WebhookJobs`]) POSTs the event signed like Stripe's
//! (`Bazaar-Signature: t=…,v1=…`, see [`crate::signing`]) and retries with exponential
//! backoff for up to a day; every attempt is kept for the endpoint's delivery log, where
//! staff can resend a delivery (same event id, so receivers can deduplicate).
//!
//! - `api`: what the staff pages show, and the server functions behind them.
//! - `pages`: `/admin/webhooks` and `/admin/webhooks/:id`.
//! - `server` (server only): endpoints, deliveries, [`server::emit`].
//! - `emit` (server only): the events the shop's own writes cause (orders, products,
//!   stock), one call from each write path.
//! - `delivery` (server only): the job that sends a delivery, signing, [`delivery::verify`].

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod delivery;
#[cfg(feature = "ssr")]
pub mod emit;
#[cfg(feature = "ssr")]
pub mod server;

use serde::{Deserialize, Serialize};

/// The staff page of webhook endpoints.
pub const STAFF_WEBHOOKS: &str = "/admin/webhooks";

/// What happened, as an endpoint subscribes to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Event {
    OrderCreated,
    OrderPaid,
    OrderFulfilled,
    OrderRefunded,
    ProductUpdated,
    StockLow,
}

impl Event {
    pub const ALL: [Event; 6] = [
        Event::OrderCreated,
        Event::OrderPaid,
        Event::OrderFulfilled,
        Event::OrderRefunded,
        Event::ProductUpdated,
        Event::StockLow,
    ];

    /// The stable name receivers see in `type`; never change one once published.
    pub fn as_str(self) -> &'static str {
        match self {
            Event::OrderCreated => "order.created",
            Event::OrderPaid => "order.paid",
            Event::OrderFulfilled => "order.fulfilled",
            Event::OrderRefunded => "order.refunded",
            Event::ProductUpdated => "product.updated",
            Event::StockLow => "stock.low",
        }
    }

    pub fn parse(name: &str) -> Option<Event> {
        Event::ALL.into_iter().find(|event| event.as_str() == name)
    }

    /// When it is sent, for the staff page.
    pub fn label(self) -> &'static str {
        match self {
            Event::OrderCreated => "An order is placed",
            Event::OrderPaid => "An order is paid",
            Event::OrderFulfilled => "An order is dispatched",
            Event::OrderRefunded => "An order is refunded, in part or in full",
            Event::ProductUpdated => "A product is created, changed or deleted",
            Event::StockLow => "A variant's stock falls to the low-stock level or below",
        }
    }

    /// The form field of its checkbox: `order_paid`.
    pub fn field(self) -> String {
        self.as_str().replace('.', "_")
    }
}

/// Events as stored: space-separated names, unknown names skipped.
pub fn parse_events(stored: &str) -> Vec<Event> {
    let mut events: Vec<Event> = stored.split_whitespace().filter_map(Event::parse).collect();
    events.dedup();
    events
}

/// Events as they are stored, in [`Event::ALL`]'s order.
pub fn events_text(events: &[Event]) -> String {
    Event::ALL
        .into_iter()
        .filter(|event| events.contains(event))
        .map(Event::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where a delivery is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryStatus {
    /// Not yet accepted; retried until the day is out.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Given up: a day of refusals, or the endpoint was switched off or deleted meanwhile.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<DeliveryStatus> {
        [
            DeliveryStatus::Pending,
            DeliveryStatus::Delivered,
            DeliveryStatus::Failed,
        ]
        .into_iter()
        .find(|status| status.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "Pending",
            DeliveryStatus::Delivered => "Delivered",
            DeliveryStatus::Failed => "Failed",
        }
    }
}

/// Whether `url` is one an endpoint may have: absolute `http://` or `https://` with a host.
pub fn acceptable_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let Some(rest) = rest else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !host.is_empty()
        && !host.starts_with(':')
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_reads_back_from_its_name() {
        for event in Event::ALL {
            assert_eq!(Event::parse(event.as_str()), Some(event));
        }
        assert_eq!(Event::parse("order"), None);
        assert_eq!(Event::OrderPaid.field(), "order_paid");
    }

    #[test]
    fn stored_events_keep_a_fixed_order_and_skip_unknown_names() {
        let text = events_text(&[Event::StockLow, Event::OrderPaid]);
        assert_eq!(text, "order.paid stock.low");
        assert_eq!(
            parse_events("order.paid order.exploded stock.low"),
            [Event::OrderPaid, Event::StockLow]
        );
    }

    #[test]
    fn only_absolute_http_urls_are_acceptable() {
        for good in [
            "https://example.com/hooks",
            "http://127.0.0.1:8080/in",
            "https://hooks.example.com",
        ] {
            assert!(acceptable_url(good), "{good}");
        }
        for bad in [
            "",
            "example.com/hooks",
            "ftp://example.com",
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "http://:80/",
            "https://exa mple.com",
            "HTTPS://EXAMPLE.COM",
        ] {
            assert!(!acceptable_url(bad), "{bad}");
        }
    }
}
