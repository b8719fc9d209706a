//! The upload area in the browser: chosen or dropped files are previewed (object URLs)
//! with their names and sizes, then sent one by one over `XMLHttpRequest`, whose upload
//! progress events (which `fetch` lacks) drive the progress bar. Each file is its own
//! multipart request to the same server function the plain form posts to, so one
//! request never carries more than one photo's limit.

use super::api::{UploadOutcome, UploadReport, UPLOAD_PATH};
use super::pages::{human_size, ChosenFile, FileStatus, UploadState};
use leptos::prelude::*;
use leptos::wasm_bindgen::{closure::Closure, JsCast, JsValue};
use leptos::web_sys::XmlHttpRequest;
use leptos::web_sys::{DragEvent, File, FileList, FormData, HtmlInputElement, ProgressEvent, Url};

/// The files just chosen in the file input.
pub fn choose_from_input(ev: &leptos::ev::Event, upload: UploadState) {
    let input: HtmlInputElement = event_target(ev);
    if let Some(files) = input.files() {
        choose(&files, upload);
    }
}

/// The files dropped on the drop zone.
pub fn choose_dropped(ev: &DragEvent, upload: UploadState) {
    if let Some(files) = ev.data_transfer().and_then(|data| data.files()) {
        choose(&files, upload);
    }
}

/// Shows `files` for upload, in place of what was chosen before.
fn choose(list: &FileList, upload: UploadState) {
    if upload.uploading.get_untracked() {
        return;
    }
    for old in upload.chosen.get_untracked() {
        let _ = Url::revoke_object_url(&old.preview);
    }
    let files: Vec<File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
    let chosen = files
        .iter()
        .enumerate()
        .map(|(id, file)| ChosenFile {
            id,
            name: file.name(),
            size: file.size(),
            preview: Url::create_object_url_with_blob(file).unwrap_or_default(),
            alt: RwSignal::new(String::new()),
            status: RwSignal::new(FileStatus::Waiting),
        })
        .collect::<Vec<_>>();
    let count = chosen.len();
    upload.files.set_value(files);
    upload.chosen.set(chosen);
    upload.sent.set(0.0);
    upload.message.set(match count {
        0 => String::new(),
        1 => "1 photo chosen.".to_owned(),
        n => format!("{n} photos chosen."),
    });
}

/// Sends every chosen file that has not been sent yet, one after another.
pub fn send_all(upload: UploadState) {
    if upload.uploading.get_untracked() {
        return;
    }
    let chosen = upload.chosen.get_untracked();
    let files = upload.files.get_value();
    let waiting: Vec<(ChosenFile, File)> = chosen
        .into_iter()
        .zip(files)
        .filter(|(chosen, _)| chosen.status.get_untracked() == FileStatus::Waiting)
        .collect();
    if waiting.is_empty() {
        upload
            .message
            .set("Choose one or more photos to upload first.".to_owned());
        return;
    }
    let common_alt = upload
        .common_alt
        .get_untracked()
        .map(|input| input.value())
        .unwrap_or_default();
    let total: f64 = waiting.iter().map(|(chosen, _)| chosen.size).sum();
    upload.total.set(total);
    upload.sent.set(0.0);
    upload.uploading.set(true);
    upload.message.set("Uploading…".to_owned());
    leptos::task::spawn_local(async move {
        let mut done = 0.0;
        let mut saved = 0;
        for (chosen, file) in &waiting {
            chosen.status.set(FileStatus::Uploading);
            let alt = match chosen.alt.get_untracked() {
                alt if alt.trim().is_empty() => common_alt.clone(),
                alt => alt,
            };
            let outcome = send(upload, file, &chosen.name, &alt, done).await;
            if matches!(outcome, UploadOutcome::Saved { .. }) {
                saved += 1;
            }
            chosen.status.set(FileStatus::Done(outcome));
            done += chosen.size;
            upload.sent.set(done);
        }
        let refused = waiting.len() - saved;
        let photos = if saved == 1 { "photo" } else { "photos" };
        upload.message.set(match refused {
            0 => format!("{saved} {photos} saved."),
            _ => format!("{saved} {photos} saved, {refused} refused: see the reasons above."),
        });
        upload.uploading.set(false);
        upload.uploads.update(|n| *n += 1);
    });
}

/// Uploads one file, reporting progress on top of the `before` bytes already sent.
async fn send(
    upload: UploadState,
    file: &File,
    name: &str,
    alt: &str,
    before: f64,
) -> UploadOutcome {
    let refused = |reason: String| UploadOutcome::Refused { reason };
    let Ok(form) = FormData::new() else {
        return refused("This browser cannot upload files.".to_owned());
    };
    let _ = form.append_with_str("product_id", &upload.product_id.to_string());
    let _ = form.append_with_str("alt", alt);
    let _ = form.append_with_blob_and_filename("photo", file, name);
    let Ok(request) = XmlHttpRequest::new() else {
        return refused("This browser cannot upload files.".to_owned());
    };
    if request.open("POST", UPLOAD_PATH).is_err() {
        return refused("This browser cannot upload files.".to_owned());
    }
    let _ = request.set_request_header("Accept", "application/json");
    let sent = upload.sent;
    let progress = Closure::<dyn FnMut(ProgressEvent)>::new(move |ev: ProgressEvent| {
        sent.set(before + ev.loaded());
    });
    if let Ok(target) = request.upload() {
        target.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    let finished = js_sys::Promise::new(&mut |resolve, _| {
        let done = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        request.set_onloadend(Some(done.unchecked_ref()));
    });
    if request.send_with_opt_form_data(Some(&form)).is_err() {
        return refused("The upload could not be started. Try again.".to_owned());
    }
    let _ = wasm_bindgen_futures::JsFuture::from(finished).await;
    drop(progress);
    let status = request.status().unwrap_or(0);
    let body = request.response_text().ok().flatten().unwrap_or_default();
    match status {
        200 => match serde_json::from_str::<UploadReport>(&body) {
            Ok(report) => match (report.files.into_iter().next(), report.problem) {
                (Some(file), _) => file.outcome,
                (None, Some(problem)) => refused(problem),
                (None, None) => refused("The shop did not say what became of this file.".to_owned()),
            },
            Err(_) => refused("The shop's answer could not be read. Reload the page to see whether the photo was saved.".to_owned()),
        },
        413 => refused(format!(
            "The file is {}, larger than the shop takes. Make it smaller and try again.",
            human_size(file.size())
        )),
        0 => refused("The upload did not reach the shop. Check your connection and try again.".to_owned()),
        401 | 403 => refused("Only signed-in staff can upload photos: sign in again.".to_owned()),
        status => refused(format!("The upload failed (HTTP {status}). Try again in a moment.")),
    }
}
