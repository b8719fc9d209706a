//! An account's sessions as its holder sees them ("Firefox on Linux, signed in on …"),
//! and ending them. A session is named on pages by a handle derived from its id, never
//! by the id itself: the id is the secret in the cookie.

use super::session::{IP, SIGNED_IN_AT, USER_AGENT};
use crate::db::{now_millis, Db};
use sha2::{Digest, Sha256};
use sqlx::{Any, Transaction};

/// One live session of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub handle: String,
    pub signed_in_at: i64,
    pub user_agent: String,
    pub ip: String,
    /// The session's own id, to compare with the current request's.
    pub session_id: String,
}

/// The public name of the session `id`.
pub fn handle(session_id: &str) -> String {
    Sha256::digest(session_id.as_bytes())
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The live sessions of `user_id`, newest sign-in first.
pub async fn sessions_of(db: &Db, user_id: i64) -> Result<Vec<Device>, sqlx::Error> {
    let rows: Vec<(String, Vec<u8>)> =
        sqlx::query_as("SELECT id, data FROM sessions WHERE user_id = $1 AND expiry_date > $2")
            .bind(user_id)
            .bind(now_millis())
            .fetch_all(db.pool())
            .await?;
    let mut devices: Vec<Device> = rows
        .into_iter()
        .filter_map(|(id, data)| {
            let record: tower_sessions::session::Record = serde_json::from_slice(&data).ok()?;
            let text = |key: &str| {
                record
                    .data
                    .get(key)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            Some(Device {
                handle: handle(&id),
                signed_in_at: record.data.get(SIGNED_IN_AT)?.as_i64()?,
                user_agent: text(USER_AGENT),
                ip: text(IP),
                session_id: id,
            })
        })
        .collect();
    devices.sort_by_key(|d| std::cmp::Reverse(d.signed_in_at));
    Ok(devices)
}

/// Ends every session of `user_id` but `except` (the current one, when it stays).
pub async fn end_sessions(
    tx: &mut Transaction<'_, Any>,
    user_id: i64,
    except: Option<&str>,
) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(user_id)
            .bind(except.unwrap_or(""))
            .execute(&mut **tx)
            .await?
            .rows_affected(),
    )
}

/// Ends the session of `user_id` named `handle`; `false` when there is none.
pub async fn end_session(db: &Db, user_id: i64, handle_wanted: &str) -> Result<bool, sqlx::Error> {
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(db.pool())
        .await?;
    let Some(id) = ids.into_iter().find(|id| handle(id) == handle_wanted) else {
        return Ok(false);
    };
    sqlx::query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(true)
}

/// "Firefox on Linux": the browser and system a user agent names, in a few words.
pub fn describe_user_agent(user_agent: &str) -> String {
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(marker, _)| user_agent.contains(marker))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(one), None) | (None, Some(one)) => one.to_owned(),
        (None, None) if user_agent.is_empty() => "An unknown device".to_owned(),
        (None, None) => user_agent.chars().take(60).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agents_read_as_browser_and_system() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        let chrome_mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";
        let safari_iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0";
        assert_eq!(describe_user_agent(firefox), "Firefox on Linux");
        assert_eq!(describe_user_agent(chrome_mac), "Chrome on macOS");
        assert_eq!(describe_user_agent(safari_iphone), "Safari on iOS");
        assert_eq!(describe_user_agent(edge), "Edge on Windows");
        assert_eq!(describe_user_agent("curl/8.0"), "curl/8.0");
        assert_eq!(describe_user_agent(""), "An unknown device");
    }

    #[test]
    fn handles_are_short_stable_and_do_not_reveal_the_id() {
        let id = "l8Yr8ZkfZ6V7Fh1pKkQm1A";
        assert_eq!(handle(id), handle(id));
        assert_eq!(handle(id).len(), 16);
        assert!(!handle(id).contains(id));
        assert_ne!(handle(id), handle("another"));
    }
}
