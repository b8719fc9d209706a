//! The backup archive: a `.tar.gz` whose first entry, `manifest.json`, lists every other
//! file with its size and SHA-256. Reading checks each file against the manifest, so a
//! damaged archive is refused before anything is written.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

/// Bumped when the archive's layout changes in a way an older `bazaar restore` cannot read.
pub const FORMAT_VERSION: u32 = 1;
pub const MANIFEST: &str = "manifest.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    /// UTC, RFC 3339.
    pub created_at: String,
    /// `sqlite` or `postgres`.
    pub engine: String,
    pub bazaar_version: String,
    /// The newest migration applied to the database when it was copied.
    pub migration_version: i64,
    /// Where the shop's photos are: `in this archive`, or a bucket they stay in.
    pub media: String,
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Inside the archive: `database/…` or `media/…`.
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("{0}")]
    Io(#[from] io::Error),
    /// The archive is not what its manifest says (or has none): refuse it.
    #[error("{0}")]
    Damaged(String),
}

/// A file to put in the archive: where it is now, and its path inside the archive.
pub struct Source {
    pub from: PathBuf,
    pub path: String,
}

/// Size and SHA-256 of a file, read once.
pub fn checksum(path: &Path) -> io::Result<(u64, String)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let size = io::copy(&mut file, &mut hasher)?;
    Ok((size, format!("{:x}", hasher.finalize())))
}

/// A path inside the archive that stays inside wherever it is unpacked.
pub fn is_safe_path(path: &str) -> bool {
    let path = Path::new(path);
    !path.as_os_str().is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)))
}

/// Writes `manifest` and then `sources` (in the manifest's order) to `to` as a gzip tar;
/// `progress` hears the bytes written so far.
pub fn write(
    to: &Path,
    manifest: &Manifest,
    sources: &[Source],
    mut progress: impl FnMut(u64),
) -> io::Result<()> {
    let gzip = flate2::write::GzEncoder::new(File::create(to)?, flate2::Compression::fast());
    let mut tar = tar::Builder::new(gzip);
    let json = serde_json::to_vec_pretty(manifest).map_err(io::Error::other)?;
    append(&mut tar, MANIFEST, json.len() as u64, &json[..])?;
    let mut written = 0;
    for (source, entry) in sources.iter().zip(&manifest.files) {
        // The size is the one checksummed: a file that changed since would not match.
        let file = File::open(&source.from)?.take(entry.size);
        append(&mut tar, &source.path, entry.size, file)?;
        written += entry.size;
        progress(written);
    }
    let gzip = tar.into_inner()?;
    gzip.finish()?.sync_all()
}

fn append<W: Write>(
    tar: &mut tar::Builder<W>,
    path: &str,
    size: u64,
    data: impl Read,
) -> io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(size);
    header.set_mode(0o600);
    header.set_entry_type(tar::EntryType::Regular);
    tar.append_data(&mut header, path, data)
}

/// Reads the archive through, checking every file against the manifest; writes nothing.
pub fn verify(archive: &Path) -> Result<Manifest, ArchiveError> {
    let checked = for_each_file(
        archive,
        |manifest| {
            let mut expected = BTreeMap::new();
            for file in &manifest.files {
                if !is_safe_path(&file.path) || file.path == MANIFEST {
                    return Err(ArchiveError::Damaged(format!(
                        "the manifest names an unsafe path: {}",
                        file.path
                    )));
                }
                expected.insert(file.path.clone(), file.clone());
            }
            Ok((manifest, expected))
        },
        |(_, expected), path, entry| {
            let Some(want) = expected.remove(path) else {
                return Err(ArchiveError::Damaged(format!(
                    "{path} is in the archive but not in its manifest"
                )));
            };
            let mut hasher = Sha256::new();
            let size = io::copy(entry, &mut hasher)?;
            if format!("{:x}", hasher.finalize()) != want.sha256 || size != want.size {
                return Err(ArchiveError::Damaged(format!(
                    "{path} does not match its checksum in the manifest"
                )));
            }
            Ok(())
        },
    )?;
    let (manifest, expected) = checked;
    if let Some(missing) = expected.keys().next() {
        return Err(ArchiveError::Damaged(format!(
            "{missing} is in the manifest but missing from the archive"
        )));
    }
    Ok(manifest)
}

