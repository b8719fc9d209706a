//! `Authorization: Bearer bz_…` on `/api/v1`. [`check_bearer`] runs before every API
//! handler: a request without the header goes on as anonymous (the catalog reads are
//! public), one with a bad, unknown or revoked token is refused with 401, never served
//! as if it had sent nothing. Handlers that need a token take [`RequireScope`], which
//! answers 401 without one and 403 when the token lacks the scope.

use super::problem::{Kind, Problem};
use app::staff::tokens::server::{authenticate, PresentedToken};
use app::staff::tokens::Scope;
use app::state::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::marker::PhantomData;

/// The name of the security scheme in the OpenAPI document (spelled out again in the
/// `security` of each `#[utoipa::path]`, which takes only a literal).
pub const BEARER_SCHEME: &str = "bearer";

/// A 401 problem with the `WWW-Authenticate` challenge RFC 6750 asks for.
fn unauthorized(challenge: &'static str, detail: &str) -> Response {
    (
        [(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(challenge),
        )],
        Problem::new(Kind::Unauthorized, detail),
    )
        .into_response()
}

/// The token in an `Authorization` header's value, if it is `Bearer <token>`.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Finds the token a request presents and keeps it in the request's extensions for
/// [`RequireScope`]; refuses a request whose token is not a live one.
pub async fn check_bearer(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(value) = request.headers().get(header::AUTHORIZATION) else {
        return next.run(request).await;
    };
    let Some(token) = value.to_str().ok().and_then(bearer_token) else {
        return unauthorized(
            r#"Bearer error="invalid_request""#,
            "The Authorization header must be `Bearer` followed by an API token.",
        );
    };
    match authenticate(&state.db, token).await {
        Ok(Some(presented)) => {
            request.extensions_mut().insert(presented);
            next.run(request).await
        }
        Ok(None) => unauthorized(
            r#"Bearer error="invalid_token""#,
            "The API token is not valid: it is unknown or has been revoked.",
        ),
        Err(error) => Problem::internal(&error).into_response(),
    }
}

/// A scope, named by a type so an extractor can ask for it.
pub trait NeededScope {
    const SCOPE: Scope;
}

/// The type-level names of the [`Scope`]s, for [`RequireScope`].
pub mod scopes {
    use super::{NeededScope, Scope};

    macro_rules! scope_types {
        ($($name:ident),*) => {$(
            pub struct $name;
            impl NeededScope for $name {
                const SCOPE: Scope = Scope::$name;
            }
        )*};
    }

    scope_types!(CatalogRead, CatalogWrite, OrdersRead, OrdersWrite);
}

/// The request's token, which holds the scope `S`: `RequireScope<scopes::OrdersRead>`.
/// Without a token the request is refused with 401, with one lacking `S` with 403.
pub struct RequireScope<S: NeededScope> {
    pub token: PresentedToken,
    scope: PhantomData<S>,
}

impl<S: NeededScope, St: Send + Sync> FromRequestParts<St> for RequireScope<S> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &St) -> Result<Self, Response> {
        let Some(token) = parts.extensions.get::<PresentedToken>() else {
            return Err(unauthorized(
                "Bearer",
                &format!(
                    "This endpoint needs an API token with the scope {}, sent as `Authorization: Bearer <token>`.",
                    S::SCOPE.as_str()
                ),
            ));
        };
        if !token.allows(S::SCOPE) {
            return Err(Problem::new(
                Kind::Forbidden,
                format!(
                    "The API token {:?} lacks the scope {} this endpoint needs.",
                    token.name,
                    S::SCOPE.as_str()
                ),
            )
            .into_response());
        }
        Ok(RequireScope {
            token: token.clone(),
            scope: PhantomData,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::bearer_token;

    #[test]
    fn only_a_bearer_header_with_a_token_names_one() {
        assert_eq!(bearer_token("Bearer bz_abc"), Some("bz_abc"));
        assert_eq!(bearer_token("bearer  bz_abc "), Some("bz_abc"));
        assert_eq!(bearer_token("Basic dXNlcjpwdw=="), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("bz_abc"), None);
    }
}
