//! `allybot content export DIR`: writes the curriculum built into the binary to a folder, for an
//! organisation to edit and point `content.dir` at. It only ever writes into a new or empty
//! folder, so running it twice (or at the wrong folder) never overwrites anyone's edits.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::source::{self, built_in_files};

/// Why nothing was exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot export to {0}: the folder is not empty (export into a new or empty folder, so no edited file is overwritten)")]
    NotEmpty(PathBuf),
    #[error("cannot export to {0}: it is a file, not a folder")]
    NotAFolder(PathBuf),
    #[error("cannot export to {path}: {error}")]
    Io { path: PathBuf, error: io::Error },
}

/// Writes every built-in file under `dir` (created if missing, parents included) and returns
/// how many it wrote.
pub fn export(dir: &Path) -> Result<usize, ExportError> {
    let shown = source::absolute(dir);
    let io_error = |error| ExportError::Io {
        path: shown.clone(),
        error,
    };
    if dir.exists() && !dir.is_dir() {
        return Err(ExportError::NotAFolder(shown));
    }
    if dir.is_dir() && fs::read_dir(dir).map_err(io_error)?.next().is_some() {
        return Err(ExportError::NotEmpty(shown));
    }
    let files = built_in_files();
    for (relative, contents) in &files {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|error| ExportError::Io {
                path: parent.to_path_buf(),
                error,
            })?;
        }
        fs::write(&path, contents).map_err(|error| ExportError::Io { path, error })?;
    }
    Ok(files.len())
}
