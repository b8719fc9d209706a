//! Orders: what happens to an order after checkout, as rules over plain data.
//!
//! - [`status`]: an order's [`OrderStatus`], with its stored name and its label.
//! - [`events`]: the [`OrderEvent`]s that happen to an order (paid, dispatched, refunded …).
//! - [`lifecycle`]: [`transition()`], which says where an event takes an order or why it
//!   may not (an [`IllegalTransition`] with a sentence for the person who tried), and the
//!   rules it follows.
//! - [`history`]: the [`Transition`] record (from, to, who, when, a note) that is kept for
//!   every change, and the [`Actor`] who made it.
//! - [`number`]: the order numbers shoppers see (`BZ-00042-W`), made from a database
//!   sequence value with a check letter, so a mistyped number is caught rather than
//!   finding somebody else's order.
//!
//! Nothing here touches HTTP, SQL or the clock: the caller loads the order, asks these
//! rules, and writes the result and its [`Transition`] in one transaction.

pub mod events;
pub mod history;
pub mod lifecycle;
pub mod number;
pub mod status;

#[cfg(test)]
mod tests;

pub use events::{OrderEvent, OrderEventKind, UnknownOrderEvent};
pub use history::{dispatch_note, tracking_in_note, Actor, Transition, UnknownActor};
pub use lifecycle::{transition, IllegalTransition};
pub use number::{format_order_number, parse_order_number};
pub use status::{OrderStatus, UnknownOrderStatus};
