//! Files on service-desk cases: checked as talents' documents are (the same size limit, the
//! same kinds by content, see [`crate::documents`]), named safely, stored content-addressed
//! beside them, and written with the history entry they come with (the store's
//! `service_case_attachment`). Who may read one is who may read its entry.

use std::path::Path;

use yingcai_domain::{FieldError, FieldErrors};
use yingcai_store::{AttachmentRecord, MAX_CASE_ATTACHMENTS, NewAttachment, Store};

use crate::Error;
use crate::documents;
use crate::service_desk::{Caller, Standing, case_for};

/// The form field (and API part) that carries the files, and names their refusals.
pub const FIELD: &str = "files";

/// The most files a case may carry.
pub const MAX_PER_CASE: i64 = MAX_CASE_ATTACHMENTS;

/// A file as it arrived. The reader keeps at most [`documents::MAX_DOCUMENT`] bytes of a
/// file; a larger one arrives with `too_large` and no bytes.
#[derive(Clone, Default)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub too_large: bool,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("file_name", &self.file_name)
            .field("size", &self.bytes.len())
            .field("too_large", &self.too_large)
            .finish()
    }
}

/// The files that come with one entry of a case, and where file bytes are kept.
#[derive(Debug)]
pub struct Files<'a> {
    pub dir: &'a Path,
    pub uploads: Vec<Upload>,
}

impl Files<'_> {
    /// No files: nothing is written, so no directory is needed.
    pub fn none() -> Files<'static> {
        Files {
            dir: Path::new(""),
            uploads: Vec::new(),
        }
    }
}

/// A file that passed the checks, not yet stored.
#[derive(Debug)]
pub struct Checked {
    file_name: String,
    media_type: &'static str,
    bytes: Vec<u8>,
}

/// Checks every file (with `present` already on the case) and adds the first problem to
/// `errors`: too many, then too large, then a kind not accepted. Nothing is stored here.
pub fn check(uploads: Vec<Upload>, present: i64, errors: &mut FieldErrors) -> Vec<Checked> {
    if present + uploads.len() as i64 > MAX_PER_CASE {
        errors.push(FieldError::new(FIELD, "case-files-too-many"));
        return Vec::new();
    }
    if uploads
        .iter()
        .any(|u| u.too_large || u.bytes.len() > documents::MAX_DOCUMENT)
    {
        errors.push(FieldError::new(FIELD, "document-too-large"));
        return Vec::new();
    }
    let mut checked = Vec::new();
    for upload in uploads {
        match documents::media_type(&upload.bytes) {
            Some(media_type) => checked.push(Checked {
                file_name: safe_name(&upload.file_name, media_type),
                media_type,
                bytes: upload.bytes,
            }),
            None => {
                errors.push(FieldError::new(FIELD, "document-type"));
                return Vec::new();
            }
        }
    }
    checked
}

/// Stores checked files' bytes (idempotently, under their SHA-256) and describes them for
/// the store.
pub async fn store_files(dir: &Path, files: Vec<Checked>) -> Result<Vec<NewAttachment>, Error> {
    let mut stored = Vec::with_capacity(files.len());
    for file in files {
        let size_bytes = file.bytes.len() as i64;
        let sha256 = documents::store(dir, file.bytes).await?;
        stored.push(NewAttachment {
            sha256,
            media_type: file.media_type.to_owned(),
            size_bytes,
            file_name: file.file_name,
        });
    }
    Ok(stored)
}

/// The extensions each accepted kind may carry; the first is added when a name lacks one.
fn extensions(media_type: &str) -> &'static [&'static str] {
    match media_type {
        "application/pdf" => &["pdf"],
        "image/jpeg" => &["jpg", "jpeg"],
        "image/png" => &["png"],
        _ => &[],
    }
}

