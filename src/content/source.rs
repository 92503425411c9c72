//! Where the curriculum is read from: a folder on disk, or the `prompts/` tree compiled into
//! the binary, so one copied file is a whole deployment. The loader sees both through the same
//! four questions (which track folders, which files in one, a file's text, whether a file
//! exists), so parsing and error lines are the same whichever source applies.
//!
//! Which source applies (the README and docs/OPERATIONS.md say the same): an explicitly set
//! `content.dir` wins and must exist; otherwise a `prompts/` folder in the working folder;
//! otherwise the built-in curriculum.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

/// The shipped curriculum, as it was in `prompts/` when the binary was built (build.rs makes
/// cargo rebuild when a file there changes).
static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/prompts");

/// How the built-in curriculum is named in messages and logs.
pub const BUILT_IN_NAME: &str = "the curriculum built into the binary";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CurriculumSource {
    /// The tree compiled into the binary.
    BuiltIn,
    /// A curriculum folder on disk.
    Folder(PathBuf),
}

/// `content.dir` was set explicitly but names no folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingFolder {
    /// The configured path made absolute, so the operator sees where the bot looked.
    pub absolute: PathBuf,
}

impl fmt::Display for MissingFolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "no folder at {}; point it at a curriculum folder (`allybot content export DIR` writes one), or leave it unset to use {BUILT_IN_NAME}",
            self.absolute.display()
        )
    }
}

/// Picks the source for `dir` (the value of `content.dir`). `explicit`: a config file or the
/// environment set it, so a missing folder is a mistake to report, never a reason to fall back
/// silently to the built-in curriculum.
pub fn choose(dir: &Path, explicit: bool) -> Result<CurriculumSource, MissingFolder> {
    if dir.is_dir() {
        return Ok(CurriculumSource::Folder(dir.to_path_buf()));
    }
    if explicit {
        return Err(MissingFolder {
            absolute: absolute(dir),
        });
    }
    Ok(CurriculumSource::BuiltIn)
}

/// `dir` relative to the working folder, as an absolute path (best effort: as given if the
/// working folder cannot be read).
pub fn absolute(dir: &Path) -> PathBuf {
    std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf())
}

impl fmt::Display for CurriculumSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CurriculumSource::BuiltIn => f.write_str(BUILT_IN_NAME),
            CurriculumSource::Folder(dir) => write!(f, "{}", dir.display()),
        }
    }
}

impl CurriculumSource {
    /// Where a problem in `relative` is, for a one-line message: the folder's path joined with
    /// it, or the relative name in the built-in tree.
    pub fn locate(&self, relative: &str) -> String {
        match (self, relative) {
            (CurriculumSource::Folder(dir), ".") => dir.display().to_string(),
            (CurriculumSource::Folder(dir), _) => dir.join(relative).display().to_string(),
            (CurriculumSource::BuiltIn, ".") => BUILT_IN_NAME.to_owned(),
            (CurriculumSource::BuiltIn, _) => format!("{relative} ({BUILT_IN_NAME})"),
        }
    }

    /// Subfolders (one level down) holding a `track.toml`, by name, skipping hidden ones.
    pub(super) fn track_folders(&self) -> io::Result<Vec<String>> {
        let mut folders = match self {
            CurriculumSource::BuiltIn => BUILT_IN
                .dirs()
                .filter(|d| d.get_file(d.path().join("track.toml")).is_some())
                .filter_map(|d| name_of(d.path()))
                .filter(|name| !name.starts_with('.'))
                .collect(),
            CurriculumSource::Folder(dir) => {
                let mut folders = Vec::new();
                for entry in fs::read_dir(dir)? {
                    let path = entry?.path();
                    let name = name_of(&path).unwrap_or_default();
                    if path.is_dir() && !name.starts_with('.') && path.join("track.toml").is_file()
                    {
                        folders.push(name);
                    }
                }
                folders
            }
        };
        folders.sort();
        Ok(folders)
    }

    /// The names of the files directly in `folder` (unsorted).
    pub(super) fn file_names(&self, folder: &str) -> io::Result<Vec<String>> {
        match self {
            CurriculumSource::BuiltIn => {
                let dir = BUILT_IN.get_dir(folder).ok_or_else(not_found)?;
                Ok(dir.files().filter_map(|f| name_of(f.path())).collect())
            }
            CurriculumSource::Folder(dir) => Ok(fs::read_dir(dir.join(folder))?
                .filter_map(Result::ok)
                .filter(|e| e.path().is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()),
        }
    }

    /// The text of `relative` (`/`-separated, from the curriculum's top).
    pub(super) fn read_text(&self, relative: &str) -> io::Result<String> {
        match self {
            CurriculumSource::BuiltIn => {
                let file = BUILT_IN.get_file(relative).ok_or_else(not_found)?;
                file.contents_utf8()
                    .map(str::to_owned)
                    .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "not valid UTF-8"))
            }
            CurriculumSource::Folder(dir) => fs::read_to_string(dir.join(relative)),
        }
    }

    /// Whether `relative` is a file of this curriculum (e.g. its own `lint.toml`).
    pub(super) fn has_file(&self, relative: &str) -> bool {
        match self {
            CurriculumSource::BuiltIn => BUILT_IN.get_file(relative).is_some(),
            CurriculumSource::Folder(dir) => dir.join(relative).is_file(),
        }
    }
}

/// Every file of the built-in curriculum as (relative path with `/` separators, contents),
/// sorted by path: what `allybot content export` writes.
pub fn built_in_files() -> Vec<(String, &'static [u8])> {
    let mut files = Vec::new();
    collect(&BUILT_IN, &mut files);
    files.sort();
    files
}

fn collect(dir: &'static Dir<'static>, files: &mut Vec<(String, &'static [u8])>) {
    for file in dir.files() {
        let parts: Vec<String> = file
            .path()
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        files.push((parts.join("/"), file.contents()));
    }
    for sub in dir.dirs() {
        collect(sub, files);
    }
}

fn name_of(path: &Path) -> Option<String> {
    path.file_name().map(|n| n.to_string_lossy().into_owned())
}

fn not_found() -> io::Error {
    io::Error::from(io::ErrorKind::NotFound)
}

#[cfg(test)]
mod tests;
