//! `/account/addresses`: the saved addresses, each with its forms to delete it or make it
//! the default, and a form to add one; `?edit=<id>` shows one address's form instead.
//! Every form is an `ActionForm`, so all of it works without JavaScript.

use super::api::{
    book_full_message, list_addresses, AddAddress, Address, DeleteAddress, EditAddress,
    MakeDefaultAddress, MAX_ADDRESSES, NOT_IN_BOOK,
};
use super::countries::{COUNTRIES, DEFAULT_COUNTRY};
use crate::accounts::pages::{AccountNav, SignedInOnly};
use crate::forms::{form_errors, form_succeeded, Field, FormErrors, FormMessage};
use crate::layout::{set_status, Loading, ServerError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const BOOK: &str = "/account/addresses";

#[component]
pub fn AddressesPage() -> impl IntoView {
    view! {
        <Title text="Your addresses"/>
        <section class="account-page address-book">
            <h1>"Your addresses"</h1>
            <AccountNav current=BOOK/>
            <SignedInOnly children=move |_account| view! { <AddressBook/> }/>
        </section>
    }
}

/// The page's content for a signed-in shopper; the list reloads after every form.
#[component]
fn AddressBook() -> impl IntoView {
    let add = ServerAction::<AddAddress>::new();
    let edit = ServerAction::<EditAddress>::new();
    let delete = ServerAction::<DeleteAddress>::new();
    let make_default = ServerAction::<MakeDefaultAddress>::new();
    let addresses = Resource::new(
        move || {
            (
                add.version().get(),
                edit.version().get(),
                delete.version().get(),
                make_default.version().get(),
            )
        },
        |_| list_addresses(),
    );
    let query = use_query_map();
    // `Some(None)`: an `edit` parameter that is no id at all.
    let editing = Memo::new(move |_| {
        query
            .read()
            .get("edit")
            .map(|id| id.trim().parse::<i64>().ok())
    });
    view! {
        <Transition fallback=Loading>
            {move || {
                let editing = editing.get();
                Suspend::new(async move {
                    let book = match addresses.await {
                        Ok(book) => book,
                        Err(error) => return view! { <ServerError error/> }.into_any(),
                    };
                    match editing {
                        Some(id) => match id.and_then(|id| book.into_iter().find(|a| a.id == id)) {
                            Some(address) => view! { <EditForm address action=edit/> }.into_any(),
                            None => view! { <NotInBook/> }.into_any(),
                        },
                        None => {
                            let full = book.len() as i64 >= MAX_ADDRESSES;
                            view! {
                                <SavedAddresses book delete make_default/>
                                <AddForm action=add full/>
                            }
                        }
                        .into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// The saved addresses, the default first.
#[component]
fn SavedAddresses(
    book: Vec<Address>,
    delete: ServerAction<DeleteAddress>,
    make_default: ServerAction<MakeDefaultAddress>,
) -> impl IntoView {
    let delete_errors = form_errors(delete.value());
    let default_errors = form_errors(make_default.value());
    let list = if book.is_empty() {
        view! { <p>"You have no saved addresses yet. Add one below and the checkout will offer it."</p> }
            .into_any()
    } else {
        view! {
            <ul class="address-list">
                {book
                    .into_iter()
                    .map(|address| view! { <li><AddressCard address delete make_default/></li> })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <h2>"Saved addresses"</h2>
        <FormMessage errors=delete_errors/>
        <FormMessage errors=default_errors/>
        {list}
    }
}

/// One saved address with what can be done to it. Each button says which address it
/// acts on, for screen readers, where sighted shoppers see the card around it.
#[component]
fn AddressCard(
    address: Address,
    delete: ServerAction<DeleteAddress>,
    make_default: ServerAction<MakeDefaultAddress>,
) -> impl IntoView {
    let id = address.id;
    let which = format!(": {}", address.summary());
    let lines = address
        .lines()
        .into_iter()
        .enumerate()
        .map(|(i, line)| view! { {(i > 0).then(|| view! { <br/> })} {line} })
        .collect_view();
    view! {
        <div class="address-card">
            {address.is_default.then(|| view! { <p class="address-default">"Default address"</p> })}
            <p class="address-lines">{lines}</p>
            {address.phone.clone().map(|phone| view! { <p>"Phone: " {phone}</p> })}
            <div class="address-actions">
                <a href=format!("{BOOK}?edit={id}")>
                    "Edit" <span class="visually-hidden">{which.clone()}</span>
                </a>
                {(!address.is_default).then(|| {
                    let which = which.clone();
                    view! {
                        <ActionForm action=make_default attr:class="inline-form">
                            <input type="hidden" name="id" value=id/>
                            <button type="submit">
                                "Make default" <span class="visually-hidden">{which}</span>
                            </button>
                        </ActionForm>
                    }
                })}
                <ActionForm action=delete attr:class="inline-form">
                    <input type="hidden" name="id" value=id/>
                    <button type="submit" class="danger">
                        "Delete" <span class="visually-hidden">{which}</span>
                    </button>
                </ActionForm>
            </div>
        </div>
    }
}

/// The form for a new address, or why there is none.
#[component]
fn AddForm(action: ServerAction<AddAddress>, full: bool) -> impl IntoView {
    let errors = form_errors(action.value());
    let added = form_succeeded(action.value());
    view! {
        <h2>"Add an address"</h2>
        {move || added.get().then(|| view! { <p class="form-done" role="status">"Address saved."</p> })}
        {if full {
            view! { <p>{book_full_message()}</p> }.into_any()
        } else {
            view! {
                <ActionForm action attr:class="account-form address-form">
                    <FormMessage errors/>
                    <AddressFields errors/>
                    <button type="submit">"Save address"</button>
                </ActionForm>
            }
            .into_any()
        }}
    }
}

/// The form that changes `address`; on success the server sends the shopper back to
/// the list.
#[component]
fn EditForm(address: Address, action: ServerAction<EditAddress>) -> impl IntoView {
    let id = address.id;
    // The last attempt's errors, if it was at this address (not one edited before).
    let errors = {
        let all = form_errors(action.value());
        Memo::new(move |_| {
            all.get()
                .filter(|e: &FormErrors| e.typed("id") == Some(id.to_string()))
        })
    };
    view! {
        <Title text="Change an address"/>
        <h2>"Change this address"</h2>
        <ActionForm action attr:class="account-form address-form">
            <FormMessage errors/>
            <input type="hidden" name="id" value=id/>
            <AddressFields errors address=Some(address)/>
            <button type="submit">"Save changes"</button>
        </ActionForm>
        <p><a href=BOOK>"Back to your addresses"</a></p>
    }
}

/// `?edit=` names no address of this shopper's.
#[component]
fn NotInBook() -> impl IntoView {
    set_status(404);
    view! {
        <h2>"Address not found"</h2>
        <p>{NOT_IN_BOOK}</p>
        <p><a href=BOOK>"Back to your addresses"</a></p>
    }
}

/// The fields of an address, filled with `address` when there is one.
/// The fields of an address (the country a list), filled from `address` when given;
/// the address book and the checkout both use them.
#[component]
pub fn AddressFields(
    errors: Memo<Option<FormErrors>>,
    /// What the fields hold before anything is typed (none: empty, the default country).
    #[prop(default = None)]
    address: Option<Address>,
) -> impl IntoView {
    let saved =
        |part: fn(&Address) -> Option<String>| address.as_ref().and_then(part).unwrap_or_default();
    let country = address
        .as_ref()
        .map(|a| a.country.clone())
        .unwrap_or_else(|| DEFAULT_COUNTRY.to_owned());
    view! {
        <Field errors id="full_name" name="full_name" label="Full name" autocomplete="name" required=true
            value=saved(|a| Some(a.full_name.clone()))/>
        <Field errors id="line1" name="line1" label="Address line 1" autocomplete="address-line1" required=true
            value=saved(|a| Some(a.line1.clone()))/>
        <Field errors id="line2" name="line2" label="Address line 2 (optional)" autocomplete="address-line2"
            value=saved(|a| a.line2.clone())/>
        <Field errors id="city" name="city" label="Town or city" autocomplete="address-level2" required=true
            value=saved(|a| Some(a.city.clone()))/>
        <Field errors id="region" name="region" label="County, state or region (optional)" autocomplete="address-level1"
            value=saved(|a| a.region.clone())/>
        <Field errors id="postcode" name="postcode" label="Postcode or ZIP code" autocomplete="postal-code"
            value=saved(|a| a.postcode.clone())/>
        <CountrySelect errors chosen=country/>
        <Field errors id="phone" name="phone" label="Phone number (optional)" kind="tel" autocomplete="tel"
            hint="In case the courier needs to reach you."
            value=saved(|a| a.phone.clone())/>
    }
}

/// The country list, with its error underneath, wired as [`Field`] wires an input.
#[component]
fn CountrySelect(errors: Memo<Option<FormErrors>>, chosen: String) -> impl IntoView {
    const ID: &str = "country";
    const ERROR_ID: &str = "country-error";
    let error = move || errors.read().as_ref().and_then(|e| e.field("country"));
    let chosen = Memo::new(move |_| {
        errors
            .read()
            .as_ref()
            .and_then(|e| e.typed("country"))
            .unwrap_or_else(|| chosen.clone())
            .trim()
            .to_uppercase()
    });
    view! {
        <label for=ID>"Country"</label>
        <select
            id=ID
            name="country"
            autocomplete="country"
            aria-invalid=move || error().is_some().then_some("true")
            aria-describedby=move || error().is_some().then_some(ERROR_ID)
        >
            {COUNTRIES
                .iter()
                .map(|country| {
                    view! {
                        <option value=country.code selected=move || *chosen.read() == country.code>
                            {country.name}
                        </option>
                    }
                })
                .collect_view()}
        </select>
        {move || error().map(|m| view! { <p class="field-error" id=ERROR_ID>{m}</p> })}
    }
}
