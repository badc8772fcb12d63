//! The write step: the site goes into a fresh folder beside the output and is
//! swapped in only when complete, so a failed build leaves the published site
//! exactly as it was.

use std::path::{Path, PathBuf};

use crate::site::manifest::MANIFEST;
use crate::site::render::Files;

/// Writes the site into a fresh folder beside `out`, then swaps it in.
/// Refuses to replace a non-empty folder that is not a certsite site.
pub fn write_site(out: &Path, files: &Files) -> Result<(), String> {
    let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    if out.exists() {
        let is_site = out.join(MANIFEST).is_file();
        let is_empty = std::fs::read_dir(out)
            .map_err(|e| io(out, e))?
            .next()
            .is_none();
        if !is_site && !is_empty {
            return Err(format!(
                "{} 不是空目录，也不是 certsite 生成的站点（没有 {MANIFEST}）；拒绝覆盖",
                out.display()
            ));
        }
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| io(&parent, e))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let staging = parent.join(format!(".{name}.new-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    let written = (|| -> Result<(), String> {
        for (path, bytes) in files {
            let target = staging.join(path);
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
            }
            std::fs::write(&target, bytes).map_err(|e| io(&target, e))?;
        }
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if out.exists() {
        std::fs::rename(out, &old).map_err(|e| io(out, e))?;
        if let Err(e) = std::fs::rename(&staging, out) {
            let _ = std::fs::rename(&old, out);
            let _ = std::fs::remove_dir_all(&staging);
            return Err(io(out, e));
        }
        let _ = std::fs::remove_dir_all(&old);
    } else {
        std::fs::rename(&staging, out).map_err(|e| io(out, e))?;
    }
    Ok(())
}
