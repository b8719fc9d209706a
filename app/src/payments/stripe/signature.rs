//! Stripe's webhook signatures (`Stripe-Signature`): the scheme our own outgoing webhooks
//! copy, so both use the one implementation in [`crate::signing`].

pub use crate::signing::{sign, verify, SignatureError, TOLERANCE_SECONDS};
