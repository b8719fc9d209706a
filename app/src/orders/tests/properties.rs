//! Random event sequences: every order stays in a defined, consistent state.

use super::*;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Step {
    PaymentSucceeded,
    PaymentFailed,
    Fulfil,
    Deliver,
    Cancel,
    /// A refund of this many pence (possibly too much, nothing or negative).
    Refund(i64),
    /// A refund of whatever is left.
    RefundTheRest,
}

fn arb_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        Just(Step::PaymentSucceeded),
        Just(Step::PaymentFailed),
        Just(Step::Fulfil),
        Just(Step::Deliver),
        Just(Step::Cancel),
        (-5i64..12_000).prop_map(Step::Refund),
        Just(Step::RefundTheRest),
    ]
}

proptest! {
    #[test]
    fn random_events_never_break_an_order(
        paid in 1i64..10_000,
        steps in prop::collection::vec(arb_step(), 0..40),
    ) {
        let mut status = OrderStatus::AwaitingPayment;
        let mut refunded = 0i64;
        let mut reached = vec![status];
        for step in steps {
            let event = match step {
                Step::PaymentSucceeded => OrderEvent::PaymentSucceeded,
                Step::PaymentFailed => OrderEvent::PaymentFailed,
                Step::Fulfil => OrderEvent::Fulfil { tracking: None },
                Step::Deliver => OrderEvent::Deliver,
                Step::Cancel => OrderEvent::Cancel,
                Step::Refund(amount) => refund(amount, refunded, paid),
                Step::RefundTheRest => refund(paid - refunded, refunded, paid),
            };
            match transition(status, &event) {
                Ok(next) => {
                    prop_assert!(!status.is_final(), "{:?} took {:?}", status, event);
                    prop_assert!(status.allows(event.kind()));
                    if let OrderEvent::Refund { amount, .. } = event {
                        prop_assert!(amount.amount > 0);
                        refunded += amount.amount;
                    }
                    status = next;
                    reached.push(next);
                }
                Err(refusal) => {
                    prop_assert!(!refusal.message().is_empty());
                    if let IllegalTransition::NotAllowed { from, event: kind } = refusal {
                        prop_assert_eq!(from, status);
                        prop_assert!(!status.allows(kind));
                    }
                }
            }
            // A defined state: one of the statuses, stored and read back unchanged.
            prop_assert!(OrderStatus::ALL.contains(&status));
            prop_assert_eq!(status.as_str().parse::<OrderStatus>(), Ok(status));
            prop_assert!((0..=paid).contains(&refunded));
            match status {
                OrderStatus::Refunded => prop_assert_eq!(refunded, paid),
                OrderStatus::PartiallyRefunded => prop_assert!(refunded > 0 && refunded < paid),
                _ => prop_assert_eq!(refunded, 0),
            }
            if status == OrderStatus::Delivered {
                prop_assert!(reached.contains(&OrderStatus::Paid));
                prop_assert!(reached.contains(&OrderStatus::Fulfilled));
            }
            if matches!(
                status,
                OrderStatus::Fulfilled
                    | OrderStatus::Delivered
                    | OrderStatus::PartiallyRefunded
                    | OrderStatus::Refunded
            ) {
                prop_assert!(reached.contains(&OrderStatus::Paid));
            }
        }
    }
}
