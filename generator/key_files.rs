//! Key files on disk: reading `.pub` and `.key` files (their text is
//! `certsite_core::trust::keys`'), making a new key from the operating
//! system's random source, and writing a pair that never overwrites a key.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use certsite_core::constants::{PUBLIC_KEY_SUFFIX, SECRET_KEY_SUFFIX};
use certsite_core::trust::keys::{KeyFormatError, KeyRole, KeyTextError, PublicKey, SecretKey};

use crate::error::{FsAction, FsContext, FsError};

/// Why a key could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file could not be read or written.
    #[error(transparent)]
    Fs(#[from] FsError),
    /// A key file is already there: keys are never overwritten.
    #[error("{}：已存在，拒绝覆盖密钥文件", .0.display())]
    Exists(PathBuf),
    /// The file's key line is not base64 of 32 bytes, or not a valid point.
    #[error("{}: {problem}", path.display())]
    Format {
        /// The key file.
        path: PathBuf,
        /// What is wrong with its key line.
        problem: KeyFormatError,
    },
    /// A public key file where a secret key is needed, or the reverse.
    #[error("{}: {}", path.display(), role.mismatch())]
    WrongRole {
        /// The key file.
        path: PathBuf,
        /// What the command needed.
        role: KeyRole,
    },
    /// A label that would break the key file's header line.
    #[error("密钥标签“{}”含有换行或控制字符：标签写在密钥文件的注释行里，只能是一行文字", .0.escape_debug())]
    BadLabel(String),
    /// The operating system has no random source to make a key from.
    #[error("无法从操作系统取得随机数：{0}")]
    NoRandomness(String),
}

impl KeyError {
    fn of_text(path: &Path, e: KeyTextError) -> KeyError {
        let path = path.to_path_buf();
        match e {
            KeyTextError::Format(problem) => KeyError::Format { path, problem },
            KeyTextError::WrongRole(role) => KeyError::WrongRole { path, role },
        }
    }
}

fn read_text(path: &Path) -> Result<(String, Option<&str>), KeyError> {
    let text = fs::read_to_string(path).fs(FsAction::Read, path)?;
    Ok((text, path.extension().and_then(|e| e.to_str())))
}

/// Reads a `.pub` file: its last non-empty line is the key.
pub fn read_public(path: &Path) -> Result<PublicKey, KeyError> {
    let (text, suffix) = read_text(path)?;
    PublicKey::from_file_text(&text, suffix).map_err(|e| KeyError::of_text(path, e))
}

/// Reads a `.key` file.
pub fn read_secret(path: &Path) -> Result<SecretKey, KeyError> {
    let (text, suffix) = read_text(path)?;
    SecretKey::from_file_text(&text, suffix).map_err(|e| KeyError::of_text(path, e))
}

/// A new key from the operating system's random source.
pub fn generate() -> Result<SecretKey, KeyError> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| KeyError::NoRandomness(e.to_string()))?;
    Ok(SecretKey::from_seed(seed))
}

/// The two paths `keygen --out PREFIX` writes.
pub(crate) fn key_paths(prefix: &Path) -> (PathBuf, PathBuf) {
    // `keys/a.key` names the pair `keys/a`, not `keys/a.key.key`.
    let bare;
    let prefix = match prefix.extension().and_then(|e| e.to_str()) {
        Some(SECRET_KEY_SUFFIX | PUBLIC_KEY_SUFFIX) => {
            bare = prefix.with_extension("");
            bare.as_path()
        }
        _ => prefix,
    };
    let with = |suffix: &str| {
        let mut s = prefix.as_os_str().to_owned();
        s.push(".");
        s.push(suffix);
        PathBuf::from(s)
    };
    (with(SECRET_KEY_SUFFIX), with(PUBLIC_KEY_SUFFIX))
}

/// Writes `text` to a new file readable by its owner only; refuses to
/// overwrite, so an existing key is never lost.
pub(crate) fn write_secret_file(path: &Path, text: &str) -> Result<(), KeyError> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).fs(FsAction::Write, path)?;
    let written = f.write_all(text.as_bytes()).and_then(|_| f.sync_all());
    if written.is_err() {
        // Created here (create_new): a partial key file is never left.
        drop(f);
        let _ = fs::remove_file(path);
    }
    written.fs(FsAction::Write, path)?;
    Ok(())
}

/// Writes a new key pair at `PREFIX.key` and `PREFIX.pub`; refuses if either exists.
pub fn write_pair(
    key: &SecretKey,
    prefix: &Path,
    label: &str,
) -> Result<(PathBuf, PathBuf), KeyError> {
    if label.chars().any(char::is_control) {
        return Err(KeyError::BadLabel(label.to_string()));
    }
    let (secret_path, public_path) = key_paths(prefix);
    for p in [&secret_path, &public_path] {
        if p.exists() {
            return Err(KeyError::Exists(p.clone()));
        }
    }
    write_secret_file(&secret_path, &key.file_text(label))?;
    // Both files or neither (a full disk after the secret key's).
    fs::write(&public_path, key.public().file_text(label))
        .fs(FsAction::Write, &public_path)
        .inspect_err(|_| {
            let _ = fs::remove_file(&public_path);
            let _ = fs::remove_file(&secret_path);
        })?;
    Ok((secret_path, public_path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_files_round_trip_with_private_permissions() {
        let dir = tempfile::tempdir().unwrap();
        let prefix = dir.path().join("root");
        let key = generate().unwrap();
        let (secret_path, public_path) = write_pair(&key, &prefix, "test").unwrap();
        assert_eq!(secret_path, dir.path().join("root.key"));
        let read_back = read_secret(&secret_path).unwrap();
        assert_eq!(read_back.public(), key.public());
        assert_eq!(read_public(&public_path).unwrap(), key.public());
        // The .pub file's last line is the bare base64 key.
        let text = fs::read_to_string(&public_path).unwrap();
        assert_eq!(text.lines().last().unwrap(), key.public().to_base64());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&secret_path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Never overwrite a key.
        assert!(write_pair(&generate().unwrap(), &prefix, "again").is_err());
        assert_eq!(read_secret(&secret_path).unwrap().public(), key.public());
    }
}
