//! Hashing a model folder the way `model_signing` 1.1.1 serializes it.
//!
//! What the real tool does, and so what this module does:
//! - every regular file under the folder is hashed, hidden files included; empty folders add
//!   nothing; a model may also be a single file, whose manifest name is `.`;
//! - symbolic links anywhere in the tree (even inside ignored folders such as `.git`) are
//!   refused unless `allow_symlinks` is on; when on, a link to a file is hashed as the file it
//!   points to, and a link to a directory is silently skipped (Python's `Path.glob("**/*")`
//!   does not descend into it); broken links, sockets and FIFOs are errors;
//! - `ignore_paths` are relative to the folder and match by path components: `notes` ignores
//!   the file `notes` and everything under `notes/`, but not `notes.md`; the git defaults
//!   (`.git`, `.gitattributes`, `.github`, `.gitignore`) only apply at the top level;
//! - the manifest is sorted by [`crate::cmp_posix_paths`] (shards by path, then start, then
//!   end) and the container ID is SHA-256 over the concatenated raw digests in that order.

use std::cmp::Ordering;
use std::fs::{self, File};
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use crate::{ContainerId, ModelSignError, cmp_posix_paths};

/// The files `model_signing` ignores unless told `--no-ignore-git-paths`.
pub const GIT_IGNORE_PATHS: [&str; 4] = [".git", ".gitattributes", ".github", ".gitignore"];

/// Read size when streaming files into SHA-256 (the real tool reads 1 MiB chunks too).
const CHUNK_BYTES: usize = 1 << 20;

/// How files are cut into manifest items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// One item per file, named by its relative path (`model_signing`'s default, `files`).
    Files,
    /// One item per `shard_size`-byte slice of each non-empty file, named `path:start:end`
    /// (`model_signing`'s `shards`); empty files produce no item.
    Shards {
        /// Bytes per shard (the last shard of a file may be shorter).
        shard_size: u64,
    },
}

/// How to hash a model: the knobs `model_signing` records in a bundle's `serialization`.
///
/// The default matches `model_signing.hashing.hash(path)`: SHA-256 per file, symlinks
/// refused, only the git paths ignored. Note that the CLI additionally ignores the signature
/// file when it sits inside the folder; add it with [`HashConfig::ignore`] to get the same
/// container ID.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HashConfig {
    /// Files or shards.
    pub method: Method,
    /// Follow symbolic links to files instead of refusing them.
    pub allow_symlinks: bool,
    /// Paths relative to the folder whose files are left out (a folder leaves out all it holds).
    pub ignore_paths: Vec<String>,
    /// Also leave out [`GIT_IGNORE_PATHS`].
    pub ignore_git_paths: bool,
}

impl Default for HashConfig {
    fn default() -> Self {
        Self {
            method: Method::Files,
            allow_symlinks: false,
            ignore_paths: Vec::new(),
            ignore_git_paths: true,
        }
    }
}

impl HashConfig {
    /// Adds a path (relative to the model folder) to leave out, e.g. `model.sig`.
    pub fn ignore(mut self, path: impl Into<String>) -> Self {
        self.ignore_paths.push(path.into());
        self
    }
}

/// One manifest item: a file (or shard) and its SHA-256.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestEntry {
    /// The relative path with `/` separators (`path:start:end` for shards, `.` when the model
    /// is a single file), exactly as the bundle's `resources[].name` spells it.
    pub name: String,
    /// SHA-256 of the file's (or shard's) bytes.
    pub digest: [u8; 32],
}

impl ManifestEntry {
    /// The digest as lower-case hex, as the bundle records it.
    pub fn digest_hex(&self) -> String {
        hex::encode(self.digest)
    }
}

/// A hashed model: its container ID and the manifest it was computed from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelManifest {
    /// SHA-256 over the entries' digests in order.
    pub container_id: ContainerId,
    /// The entries in canonical order.
    pub entries: Vec<ManifestEntry>,
}

