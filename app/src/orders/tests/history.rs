//! The history record and the actors in it.

use super::*;

/// 2026-12-01T00:00:00Z.
const DECEMBER: i64 = 1_796_083_200_000;

#[test]
fn an_allowed_event_gives_the_line_for_the_history() {
    let line = Transition::record(
        OrderStatus::Paid,
        &OrderEvent::Fulfil { tracking: None },
        Actor::Staff(7),
        DECEMBER,
        Some("Left with the neighbour at 12".to_owned()),
    )
    .unwrap();
    assert_eq!(
        line,
        Transition {
            from: OrderStatus::Paid,
            to: OrderStatus::Fulfilled,
            event: OrderEventKind::Fulfil,
            actor: Actor::Staff(7),
            at_millis: DECEMBER,
            note: Some("Left with the neighbour at 12".to_owned()),
        }
    );
}

#[test]
fn a_refused_event_gives_no_history_line() {
    assert_eq!(
        Transition::record(
            OrderStatus::Delivered,
            &OrderEvent::Cancel,
            Actor::Customer(3),
            DECEMBER,
            None,
        ),
        Err(IllegalTransition::NotAllowed {
            from: OrderStatus::Delivered,
            event: OrderEventKind::Cancel,
        })
    );
}

#[test]
fn a_refund_line_records_where_the_amounts_took_the_order() {
    let line = Transition::record(
        OrderStatus::Delivered,
        &refund(500, 0, 2000),
        Actor::Staff(1),
        DECEMBER,
        None,
    )
    .unwrap();
    assert_eq!(
        (line.from, line.to, line.event),
        (
            OrderStatus::Delivered,
            OrderStatus::PartiallyRefunded,
            OrderEventKind::Refund
        )
    );
}

#[test]
fn actors_round_trip_through_their_stored_parts() {
    for actor in [
        Actor::Customer(42),
        Actor::Staff(7),
        Actor::System,
        Actor::PaymentProvider,
    ] {
        assert_eq!(Actor::from_parts(actor.kind(), actor.user_id()), Ok(actor));
    }
    assert!(Actor::from_parts("customer", None).is_err());
    assert!(Actor::from_parts("system", Some(1)).is_err());
    assert!(Actor::from_parts("robot", None).is_err());
}
