//! The record kept for every change of an order's status: from what, to what, through
//! which event, by whom, when, and an optional note. The order page shows it to the
//! shopper and the admin; nothing ever edits or deletes one.

use super::events::{OrderEvent, OrderEventKind};
use super::lifecycle::{transition, IllegalTransition};
use super::status::OrderStatus;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Actor {
    /// The shopper who placed the order (a user id).
    Customer(i64),
    /// A member of staff (a user id).
    Staff(i64),
    /// The shop itself: a scheduled job, an expiry.
    System,
    /// The payment provider, through its notification or the test gateway.
    PaymentProvider,
}

impl Actor {
    /// The stable name of the kind of actor, kept in the database next to
    /// [`Actor::user_id`].
    pub fn kind(self) -> &'static str {
        match self {
            Actor::Customer(_) => "customer",
            Actor::Staff(_) => "staff",
            Actor::System => "system",
            Actor::PaymentProvider => "payment_provider",
        }
    }

    pub fn user_id(self) -> Option<i64> {
        match self {
            Actor::Customer(id) | Actor::Staff(id) => Some(id),
            Actor::System | Actor::PaymentProvider => None,
        }
    }

    /// The actor back from its stored [`Actor::kind`] and [`Actor::user_id`].
    pub fn from_parts(kind: &str, user_id: Option<i64>) -> Result<Actor, UnknownActor> {
        match (kind, user_id) {
            ("customer", Some(id)) => Ok(Actor::Customer(id)),
            ("staff", Some(id)) => Ok(Actor::Staff(id)),
            ("system", None) => Ok(Actor::System),
            ("payment_provider", None) => Ok(Actor::PaymentProvider),
            _ => Err(UnknownActor {
                kind: kind.to_owned(),
                user_id,
            }),
        }
    }
}

/// A stored kind and user id that do not make an [`Actor`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownActor {
    pub kind: String,
    pub user_id: Option<i64>,
}

impl fmt::Display for UnknownActor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} with user id {:?} is not an actor",
            self.kind, self.user_id
        )
    }
}

impl std::error::Error for UnknownActor {}

/// One line of an order's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub from: OrderStatus,
    pub to: OrderStatus,
    pub event: OrderEventKind,
    pub actor: Actor,
    /// Unix milliseconds, UTC.
    pub at_millis: i64,
    /// Free text from whoever made the change ("customer asked by phone").
    pub note: Option<String>,
}

impl Transition {
    /// Applies `event` to an order that is `from` and, if it is allowed, returns the line
    /// to add to its history; the new status is its `to`.
    pub fn record(
        from: OrderStatus,
        event: &OrderEvent,
        actor: Actor,
        at_millis: i64,
        note: Option<String>,
    ) -> Result<Transition, IllegalTransition> {
        let to = transition(from, event)?;
        Ok(Transition {
            from,
            to,
            event: event.kind(),
            actor,
            at_millis,
            note,
        })
    }
}

/// The history note of a dispatch: "tracking number RM123456785GB", or nothing without
/// one. Staff and the API write it; the order pages show it; webhooks read it back.
pub fn dispatch_note(tracking: &str) -> String {
    let tracking = tracking.trim();
    if tracking.is_empty() {
        String::new()
    } else {
        format!("tracking number {tracking}")
    }
}

/// The tracking number in a note [`dispatch_note`] wrote.
pub fn tracking_in_note(note: &str) -> Option<&str> {
    note.strip_prefix("tracking number ")
        .map(str::trim)
        .filter(|number| !number.is_empty())
}

#[cfg(test)]
mod note_tests {
    use super::*;

    #[test]
    fn a_dispatch_note_gives_back_its_tracking_number() {
        assert_eq!(
            dispatch_note(" RM123456785GB "),
            "tracking number RM123456785GB"
        );
        assert_eq!(
            tracking_in_note(&dispatch_note("RM123456785GB")),
            Some("RM123456785GB")
        );
        assert_eq!(dispatch_note("  "), "");
        assert_eq!(tracking_in_note(""), None);
        assert_eq!(tracking_in_note("left at the door"), None);
    }
}