/// The container ID of a model folder (or single model file) with `model_signing`'s default
/// configuration: the value its bundles carry in `subject[0].digest.sha256`.
///
/// This is the model's identity in aigov's registry, so labs keep signing with the tool they
/// already use. See [`hash_model`] for the manifest and for non-default configurations.
pub fn container_id(dir: &Path) -> Result<ContainerId, ModelSignError> {
    hash_model(dir, &HashConfig::default()).map(|m| m.container_id)
}

/// Hashes a model folder (or single file) into its manifest and container ID.
///
/// Files are streamed in 1 MiB reads, so multi-gigabyte weights never sit in memory.
pub fn hash_model(dir: &Path, config: &HashConfig) -> Result<ModelManifest, ModelSignError> {
    if let Method::Shards { shard_size: 0 } = config.method {
        return Err(ModelSignError::ShardSize { got: "0".into() });
    }
    let ignores = ignore_patterns(config);
    let mut files = collect_files(dir, config.allow_symlinks)?;
    files.retain(|f| {
        !ignores
            .iter()
            .any(|pat| starts_with_components(&f.name, pat))
    });
    files.sort_by(|a, b| cmp_posix_paths(&a.name, &b.name));

    let mut buf = vec![0u8; CHUNK_BYTES];
    let mut entries = Vec::with_capacity(files.len());
    for f in &files {
        match config.method {
            Method::Files => entries.push(ManifestEntry {
                name: f.name.clone(),
                digest: hash_file(&f.path, &mut buf)?,
            }),
            Method::Shards { shard_size } => hash_shards(f, shard_size, &mut buf, &mut entries)?,
        }
    }
    Ok(ModelManifest {
        container_id: root_digest(&entries),
        entries,
    })
}

/// SHA-256 over the concatenated digests, in the order given.
pub(crate) fn root_digest(entries: &[ManifestEntry]) -> ContainerId {
    let mut h = Sha256::new();
    for e in entries {
        h.update(e.digest);
    }
    ContainerId::from_bytes(h.finalize().into())
}

/// Orders manifest names the way `model_signing` sorts its resources.
pub(crate) fn cmp_names(a: &ItemKey<'_>, b: &ItemKey<'_>) -> Ordering {
    cmp_posix_paths(a.path, b.path)
        .then(a.start.cmp(&b.start))
        .then(a.end.cmp(&b.end))
}

/// A parsed manifest name: a path, plus the byte range for shards.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ItemKey<'a> {
    pub path: &'a str,
    pub start: u64,
    pub end: u64,
}

struct FoundFile {
    /// Relative name (`.` for a single-file model).
    name: String,
    path: PathBuf,
}

