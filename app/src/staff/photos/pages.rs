//! The photo manager that the product edit page embeds: the product's photos, each with
//! its alt text, place and a delete button (all `ActionForm`s, so they work without
//! JavaScript), and the upload area. Without JavaScript the upload area is a plain
//! multipart form and the report comes back in the URL; with it, chosen or dropped files
//! are previewed and sent one by one with a progress bar (`browser.rs`).

use super::api::{
    product_photos_for_staff, DeleteProductPhoto, MoveProductPhoto, SetPhotoAlt, StaffPhoto,
    UploadOutcome, UploadReport, MAX_ALT_CHARS, UPLOAD_PATH, UPLOAD_REPORT_PARAM,
};
use crate::layout::Loading;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// A file chosen for upload, as the upload area shows it.
#[derive(Debug, Clone)]
pub(super) struct ChosenFile {
    pub id: usize,
    pub name: String,
    /// In bytes.
    pub size: f64,
    /// An object URL of the file itself.
    pub preview: String,
    pub alt: RwSignal<String>,
    pub status: RwSignal<FileStatus>,
}

// Made only by the browser code.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum FileStatus {
    Waiting,
    Uploading,
    Done(UploadOutcome),
}

/// The upload area's state, shared with the browser code.
#[derive(Clone, Copy)]
pub(super) struct UploadState {
    pub product_id: i64,
    pub chosen: RwSignal<Vec<ChosenFile>>,
    /// The files themselves, in the order of `chosen` (browser only).
    #[cfg(feature = "hydrate")]
    pub files: StoredValue<Vec<leptos::web_sys::File>, LocalStorage>,
    /// Bytes sent so far, and of how many.
    pub sent: RwSignal<f64>,
    pub total: RwSignal<f64>,
    pub uploading: RwSignal<bool>,
    /// What the live region says.
    pub message: RwSignal<String>,
    /// Bumped after an upload, so the list of photos is read again.
    pub uploads: RwSignal<usize>,
    /// The alt text field for every photo of the upload.
    pub common_alt: NodeRef<leptos::html::Input>,
}

