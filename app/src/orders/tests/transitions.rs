//! Each allowed transition, the table of what is refused, and the words of refusals.

use super::*;
use OrderEventKind as E;
use OrderStatus as S;

fn fulfil() -> OrderEvent {
    OrderEvent::Fulfil {
        tracking: Some("JD000000000000000001".to_owned()),
    }
}

#[test]
fn payment_moves_an_unpaid_order_to_paid() {
    assert_eq!(
        transition(S::AwaitingPayment, &OrderEvent::PaymentSucceeded),
        Ok(S::Paid)
    );
}

#[test]
fn a_failed_payment_leaves_the_order_awaiting_payment() {
    assert_eq!(
        transition(S::AwaitingPayment, &OrderEvent::PaymentFailed),
        Ok(S::AwaitingPayment)
    );
}

#[test]
fn an_order_can_be_cancelled_before_it_is_dispatched() {
    assert_eq!(
        transition(S::AwaitingPayment, &OrderEvent::Cancel),
        Ok(S::Cancelled)
    );
    assert_eq!(transition(S::Paid, &OrderEvent::Cancel), Ok(S::Cancelled));
}

#[test]
fn a_paid_order_can_be_dispatched_with_or_without_tracking() {
    assert_eq!(transition(S::Paid, &fulfil()), Ok(S::Fulfilled));
    assert_eq!(
        transition(S::Paid, &OrderEvent::Fulfil { tracking: None }),
        Ok(S::Fulfilled)
    );
}

#[test]
fn a_dispatched_order_can_be_delivered() {
    assert_eq!(
        transition(S::Fulfilled, &OrderEvent::Deliver),
        Ok(S::Delivered)
    );
}

#[test]
fn refunds_below_what_was_paid_are_partial_and_the_rest_is_full() {
    for from in [S::Paid, S::Fulfilled, S::Delivered] {
        assert_eq!(
            transition(from, &refund(1, 0, 2500)),
            Ok(S::PartiallyRefunded)
        );
        assert_eq!(
            transition(from, &refund(2499, 0, 2500)),
            Ok(S::PartiallyRefunded)
        );
        assert_eq!(transition(from, &refund(2500, 0, 2500)), Ok(S::Refunded));
    }
    assert_eq!(
        transition(S::PartiallyRefunded, &refund(500, 1000, 2500)),
        Ok(S::PartiallyRefunded)
    );
    assert_eq!(
        transition(S::PartiallyRefunded, &refund(1500, 1000, 2500)),
        Ok(S::Refunded)
    );
}

#[test]
fn only_the_documented_transitions_are_allowed() {
    let allowed = [
        (S::AwaitingPayment, E::PaymentSucceeded),
        (S::AwaitingPayment, E::PaymentFailed),
        (S::AwaitingPayment, E::Cancel),
        (S::Paid, E::Fulfil),
        (S::Paid, E::Cancel),
        (S::Paid, E::Refund),
        (S::Fulfilled, E::Deliver),
        (S::Fulfilled, E::Refund),
        (S::Delivered, E::Refund),
        (S::PartiallyRefunded, E::Refund),
    ];
    for from in S::ALL {
        for event in E::ALL {
            assert_eq!(
                from.allows(event),
                allowed.contains(&(from, event)),
                "{from:?} + {event:?}"
            );
        }
    }
}

#[test]
fn every_refusal_explains_itself() {
    let generic = "This can't be done to the order now.";
    for from in S::ALL {
        for event in E::ALL.into_iter().filter(|&event| !from.allows(event)) {
            let message = IllegalTransition::NotAllowed { from, event }.message();
            assert_ne!(message, generic, "{from:?} + {event:?}");
            assert!(message.ends_with('.'), "{message}");
        }
    }
}

#[test]
fn refused_events_name_the_reason() {
    let refused = |from, event: OrderEvent| transition(from, &event).unwrap_err().message();
    assert_eq!(
        refused(S::Delivered, OrderEvent::Cancel),
        "A delivered order cannot be cancelled; refund it instead."
    );
    assert_eq!(
        refused(S::Fulfilled, OrderEvent::Cancel),
        "A dispatched order cannot be cancelled; refund it instead."
    );
    assert_eq!(
        refused(S::AwaitingPayment, refund(100, 0, 100)),
        "Nothing has been paid for this order yet, so there is nothing to refund."
    );
    assert_eq!(
        refused(S::Paid, OrderEvent::Deliver),
        "This order hasn't been dispatched yet; mark it as dispatched before marking it as delivered."
    );
    assert_eq!(
        refused(S::AwaitingPayment, fulfil()),
        "This order can't be dispatched before it has been paid for."
    );
    assert_eq!(
        refused(S::Paid, OrderEvent::PaymentSucceeded),
        "This order has already been paid for."
    );
    assert!(
        refused(S::PartiallyRefunded, fulfil()).contains("Part of this order has been refunded")
    );
    assert_eq!(
        refused(S::Refunded, refund(1, 100, 100)),
        "This order has already been refunded in full."
    );
}