/// Reads the manifest (which must come first) with `on_manifest`, then hands every other
/// entry to `on_file` with its path.
fn for_each_file<T>(
    archive: &Path,
    on_manifest: impl FnOnce(Manifest) -> Result<T, ArchiveError>,
    mut on_file: impl FnMut(&mut T, &str, &mut dyn Read) -> Result<(), ArchiveError>,
) -> Result<T, ArchiveError> {
    let not_a_backup =
        |err: io::Error| ArchiveError::Damaged(format!("it is not a Bazaar backup ({err})"));
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(File::open(archive)?));
    let mut entries = tar.entries().map_err(not_a_backup)?;
    let mut first = match entries.next() {
        Some(entry) => entry.map_err(not_a_backup)?,
        None => return Err(ArchiveError::Damaged("it is empty".into())),
    };
    if first.path().map_err(not_a_backup)?.as_os_str() != MANIFEST {
        return Err(ArchiveError::Damaged(format!(
            "it does not start with {MANIFEST}"
        )));
    }
    let manifest: Manifest = serde_json::from_reader(&mut first)
        .map_err(|err| ArchiveError::Damaged(format!("{MANIFEST} cannot be read: {err}")))?;
    if manifest.format_version > FORMAT_VERSION {
        return Err(ArchiveError::Damaged(format!(
            "the archive has format {}; this bazaar reads up to {FORMAT_VERSION}",
            manifest.format_version
        )));
    }
    let mut state = on_manifest(manifest)?;
    for entry in entries {
        let mut entry = entry.map_err(not_a_backup)?;
        let path = entry
            .path()
            .map_err(not_a_backup)?
            .to_string_lossy()
            .into_owned();
        on_file(&mut state, &path, &mut entry)?;
    }
    Ok(state)
}

/// Unpacks the files (already verified) whose archive path `place` maps to a destination.
pub fn extract(
    archive: &Path,
    mut place: impl FnMut(&str) -> Option<PathBuf>,
) -> Result<(), ArchiveError> {
    for_each_file(
        archive,
        |_| Ok(()),
        |_, path, entry| {
            let Some(to) = place(path).filter(|_| is_safe_path(path)) else {
                return Ok(());
            };
            if let Some(dir) = to.parent() {
                std::fs::create_dir_all(dir)?;
            }
            // Written beside, then renamed: a file is either the old one or the new one.
            let partial = to.with_extension("restoring");
            let mut out = File::create(&partial)?;
            io::copy(entry, &mut out)?;
            out.sync_all()?;
            std::fs::rename(&partial, &to)?;
            Ok(())
        },
    )
}

/// `seconds` since the Unix epoch as an RFC 3339 UTC timestamp.
pub fn rfc3339(seconds: u64) -> String {
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    // Howard Hinnant's civil-from-days.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("bazaar-archive-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn archive_of(dir: &Path, files: &[(&str, &[u8])]) -> PathBuf {
        let mut sources = Vec::new();
        let mut entries = Vec::new();
        for (i, (path, bytes)) in files.iter().enumerate() {
            let from = dir.join(format!("source-{i}"));
            std::fs::write(&from, bytes).unwrap();
            let (size, sha256) = checksum(&from).unwrap();
            entries.push(FileEntry {
                path: path.to_string(),
                size,
                sha256,
            });
            sources.push(Source {
                from,
                path: path.to_string(),
            });
        }
        let manifest = Manifest {
            format_version: FORMAT_VERSION,
            created_at: rfc3339(0),
            engine: "sqlite".into(),
            bazaar_version: "test".into(),
            migration_version: 1,
            media: "in this archive".into(),
            files: entries,
        };
        let to = dir.join("backup.tar.gz");
        write(&to, &manifest, &sources, |_| {}).unwrap();
        to
    }

    #[test]
    fn an_archive_verifies_and_unpacks_what_was_put_in() {
        let dir = scratch("roundtrip");
        let archive = archive_of(
            &dir,
            &[("database/bazaar.db", b"db"), ("media/a/b.webp", b"photo")],
        );
        let manifest = verify(&archive).unwrap();
        assert_eq!(manifest.files.len(), 2);
        extract(&archive, |path| Some(dir.join("out").join(path))).unwrap();
        assert_eq!(
            std::fs::read(dir.join("out/media/a/b.webp")).unwrap(),
            b"photo"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_changed_byte_is_refused_naming_the_file() {
        let dir = scratch("tampered");
        let archive = archive_of(
            &dir,
            &[("database/bazaar.db", b"db"), ("media/x.webp", b"photo")],
        );
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(File::open(&archive).unwrap())
            .read_to_end(&mut bytes)
            .unwrap();
        let at = bytes.windows(5).position(|w| w == b"photo").unwrap();
        bytes[at] = b'P';
        let mut gzip =
            flate2::write::GzEncoder::new(File::create(&archive).unwrap(), Default::default());
        gzip.write_all(&bytes).unwrap();
        gzip.finish().unwrap();
        let Err(ArchiveError::Damaged(why)) = verify(&archive) else {
            panic!("refused")
        };
        assert!(why.contains("media/x.webp"), "{why}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn paths_leaving_the_target_are_unsafe() {
        assert!(is_safe_path("media/a/b.webp"));
        assert!(!is_safe_path("../etc/passwd"));
        assert!(!is_safe_path("/etc/passwd"));
        assert!(!is_safe_path("media/../../x"));
        assert!(!is_safe_path(""));
    }

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_000_000), "2026-11-18T11:06:40Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }
}
