//! Document files: checked by content, stored on disk under their SHA-256.
//!
//! Content addressing makes a write idempotent (the same file twice is one file) and makes
//! tampering visible (a file that no longer hashes to its name). Several app servers must
//! share `documents_dir` (a network volume); the database says who may read which file.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::Error;

/// The largest accepted document.
pub const MAX_DOCUMENT: usize = 10 * 1024 * 1024;

/// The largest upload request read. Larger than a document may be, so that an oversized
/// file (say 50 MB) is read to its end and refused with a message (a client cut off in the
/// middle of sending would see a broken connection instead); only the first
/// [`MAX_DOCUMENT`] bytes are ever kept in memory.
pub const MAX_BODY: usize = 64 * 1024 * 1024;

/// The kinds of document accepted, by what the bytes are, not by the file name.
pub fn media_type(bytes: &[u8]) -> Option<&'static str> {
    match infer::get(bytes)?.mime_type() {
        "application/pdf" => Some("application/pdf"),
        "image/jpeg" => Some("image/jpeg"),
        "image/png" => Some("image/png"),
        _ => None,
    }
}

fn path_of(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(&sha256[..2]).join(sha256)
}

/// Stores `bytes` (if not already there) and returns their SHA-256.
pub async fn store(dir: &Path, bytes: Vec<u8>) -> Result<String, Error> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || -> anyhow::Result<String> {
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let path = path_of(&dir, &sha256);
        if path.exists() {
            return Ok(sha256);
        }
        let parent = path
            .parent()
            .ok_or_else(|| anyhow::anyhow!("document path without a parent"))?;
        std::fs::create_dir_all(parent)?;
        // Write beside the target and rename: a crash never leaves a half file under a
        // name that claims a complete one.
        let mut temporary = tempfile::NamedTempFile::new_in(parent)?;
        temporary.write_all(&bytes)?;
        temporary.as_file().sync_all()?;
        temporary.persist(&path).map_err(|e| e.error)?;
        Ok(sha256)
    })
    .await
    .map_err(|e| Error::Internal(e.into()))?
    .map_err(Error::Internal)
}

/// The bytes stored under `sha256`, checked against it.
pub async fn load(dir: &Path, sha256: &str) -> Result<Vec<u8>, Error> {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::NotFound);
    }
    let path = path_of(dir, sha256);
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("{}: {e}", path.display())))?;
    if hex::encode(Sha256::digest(&bytes)) != sha256 {
        return Err(Error::Internal(anyhow::anyhow!(
            "document {sha256} on disk does not match its hash"
        )));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pdf_jpeg_and_png_are_accepted_by_content() {
        assert_eq!(media_type(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(
            media_type(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F']),
            Some("image/jpeg")
        );
        assert_eq!(
            media_type(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some("image/png")
        );
        assert_eq!(media_type(b"<html><script>"), None);
        assert_eq!(
            media_type(b"MZ\x90\0"),
            None,
            "an executable renamed .pdf is refused"
        );
    }

    #[tokio::test]
    async fn stored_documents_are_content_addressed_and_checked_on_load() {
        let dir = tempfile::tempdir().unwrap();
        let sha = store(dir.path(), b"%PDF-1.7 one".to_vec()).await.unwrap();
        assert_eq!(
            store(dir.path(), b"%PDF-1.7 one".to_vec()).await.unwrap(),
            sha,
            "idempotent"
        );
        assert_eq!(load(dir.path(), &sha).await.unwrap(), b"%PDF-1.7 one");
        std::fs::write(path_of(dir.path(), &sha), b"%PDF-1.7 altered").unwrap();
        assert!(
            load(dir.path(), &sha).await.is_err(),
            "tampering is detected"
        );
        assert!(matches!(
            load(dir.path(), "../etc/passwd").await,
            Err(Error::NotFound)
        ));
    }
}
