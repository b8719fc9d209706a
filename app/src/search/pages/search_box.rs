//! The search box in the header: a plain GET form to `/search`, which after
//! hydration also suggests searches as the shopper types (the ARIA 1.2 combobox
//! pattern: arrow keys move through the suggestions, Enter picks, Escape closes).

use crate::search::api::suggest_searches;
use crate::search::params::encode;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::time::Duration;

/// Typing pauses shorter than this do not ask the server.
const DEBOUNCE: Duration = Duration::from_millis(150);
const LISTBOX_ID: &str = "search-suggestions";

fn option_id(index: usize) -> String {
    format!("search-suggestion-{index}")
}

#[component]
pub fn SearchBox() -> impl IntoView {
    // On the results page the box keeps what was searched for.
    let query = use_query_map();
    let searched = move || query.read().get("q").unwrap_or_default();
    let suggestions = RwSignal::new(Vec::<String>::new());
    let active = RwSignal::new(None::<usize>);
    let open = RwSignal::new(false);
    // Each keystroke bumps this; only the newest request may fill the list.
    let typed = StoredValue::new(0u64);
    let navigate = use_navigate();
    // The form says when suggestions work: set in the browser once hydrated (no
    // server-side effect is created for it).
    let hydrated = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    request_animation_frame(move || hydrated.set(true));

    let close = move || {
        open.set(false);
        active.set(None);
    };
    let go = {
        let navigate = navigate.clone();
        move |text: String| {
            open.set(false);
            active.set(None);
            navigate(&format!("/search?q={}", encode(&text)), Default::default());
        }
    };

    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        typed.update_value(|n| *n += 1);
        let mine = typed.get_value();
        if text.trim().is_empty() {
            suggestions.set(Vec::new());
            close();
            return;
        }
        set_timeout(
            move || {
                if typed.get_value() != mine {
                    return;
                }
                leptos::task::spawn_local(async move {
                    let found = suggest_searches(text).await.unwrap_or_default();
                    if typed.get_value() == mine {
                        open.set(!found.is_empty());
                        active.set(None);
                        suggestions.set(found);
                    }
                });
            },
            DEBOUNCE,
        );
    };

    let on_keydown = {
        let go = go.clone();
        move |ev: KeyboardEvent| {
            let count = suggestions.with_untracked(Vec::len);
            match ev.key().as_str() {
                "ArrowDown" if count > 0 => {
                    ev.prevent_default();
                    open.set(true);
                    active.update(|a| *a = Some(a.map_or(0, |i| (i + 1) % count)));
                }
                "ArrowUp" if count > 0 => {
                    ev.prevent_default();
                    open.set(true);
                    active.update(|a| *a = Some(a.map_or(count - 1, |i| (i + count - 1) % count)));
                }
                "Enter" => {
                    let picked = active
                        .get_untracked()
                        .filter(|_| open.get_untracked())
                        .and_then(|i| suggestions.with_untracked(|s| s.get(i).cloned()));
                    if let Some(text) = picked {
                        ev.prevent_default();
                        go(text);
                    }
                }
                "Escape" => close(),
                _ => {}
            }
        }
    };

    view! {
        <form action="/search" method="get" role="search" class="site-search" data-hydrated=move || hydrated.get().then_some("true")>
            <label for="site-search" class="visually-hidden">"Search products"</label>
            <div class="combobox">
                <input
                    id="site-search"
                    type="search"
                    name="q"
                    placeholder="Search products"
                    autocomplete="off"
                    role="combobox"
                    aria-autocomplete="list"
                    aria-controls=LISTBOX_ID
                    aria-expanded=move || if open.get() { "true" } else { "false" }
                    aria-activedescendant=move || active.get().filter(|_| open.get()).map(option_id)
                    prop:value=searched
                    on:input=on_input
                    on:keydown=on_keydown
                    on:blur=move |_| close()
                />
                <ul id=LISTBOX_ID role="listbox" aria-label="Suggested searches" class="suggestions" hidden=move || !open.get()>
                    {move || {
                        let go = go.clone();
                        suggestions
                            .get()
                            .into_iter()
                            .enumerate()
                            .map(|(index, text)| {
                                let go = go.clone();
                                let picked = text.clone();
                                view! {
                                    <li
                                        id=option_id(index)
                                        role="option"
                                        aria-selected=move || if active.get() == Some(index) { "true" } else { "false" }
                                        // mousedown, not click: it comes before the input's blur.
                                        on:mousedown=move |ev| {
                                            ev.prevent_default();
                                            go(picked.clone());
                                        }
                                    >
                                        {text}
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
            <button type="submit">"Search"</button>
        </form>
    }
}
