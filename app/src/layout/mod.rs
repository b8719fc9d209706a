//! The frame around every page, and the pages for "not found" and "something broke".

use crate::cart::pages::CartLink;
use crate::search::pages::SearchBox;
use crate::AppError;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">"Bazaar"</a>
            <SearchBox/>
            <nav aria-label="Main">
                <a href="/">"Shop"</a>
                <a href="/account">"Account"</a>
                <CartLink/>
            </nav>
        </header>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"Bazaar: an open-source shop, written in Rust."</p>
        </footer>
    }
}

/// Sets the HTTP status of the page being rendered on the server; a no-op in the browser.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        axum::http::StatusCode::from_u16(code),
    ) {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// Sends the browser to `path`: a 302 while rendering on the server, a client-side
/// navigation once hydrated.
#[component]
pub fn GoTo(path: &'static str) -> impl IntoView {
    #[cfg(feature = "ssr")]
    leptos_axum::redirect(path);
    #[cfg(not(feature = "ssr"))]
    {
        let navigate = leptos_router::hooks::use_navigate();
        request_animation_frame(move || navigate(path, Default::default()));
    }
    view! { <p><a href=path>"Continue"</a></p> }
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_status(404);
    view! {
        <Title text="Page not found"/>
        <section class="message-page">
            <h1>"Page not found"</h1>
            <p>"We could not find what you were looking for. It may have moved or sold out for good."</p>
            <p><a href="/">"Back to the shop"</a></p>
        </section>
    }
}

#[component]
pub fn ServerError(error: AppError) -> impl IntoView {
    set_status(500);
    view! {
        <Title text="Something went wrong"/>
        <section class="message-page">
            <h1>"Something went wrong"</h1>
            <p>{error.to_string()}</p>
            <p><a href="/">"Back to the shop"</a></p>
        </section>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status">"Loading…"</p> }
}