/// The photos of one product, and the upload area for more.
#[component]
pub fn PhotoManager(product_id: i64) -> impl IntoView {
    let move_photo = ServerAction::<MoveProductPhoto>::new();
    let set_alt = ServerAction::<SetPhotoAlt>::new();
    let delete = ServerAction::<DeleteProductPhoto>::new();
    let upload = UploadState {
        product_id,
        chosen: RwSignal::new(Vec::new()),
        #[cfg(feature = "hydrate")]
        files: StoredValue::new_local(Vec::new()),
        sent: RwSignal::new(0.0),
        total: RwSignal::new(0.0),
        uploading: RwSignal::new(false),
        message: RwSignal::new(String::new()),
        uploads: RwSignal::new(0),
        common_alt: NodeRef::new(),
    };
    let photos = Resource::new(
        move || {
            (
                move_photo.version().get(),
                set_alt.version().get(),
                delete.version().get(),
                upload.uploads.get(),
            )
        },
        move |_| product_photos_for_staff(product_id),
    );
    view! {
        <section class="photo-manager" id="photos" aria-labelledby="photos-heading">
            <h2 id="photos-heading">"Photos"</h2>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match photos.await {
                        Ok(list) if list.photos.is_empty() => view! {
                            <p>"No photos yet: the shop shows the imported pictures, if any."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <PhotoList photos=list.photos move_photo set_alt delete/>
                        }.into_any(),
                        Err(error) => view! { <p class="form-error">{error.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
            <UploadArea upload/>
        </section>
    }
}

#[component]
fn PhotoList(
    photos: Vec<StaffPhoto>,
    move_photo: ServerAction<MoveProductPhoto>,
    set_alt: ServerAction<SetPhotoAlt>,
    delete: ServerAction<DeleteProductPhoto>,
) -> impl IntoView {
    let count = photos.len();
    view! {
        <ol class="staff-photos">
            {photos
                .into_iter()
                .enumerate()
                .map(|(index, photo)| {
                    let number = index + 1;
                    let alt_id = format!("photo-alt-{}", photo.id);
                    let id = photo.id;
                    view! {
                        <li class="staff-photo">
                            <img
                                src=photo.url
                                alt=photo.alt.clone()
                                width=photo.width
                                height=photo.height
                                loading="lazy"
                            />
                            <ActionForm action=set_alt attr:class="photo-alt-form">
                                <input type="hidden" name="photo_id" value=id/>
                                <label for=alt_id.clone()>{format!("Alt text of photo {number}")}</label>
                                <input id=alt_id name="alt" value=photo.alt maxlength=MAX_ALT_CHARS/>
                                <button type="submit">"Save alt text"</button>
                            </ActionForm>
                            <div class="photo-actions">
                                <ActionForm action=move_photo>
                                    <input type="hidden" name="photo_id" value=id/>
                                    <input type="hidden" name="direction" value="earlier"/>
                                    <button type="submit" disabled=index == 0>"Move up"</button>
                                </ActionForm>
                                <ActionForm action=move_photo>
                                    <input type="hidden" name="photo_id" value=id/>
                                    <input type="hidden" name="direction" value="later"/>
                                    <button type="submit" disabled=number == count>"Move down"</button>
                                </ActionForm>
                                <ActionForm action=delete>
                                    <input type="hidden" name="photo_id" value=id/>
                                    <button type="submit" class="danger">"Delete photo"</button>
                                </ActionForm>
                            </div>
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// The upload form: a plain multipart form, which the browser code takes over once
/// hydrated (previews, drag and drop, progress).
#[component]
fn UploadArea(upload: UploadState) -> impl IntoView {
    // Without JavaScript, the report of the last upload comes back in the URL.
    let query = use_query_map();
    let returned = move || {
        query
            .read()
            .get(UPLOAD_REPORT_PARAM)
            .and_then(|json| serde_json::from_str::<UploadReport>(&json).ok())
    };
    let dragging = RwSignal::new(false);
    let on_change = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        super::browser::choose_from_input(&ev, upload);
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        #[cfg(feature = "hydrate")]
        super::browser::choose_dropped(&ev, upload);
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        super::browser::send_all(upload);
    };
    view! {
        <form
            class="photo-upload account-form"
            method="post"
            action=UPLOAD_PATH
            enctype="multipart/form-data"
            on:submit=on_submit
        >
            <h3>"Add photos"</h3>
            <input type="hidden" name="product_id" value=upload.product_id.to_string()/>
            <div
                class="drop-zone"
                class:dragging=move || dragging.get()
                on:dragover=move |ev: leptos::ev::DragEvent| {
                    ev.prevent_default();
                    dragging.set(true);
                }
                on:dragleave=move |_| dragging.set(false)
                on:drop=on_drop
            >
                <label for="photo-files">"Choose photos, or drop them here"</label>
                <p class="hint" id="photo-files-hint">"JPEG, PNG or WebP; several at once."</p>
                <input
                    id="photo-files"
                    type="file"
                    name="photo"
                    multiple
                    accept="image/jpeg,image/png,image/webp"
                    aria-describedby="photo-files-hint"
                    on:change=on_change
                />
            </div>
            <label for="photo-upload-alt">"Alt text (optional; for photos without their own)"</label>
            <input
                id="photo-upload-alt"
                name="alt"
                maxlength=MAX_ALT_CHARS
                node_ref=upload.common_alt
            />
            <ul class="upload-previews">
                <For each=move || upload.chosen.get() key=|file| file.id let:file>
                    <ChosenPreview file/>
                </For>
            </ul>
            <Show when=move || upload.uploading.get() || (upload.sent.get() > 0.0)>
                <label for="photo-upload-progress">"Upload progress"</label>
                <progress
                    id="photo-upload-progress"
                    max=move || upload.total.get().max(1.0)
                    value=move || upload.sent.get()
                ></progress>
            </Show>
            <button type="submit" disabled=move || upload.uploading.get()>"Upload"</button>
            <div class="upload-status" role="status" aria-live="polite">
                <p>{move || upload.message.get()}</p>
                {move || returned().map(|report| view! { <ReturnedReport report/> })}
            </div>
        </form>
    }
}

/// A chosen file: its preview, name and size, its own alt text, and what became of it.
#[component]
fn ChosenPreview(file: ChosenFile) -> impl IntoView {
    let alt_id = format!("upload-alt-{}", file.id);
    let alt = file.alt;
    let status = file.status;
    view! {
        <li class="upload-preview">
            <img src=file.preview alt=format!("Preview of {}", file.name)/>
            <span class="upload-name">{file.name.clone()}</span>
            <span class="upload-size">{human_size(file.size)}</span>
            <label for=alt_id.clone()>{format!("Alt text for {}", file.name)}</label>
            <input
                id=alt_id
                maxlength=MAX_ALT_CHARS
                prop:value=move || alt.get()
                on:input=move |ev| alt.set(event_target_value(&ev))
            />
            <span class="upload-result">
                {move || match status.get() {
                    FileStatus::Waiting => String::new(),
                    FileStatus::Uploading => "Uploading…".to_owned(),
                    FileStatus::Done(UploadOutcome::Saved { .. }) => "Saved".to_owned(),
                    FileStatus::Done(UploadOutcome::Refused { reason }) => reason,
                }}
            </span>
        </li>
    }
}

/// The report of an upload the browser posted itself.
#[component]
fn ReturnedReport(report: UploadReport) -> impl IntoView {
    view! {
        <p>{report.summary()}</p>
        <ul class="upload-report">
            {report
                .files
                .into_iter()
                .map(|file| {
                    let outcome = match file.outcome {
                        UploadOutcome::Saved { .. } => "Saved".to_owned(),
                        UploadOutcome::Refused { reason } => reason,
                    };
                    view! { <li>{format!("{}: {outcome}", file.name)}</li> }
                })
                .collect_view()}
        </ul>
    }
}

/// "340 KB", "2.4 MB".
pub(super) fn human_size(bytes: f64) -> String {
    const KB: f64 = 1024.0;
    if bytes < KB * KB {
        format!("{} KB", (bytes / KB).ceil())
    } else {
        format!("{:.1} MB", bytes / (KB * KB))
    }
}
