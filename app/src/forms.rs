//! What every form in the shop shares: the error a server function answers a refused
//! form with, the memo that reads it back, and the pieces that show it next to fields.
//!
//! With JavaScript, an `ActionForm` calls its server function in place; without it the
//! browser posts the form and the server sends it back to the page, with the error in
//! the URL when there is one.

use crate::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why a form was not accepted, in words for the person filling it in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormErrors {
    /// Per field name, the message to show next to that field.
    pub fields: BTreeMap<String, String>,
    /// About the form as a whole ("Email or password is not right").
    pub form: Option<String>,
    /// What was typed, per field name, to put back (never a password).
    pub typed: BTreeMap<String, String>,
}

impl FormErrors {
    /// An error about the whole form.
    pub fn whole(message: impl Into<String>) -> FormErrors {
        FormErrors {
            form: Some(message.into()),
            ..FormErrors::default()
        }
    }

    /// Adds `message` next to the field `name`.
    pub fn on(mut self, name: &str, message: impl Into<String>) -> FormErrors {
        self.fields.insert(name.to_owned(), message.into());
        self
    }

    /// Keeps what was typed into `name`, to show it again.
    pub fn keep(mut self, name: &str, value: &str) -> FormErrors {
        self.typed.insert(name.to_owned(), value.to_owned());
        self
    }

    pub fn field(&self, name: &str) -> Option<String> {
        self.fields.get(name).cloned()
    }

    pub fn typed(&self, name: &str) -> Option<String> {
        self.typed.get(name).cloned()
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.form.is_none()
    }
}

/// A form's answer when it is not accepted. It is the server functions' error type (not a
/// value inside `Ok`) so that without JavaScript the answer travels in the URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum FormError {
    #[error("Please correct the form.")]
    Invalid(FormErrors),
    #[error(transparent)]
    App(#[from] AppError),
}

impl leptos::server_fn::error::FromServerFnError for FormError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        FormError::App(AppError::from_server_fn_error(value))
    }
}

impl FormError {
    /// The errors to show: the form's own, or a general one for a fault.
    pub fn errors(&self) -> FormErrors {
        match self {
            FormError::Invalid(errors) => errors.clone(),
            FormError::App(error) => FormErrors::whole(error.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for FormError {
    fn from(err: sqlx::Error) -> Self {
        FormError::App(AppError::from(err))
    }
}

/// The errors of the last attempt of a form whose action's value is `value`. Without
/// JavaScript this works too: `ServerAction::new` reads the error of its own server
/// function from the URL the browser was sent back to (`__path` and `__err`).
pub fn form_errors<T>(
    value: impl Get<Value = Option<Result<T, FormError>>> + Send + Sync + 'static,
) -> Memo<Option<FormErrors>>
where
    T: Send + Sync + 'static,
{
    Memo::new(move |_| match value.get() {
        Some(Err(error)) => Some(error.errors()),
        _ => None,
    })
}

/// Whether the last attempt of a form succeeded (once hydrated; without JavaScript the
/// server function redirects the browser to a page that says so).
pub fn form_succeeded<T>(
    value: impl Get<Value = Option<Result<T, FormError>>> + Send + Sync + 'static,
) -> Memo<bool>
where
    T: Send + Sync + 'static,
{
    Memo::new(move |_| matches!(value.get(), Some(Ok(_))))
}

/// The message about the whole form, announced to screen readers.
#[component]
pub fn FormMessage(errors: Memo<Option<FormErrors>>) -> impl IntoView {
    move || {
        errors
            .read()
            .as_ref()
            .and_then(|e| e.form.clone())
            .map(|m| view! { <p class="form-error" role="alert">{m}</p> })
    }
}

/// A labelled input with its error underneath, tied together for screen readers. `id`
/// must be unique on the page; `name` is the server function's argument.
#[component]
pub fn Field(
    errors: Memo<Option<FormErrors>>,
    id: &'static str,
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] required: bool,
    #[prop(optional)] hint: Option<&'static str>,
    /// What the field holds before anything was typed.
    #[prop(optional, into)]
    value: Option<String>,
) -> impl IntoView {
    let error = move || errors.read().as_ref().and_then(|e| e.field(name));
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = {
        let error_id = error_id.clone();
        let hint_id = hint_id.clone();
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    // Passwords are never put back.
    let shown = move || {
        if kind == "password" {
            return None;
        }
        errors
            .read()
            .as_ref()
            .and_then(|e| e.typed(name))
            .or_else(|| value.clone())
    };
    view! {
        <label for=id>{label}</label>
        <input
            id=id
            name=name
            type=kind
            autocomplete=autocomplete
            required=required
            value=shown
            aria-invalid=move || error().is_some().then_some("true")
            aria-describedby=described_by
        />
        {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
        {move || error().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
    }
}

/// Sets the status of a refused form, unless a browser posted the form itself (no
/// JavaScript): its answer is a redirect back to the page, which a status would replace.
#[cfg(feature = "ssr")]
pub fn refusal_status(code: u16) {
    if !posted_by_browser() {
        crate::layout::set_status(code);
    }
}

/// After a form succeeded: a browser that posted it itself (no JavaScript) is sent to
/// `path`, where the page can say what happened; with JavaScript the page moves on its own.
#[cfg(feature = "ssr")]
pub fn after_browser_post(path: &str) {
    if posted_by_browser() {
        leptos_axum::redirect(path);
    }
}

/// Did a browser post the form itself (no JavaScript)? Its answer is a redirect.
#[cfg(feature = "ssr")]
fn posted_by_browser() -> bool {
    use_context::<axum::http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(axum::http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

/// A form that was not accepted is the sender's to fix: 422, not a 500.
#[cfg(feature = "ssr")]
pub fn invalid(errors: FormErrors) -> FormError {
    refusal_status(422);
    FormError::Invalid(errors)
}

/// A `<textarea>`'s text as it goes into the page. Leptos writes a textarea's children
/// into server-rendered HTML without escaping them (tachys marks the element as not
/// escaping), so a description holding `</textarea><script>` would end the field and
/// run; the browser's hydration reads the same text back from the escaped form.
pub fn textarea_text(text: String) -> String {
    if cfg!(feature = "ssr") {
        text.replace('&', "&amp;").replace('<', "&lt;")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_survive_the_trip_through_the_url() {
        let error = FormError::Invalid(
            FormErrors::whole("Nope")
                .on("email", "Enter an email")
                .keep("email", "ann@"),
        );
        let json = serde_json::to_string(&error).unwrap();
        let back: FormError = serde_json::from_str(&json).unwrap();
        let errors = back.errors();
        assert_eq!(errors.form.as_deref(), Some("Nope"));
        assert_eq!(errors.field("email").as_deref(), Some("Enter an email"));
        assert_eq!(errors.typed("email").as_deref(), Some("ann@"));
        assert!(!errors.is_empty());
    }
}
