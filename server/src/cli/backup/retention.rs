//! Keeping the newest N archives: only files named as `bazaar backup` names them
//! (`bazaar-20261205T061500Z.tar.gz`) are ever deleted, oldest first; the timestamp in the
//! name orders them, so a copied or touched file keeps its place.

use std::path::{Path, PathBuf};

/// Whether `name` is one `bazaar backup` gave an archive: `bazaar-YYYYMMDDTHHMMSSZ.tar.gz`.
pub fn is_ours(name: &str) -> bool {
    let Some(stamp) = name
        .strip_prefix("bazaar-")
        .and_then(|rest| rest.strip_suffix(".tar.gz"))
    else {
        return false;
    };
    let bytes = stamp.as_bytes();
    bytes.len() == 16
        && bytes[8] == b'T'
        && bytes[15] == b'Z'
        && bytes[..8].iter().all(u8::is_ascii_digit)
        && bytes[9..15].iter().all(u8::is_ascii_digit)
}

/// Of `names`, ours beyond the newest `keep`, oldest first; other names are never listed.
pub fn beyond_keep(names: &[String], keep: usize) -> Vec<String> {
    let mut ours: Vec<&String> = names.iter().filter(|name| is_ours(name)).collect();
    ours.sort();
    let extra = ours.len().saturating_sub(keep);
    ours.into_iter().take(extra).cloned().collect()
}

/// Deletes our archives in `dir` beyond the newest `keep`; the paths deleted.
pub fn prune(dir: &Path, keep: usize) -> std::io::Result<Vec<PathBuf>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            if let Some(name) = entry.file_name().to_str() {
                names.push(name.to_owned());
            }
        }
    }
    let mut removed = Vec::new();
    for name in beyond_keep(&names, keep) {
        let path = dir.join(name);
        std::fs::remove_file(&path)?;
        removed.push(path);
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_archive_names_of_our_own_form_count() {
        assert!(is_ours("bazaar-20261205T061500Z.tar.gz"));
        for foreign in [
            "bazaar-20261205T061500Z.tar.partial",
            "bazaar-20261205T061500Z.tar.gz.bak",
            "shop-backup.tar.gz",
            "bazaar-2026-12-05.tar.gz",
            "bazaar-20261205X061500Z.tar.gz",
            "bazaar-2026120xT061500Z.tar.gz",
            "notes.txt",
        ] {
            assert!(!is_ours(foreign), "{foreign}");
        }
    }

    #[test]
    fn the_oldest_archives_beyond_keep_go_and_foreign_files_stay() {
        let dir = std::env::temp_dir().join(format!("bazaar-retention-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let ours = [
            "bazaar-20261203T000000Z.tar.gz",
            "bazaar-20261201T120000Z.tar.gz",
            "bazaar-20261204T000000Z.tar.gz",
            "bazaar-20261202T000000Z.tar.gz",
        ];
        let foreign = [
            "before-upgrade.tar.gz",
            "bazaar-20261130T000000Z.tar.partial",
        ];
        for name in ours.iter().chain(&foreign) {
            std::fs::write(dir.join(name), name).unwrap();
        }
        let removed = prune(&dir, 2).unwrap();
        assert_eq!(
            removed,
            [
                dir.join("bazaar-20261201T120000Z.tar.gz"),
                dir.join("bazaar-20261202T000000Z.tar.gz")
            ]
        );
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [
                "bazaar-20261130T000000Z.tar.partial",
                "bazaar-20261203T000000Z.tar.gz",
                "bazaar-20261204T000000Z.tar.gz",
                "before-upgrade.tar.gz",
            ]
        );
        assert!(prune(&dir, 2).unwrap().is_empty());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