/// The name a file is kept and offered under: its last path component only, without control
/// or reserved characters, no leading dot, at most 100 characters, and ending in an
/// extension of what the bytes are — so a PDF sent as `run.exe` is saved as `run.exe.pdf`.
pub fn safe_name(raw: &str, media_type: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if matches!(c, '<' | '>' | ':' | '"' | '|' | '?' | '*' | ';') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let name: String = cleaned
        .trim()
        .trim_start_matches('.')
        .chars()
        .take(100)
        .collect();
    let mut name = name.trim_end().to_owned();
    let allowed = extensions(media_type);
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase());
    let fits = extension.is_some_and(|ext| allowed.contains(&ext.as_str()));
    if name.is_empty() {
        name = "attachment".into();
    }
    match allowed.first() {
        Some(ext) if !fits => format!("{name}.{ext}"),
        _ => name,
    }
}

/// A case's files as the caller may see them (the team's notes' files only for officers).
pub async fn list(
    store: &Store,
    standing: Standing,
    case_id: i64,
) -> Result<Vec<AttachmentRecord>, Error> {
    Ok(store
        .case_attachments(case_id, standing != Standing::Requester)
        .await?)
}

/// One file of a case with its bytes, for whoever may see the case and the entry it came
/// with; for anyone else it does not exist.
pub async fn download(
    store: &Store,
    dir: &Path,
    caller: &Caller,
    case_id: i64,
    attachment_id: i64,
) -> Result<(AttachmentRecord, Vec<u8>), Error> {
    let (_, standing) = case_for(store, caller, case_id).await?;
    let record = store.case_attachment(case_id, attachment_id).await?;
    if standing == Standing::Requester && !record.visible_to_requester {
        return Err(Error::NotFound);
    }
    let bytes = documents::load(dir, &record.sha256).await?;
    Ok((record, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n...";

    fn upload(name: &str, bytes: &[u8]) -> Upload {
        Upload {
            file_name: name.into(),
            bytes: bytes.to_vec(),
            too_large: false,
        }
    }

    #[test]
    fn names_lose_paths_control_characters_and_wrong_extensions() {
        assert_eq!(safe_name("营业执照.pdf", "application/pdf"), "营业执照.pdf");
        assert_eq!(
            safe_name("C:\\Users\\a\\scan.PDF", "application/pdf"),
            "scan.PDF"
        );
        assert_eq!(
            safe_name("../../etc/passwd", "application/pdf"),
            "passwd.pdf"
        );
        assert_eq!(safe_name("run.exe", "application/pdf"), "run.exe.pdf");
        assert_eq!(safe_name(".hidden.png", "image/png"), "hidden.png");
        assert_eq!(safe_name("a\"b\r\n.jpeg", "image/jpeg"), "a_b.jpeg");
        assert_eq!(safe_name("", "image/png"), "attachment.png");
        assert_eq!(safe_name("...", "image/png"), "attachment.png");
        assert!(
            safe_name(&"长".repeat(300), "application/pdf")
                .chars()
                .count()
                <= 104
        );
    }

    #[test]
    fn the_first_problem_is_named_and_nothing_passes_with_it() {
        let mut errors = FieldErrors::default();
        let ok = check(vec![upload("a.pdf", PDF)], 0, &mut errors);
        assert!(errors.is_empty());
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].media_type, "application/pdf");

        let mut errors = FieldErrors::default();
        let none = check(
            vec![upload("a.pdf", PDF), upload("b.html", b"<html>")],
            0,
            &mut errors,
        );
        assert!(none.is_empty());
        assert_eq!(errors.for_field(FIELD), Some("document-type"));

        let mut errors = FieldErrors::default();
        let big = Upload {
            too_large: true,
            ..upload("big.pdf", b"")
        };
        check(vec![big], 0, &mut errors);
        assert_eq!(errors.for_field(FIELD), Some("document-too-large"));

        let mut errors = FieldErrors::default();
        check(vec![upload("a.pdf", PDF)], MAX_PER_CASE, &mut errors);
        assert_eq!(errors.for_field(FIELD), Some("case-files-too-many"));
    }
}