/// Normalises ignore paths like `PurePosixPath` (drops empty and `.` components). Absolute
/// paths can never match a relative file name, so they are dropped.
fn ignore_patterns(config: &HashConfig) -> Vec<Vec<String>> {
    let git: &[&str] = if config.ignore_git_paths {
        &GIT_IGNORE_PATHS
    } else {
        &[]
    };
    config
        .ignore_paths
        .iter()
        .map(String::as_str)
        .chain(git.iter().copied())
        .filter(|p| !p.starts_with('/'))
        .map(|p| {
            p.split('/')
                .filter(|c| !c.is_empty() && *c != ".")
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

/// `Path.is_relative_to`, on normalised names: does `name` lie at or under `prefix`?
fn starts_with_components(name: &str, prefix: &[String]) -> bool {
    let mut parts = name.split('/').filter(|c| *c != ".");
    prefix.iter().all(|p| parts.next() == Some(p.as_str()))
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> ModelSignError + '_ {
    move |source| ModelSignError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Every regular file under `root` (or `root` itself if it is a file), with the checks the
/// real tool applies to every path it meets.
fn collect_files(root: &Path, allow_symlinks: bool) -> Result<Vec<FoundFile>, ModelSignError> {
    let lmeta = fs::symlink_metadata(root).map_err(io_err(root))?;
    if lmeta.file_type().is_symlink() && !allow_symlinks {
        return Err(ModelSignError::Symlink {
            path: root.to_path_buf(),
        });
    }
    let meta = fs::metadata(root).map_err(|_| ModelSignError::NotFileOrDir {
        path: root.to_path_buf(),
    })?;
    if meta.is_file() {
        return Ok(vec![FoundFile {
            name: ".".into(),
            path: root.to_path_buf(),
        }]);
    }
    if !meta.is_dir() {
        return Err(ModelSignError::NotFileOrDir {
            path: root.to_path_buf(),
        });
    }

    let mut files = Vec::new();
    // (directory on disk, its relative name); explicit stack, so depth cannot overflow ours.
    let mut stack = vec![(root.to_path_buf(), String::new())];
    while let Some((dir, rel)) = stack.pop() {
        for entry in fs::read_dir(&dir).map_err(io_err(&dir))? {
            let entry = entry.map_err(io_err(&dir))?;
            let path = entry.path();
            let name = entry
                .file_name()
                .into_string()
                .map_err(|_| ModelSignError::NonUtf8Path { path: path.clone() })?;
            let rel_name = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            let ft = entry.file_type().map_err(io_err(&path))?;
            if ft.is_symlink() {
                if !allow_symlinks {
                    return Err(ModelSignError::Symlink { path });
                }
                match fs::metadata(&path) {
                    Ok(m) if m.is_file() => files.push(FoundFile {
                        name: rel_name,
                        path,
                    }),
                    // Python's glob lists a link to a directory but does not descend into it,
                    // and `is_file()` is false for it: it is silently left out.
                    Ok(m) if m.is_dir() => {}
                    _ => return Err(ModelSignError::NotFileOrDir { path }),
                }
            } else if ft.is_dir() {
                stack.push((path, rel_name));
            } else if ft.is_file() {
                files.push(FoundFile {
                    name: rel_name,
                    path,
                });
            } else {
                return Err(ModelSignError::NotFileOrDir { path });
            }
        }
    }
    Ok(files)
}

fn read_some(file: &mut File, buf: &mut [u8], path: &Path) -> Result<usize, ModelSignError> {
    loop {
        match file.read(buf) {
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            r => return r.map_err(io_err(path)),
        }
    }
}

fn hash_file(path: &Path, buf: &mut [u8]) -> Result<[u8; 32], ModelSignError> {
    let mut file = File::open(path).map_err(io_err(path))?;
    let mut h = Sha256::new();
    loop {
        let n = read_some(&mut file, buf, path)?;
        if n == 0 {
            return Ok(h.finalize().into());
        }
        h.update(&buf[..n]);
    }
}

fn hash_shards(
    f: &FoundFile,
    shard_size: u64,
    buf: &mut [u8],
    out: &mut Vec<ManifestEntry>,
) -> Result<(), ModelSignError> {
    let mut file = File::open(&f.path).map_err(io_err(&f.path))?;
    let size = file.metadata().map_err(io_err(&f.path))?.len();
    let mut start = 0u64;
    while start < size {
        let end = start.saturating_add(shard_size).min(size);
        let mut h = Sha256::new();
        let mut left = end - start;
        while left > 0 {
            let want = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
            let n = read_some(&mut file, &mut buf[..want], &f.path)?;
            if n == 0 {
                return Err(ModelSignError::FileChanged {
                    path: f.path.clone(),
                });
            }
            h.update(&buf[..n]);
            left -= n as u64;
        }
        out.push(ManifestEntry {
            name: format!("{}:{start}:{end}", f.name),
            digest: h.finalize().into(),
        });
        start = end;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_matches_components_not_prefixes() {
        let pat = vec!["notes".to_string()];
        assert!(starts_with_components("notes", &pat));
        assert!(starts_with_components("notes/a/b", &pat));
        assert!(!starts_with_components("notes.md", &pat));
        assert!(!starts_with_components("sub/notes", &pat));
        assert!(starts_with_components("anything", &[]));
    }

    #[test]
    fn ignore_paths_normalise_like_pure_posix_path() {
        let cfg = HashConfig {
            ignore_paths: vec!["./a//b/".into(), "/abs".into()],
            ignore_git_paths: false,
            ..HashConfig::default()
        };
        assert_eq!(
            ignore_patterns(&cfg),
            vec![vec!["a".to_string(), "b".to_string()]]
        );
    }
}