#[test]
fn a_payment_for_a_cancelled_order_is_refused() {
    for event in [OrderEvent::PaymentSucceeded, OrderEvent::PaymentFailed] {
        assert_eq!(
            transition(S::Cancelled, &event),
            Err(IllegalTransition::NotAllowed {
                from: S::Cancelled,
                event: event.kind(),
            })
        );
    }
}

#[test]
fn cancelled_and_refunded_orders_take_no_further_events() {
    let finals: Vec<_> = S::ALL.into_iter().filter(|s| s.is_final()).collect();
    assert_eq!(finals, [S::Cancelled, S::Refunded]);
    for from in finals {
        for event in [
            OrderEvent::PaymentSucceeded,
            OrderEvent::PaymentFailed,
            fulfil(),
            OrderEvent::Deliver,
            OrderEvent::Cancel,
            refund(1, 0, 100),
        ] {
            assert!(transition(from, &event).is_err(), "{from:?} + {event:?}");
        }
    }
}

#[test]
fn a_refund_beyond_what_was_paid_is_refused_with_the_amount_left() {
    assert_eq!(
        transition(S::Paid, &refund(2501, 0, 2500)),
        Err(IllegalTransition::RefundTooLarge {
            paid: gbp(2500),
            already_refunded: gbp(0),
            requested: gbp(2501),
        })
    );
    assert_eq!(
        transition(S::Paid, &refund(2501, 0, 2500))
            .unwrap_err()
            .message(),
        "£25.01 is more than was paid: at most £25.00 can be refunded."
    );
    assert_eq!(
        transition(S::PartiallyRefunded, &refund(2000, 1000, 2500))
            .unwrap_err()
            .message(),
        "£20.00 is more than is left to refund: £25.00 was paid and £10.00 has been refunded \
         already, so at most £15.00 can be refunded."
    );
    // Amounts near the limit of i64 are refused, not overflowed.
    assert!(matches!(
        transition(S::PartiallyRefunded, &refund(i64::MAX, 1, 2)),
        Err(IllegalTransition::RefundTooLarge { .. })
    ));
}

#[test]
fn a_refund_of_nothing_is_refused() {
    for amount in [0, -1, i64::MIN] {
        assert_eq!(
            transition(S::Paid, &refund(amount, 0, 2500)),
            Err(IllegalTransition::RefundNotPositive {
                requested: gbp(amount)
            })
        );
    }
    assert_eq!(
        transition(S::Paid, &refund(0, 0, 2500))
            .unwrap_err()
            .message(),
        "A refund must be for more than £0.00."
    );
}

#[test]
fn refund_amounts_that_disagree_are_refused_as_inconsistent() {
    let euros = Money::new(100, "EUR".parse().unwrap());
    let inconsistent = [
        OrderEvent::Refund {
            amount: euros,
            already_refunded: gbp(0),
            paid: gbp(2500),
        },
        OrderEvent::Refund {
            amount: gbp(100),
            already_refunded: euros,
            paid: gbp(2500),
        },
        // Nothing paid, more refunded than paid, a negative refund total.
        refund(100, 0, 0),
        refund(100, 2500, 2500),
        refund(100, -100, 2500),
    ];
    for event in inconsistent {
        assert_eq!(
            transition(S::Delivered, &event),
            Err(IllegalTransition::RefundAmountsInconsistent),
            "{event:?}"
        );
    }
}

#[test]
fn statuses_are_stored_as_stable_snake_case_names() {
    let names: Vec<_> = S::ALL.into_iter().map(S::as_str).collect();
    assert_eq!(
        names,
        [
            "awaiting_payment",
            "paid",
            "fulfilled",
            "delivered",
            "cancelled",
            "partially_refunded",
            "refunded"
        ]
    );
    for status in S::ALL {
        assert_eq!(status.as_str().parse::<S>(), Ok(status));
        assert_eq!(
            serde_json::to_string(&status).unwrap(),
            format!("\"{}\"", status.as_str())
        );
    }
    assert_eq!(
        "Paid".parse::<S>(),
        Err(UnknownOrderStatus("Paid".to_owned()))
    );
}

#[test]
fn shoppers_see_a_distinct_label_for_each_status() {
    let mut labels: Vec<_> = S::ALL.into_iter().map(S::label).collect();
    assert_eq!(S::Fulfilled.label(), "Dispatched");
    assert_eq!(S::AwaitingPayment.label(), "Awaiting payment");
    labels.sort_unstable();
    labels.dedup();
    assert_eq!(labels.len(), S::ALL.len());
}

#[test]
fn event_kinds_are_stored_as_stable_names() {
    for event in E::ALL {
        assert_eq!(event.as_str().parse::<E>(), Ok(event));
        assert_eq!(
            serde_json::to_string(&event).unwrap(),
            format!("\"{}\"", event.as_str())
        );
    }
    assert!("ship".parse::<E>().is_err());
}
