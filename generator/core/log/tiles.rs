//! The C2SP tlog-tiles layout: hash tiles of height 8 (256 hashes of 32
//! bytes) at `tile/<L>/<N>`, entry bundles at `tile/entries/<N>`, partial
//! tiles as `.p/<W>`, and `<N>` in 3-digit groups, every group but the last
//! prefixed with `x` (1234067 → `x001/x234/067`).

use std::collections::BTreeMap;

use crate::log::merkle::{Hash, leaf_hash, root};

/// Hashes in a full tile (height 8).
pub const TILE_WIDTH: usize = 256;

/// Why an entry cannot be logged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TileError {
    /// Entry bundles prefix each entry with a 16-bit length.
    #[error("日志条目 {index} 长 {len} 字节，超过 65535 字节的上限")]
    EntryTooLong {
        /// Its index in the log.
        index: usize,
        /// Its length.
        len: usize,
    },
}

/// The tile index `n` as path elements: `x001/x234/067`.
pub fn index_path(n: u64) -> String {
    let mut groups = vec![format!("{:03}", n % 1000)];
    let mut rest = n / 1000;
    while rest > 0 {
        groups.push(format!("x{:03}", rest % 1000));
        rest /= 1000;
    }
    groups.reverse();
    groups.join("/")
}

/// The path of tile `n` at `level` (`None` for entry bundles), `width`
/// hashes wide: `.p/<W>` unless it is full.
pub fn tile_path(level: Option<u8>, n: u64, width: usize) -> String {
    let level = level.map_or_else(|| "entries".to_string(), |l| l.to_string());
    let partial = if width < TILE_WIDTH {
        format!(".p/{width}")
    } else {
        String::new()
    };
    format!("tile/{level}/{}{partial}", index_path(n))
}

/// The entries of an entry bundle (big-endian u16 length, then the
/// entry), or None if it is cut short.
pub fn bundle_entries(mut bytes: &[u8]) -> Option<Vec<&[u8]>> {
    let mut out = Vec::new();
    while let Some((len, tail)) = bytes.split_first_chunk::<2>() {
        let len = usize::from(u16::from_be_bytes(*len));
        out.push(tail.get(..len)?);
        bytes = &tail[len..];
    }
    bytes.is_empty().then_some(out)
}

/// Every tile and entry bundle of the log of `entries` at its full size:
/// path → bytes. Full tiles never change once written; the rightmost tile
/// of each level is partial.
pub fn tiles(entries: &[Vec<u8>]) -> Result<BTreeMap<String, Vec<u8>>, TileError> {
    let refs: Vec<&[u8]> = entries.iter().map(Vec::as_slice).collect();
    let leaves: Vec<Hash> = refs.iter().map(|e| leaf_hash(e)).collect();
    tiles_since(&refs, &leaves, 0)
}

/// The tiles and bundles of the log of `entries` (with their `leaves`
/// hashes) that a log of `since` entries did not have yet: the partial
/// tiles of the new size and every tile completed since. Earlier files never
/// change, so a build writes only these.
pub fn tiles_since(
    entries: &[&[u8]],
    leaves: &[Hash],
    since: usize,
) -> Result<BTreeMap<String, Vec<u8>>, TileError> {
    let mut files = BTreeMap::new();
    for (index, e) in entries.iter().enumerate().skip(since) {
        if e.len() > usize::from(u16::MAX) {
            return Err(TileError::EntryTooLong {
                index,
                len: e.len(),
            });
        }
    }
    let first = since / TILE_WIDTH;
    for (n, chunk) in entries.chunks(TILE_WIDTH).enumerate().skip(first) {
        let mut bundle = Vec::new();
        for e in chunk {
            bundle.extend((e.len() as u16).to_be_bytes());
            bundle.extend(*e);
        }
        files.insert(tile_path(None, n as u64, chunk.len()), bundle);
    }
    let mut level: Vec<Hash> = leaves.to_vec();
    let mut first = since / TILE_WIDTH;
    for l in 0u8.. {
        if level.is_empty() {
            break;
        }
        for (n, chunk) in level.chunks(TILE_WIDTH).enumerate().skip(first) {
            files.insert(tile_path(Some(l), n as u64, chunk.len()), chunk.concat());
        }
        first /= TILE_WIDTH;
        // The level above holds the roots of the full tiles only.
        level = level.chunks_exact(TILE_WIDTH).map(root).collect();
    }
    Ok(files)
}

/// The inverse of [`tile_path`]: `tile/0/x001/234.p/17` → (Some(0), 1234,
/// 17), entry bundles with `None`; `None` for any path not written
/// canonically in the layout.
pub fn parse_tile_path(rel: &str) -> Option<(Option<u8>, u64, usize)> {
    let rest = rel.strip_prefix("tile/")?;
    let (level, rest) = rest.split_once('/')?;
    let level = if level == "entries" {
        None
    } else {
        Some(level.parse().ok()?)
    };
    let (index, width) = match rest.split_once(".p/") {
        Some((i, w)) => (i, w.parse().ok().filter(|w| (1..TILE_WIDTH).contains(w))?),
        None => (rest, TILE_WIDTH),
    };
    let groups: Vec<&str> = index.split('/').collect();
    let (last, lead) = groups.split_last()?;
    let mut n: u64 = 0;
    for g in lead {
        let g = g.strip_prefix('x').filter(|g| g.len() == 3)?;
        n = n * 1000 + g.parse::<u64>().ok()?;
    }
    (last.len() == 3).then_some(())?;
    let n = n * 1000 + last.parse::<u64>().ok()?;
    // Written canonically, as the specification does.
    (tile_path(level, n, width) == rel).then_some((level, n, width))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_indexes_are_written_in_groups_of_three() {
        for (n, path) in [
            (0, "000"),
            (67, "067"),
            (999, "999"),
            (1000, "x001/000"),
            (1234, "x001/234"),
            (1_234_067, "x001/x234/067"),
        ] {
            assert_eq!(index_path(n), path);
        }
        assert_eq!(tile_path(Some(0), 1234, 256), "tile/0/x001/234");
        assert_eq!(tile_path(Some(1), 0, 17), "tile/1/000.p/17");
        assert_eq!(tile_path(None, 3, 5), "tile/entries/003.p/5");
    }

    #[test]
    fn the_tiles_of_70000_entries_are_those_of_the_specification() {
        let entries: Vec<Vec<u8>> = (0..70_000u32).map(|i| i.to_be_bytes().to_vec()).collect();
        let files = tiles(&entries).unwrap();
        let count = |prefix: &str| files.keys().filter(|p| p.starts_with(prefix)).count();
        // 273 full level-0 tiles and one .p/112; one full level-1 tile and
        // .p/17; level 2 .p/1.
        assert_eq!(count("tile/0/"), 274);
        assert!(files.contains_key("tile/0/273.p/112"));
        assert!(files.contains_key("tile/1/000"));
        assert!(files.contains_key("tile/1/001.p/17"));
        assert!(files.contains_key("tile/2/000.p/1"));
        assert_eq!(count("tile/2/"), 1);
        assert_eq!(count("tile/3/"), 0);
        assert_eq!(files["tile/0/000"].len(), 256 * 32);
        assert_eq!(count("tile/entries/"), 274);
        // A level-1 hash is the root of the full level-0 tile below it.
        let tile0: Vec<Hash> = files["tile/0/000"]
            .chunks(32)
            .map(|c| c.try_into().unwrap())
            .collect();
        assert_eq!(&files["tile/1/000"][..32], &root(&tile0));
    }

    #[test]
    fn a_partial_tile_is_a_prefix_of_the_later_full_one() {
        let entries: Vec<Vec<u8>> = (0..300u32).map(|i| i.to_be_bytes().to_vec()).collect();
        let small = tiles(&entries[..100]).unwrap();
        let large = tiles(&entries).unwrap();
        assert!(large["tile/0/000"].starts_with(&small["tile/0/000.p/100"]));
        assert_eq!(small["tile/entries/000.p/100"][..2], [0, 4]);
        assert!(tiles(&[vec![0; 65_536]]).is_err());
    }

    #[test]
    fn tiles_since_an_earlier_size_are_the_ones_that_changed() {
        let entries: Vec<Vec<u8>> = (0..70_000u32).map(|i| i.to_be_bytes().to_vec()).collect();
        let all = tiles(&entries).unwrap();
        let before = tiles(&entries[..66_000]).unwrap();
        let refs: Vec<&[u8]> = entries.iter().map(Vec::as_slice).collect();
        let leaves: Vec<Hash> = refs.iter().map(|e| leaf_hash(e)).collect();
        let since = tiles_since(&refs, &leaves, 66_000).unwrap();
        // Every file of the new size that the old size did not have, and
        // otherwise only files the old size had with the same bytes.
        for (path, bytes) in &all {
            match before.get(path) {
                None => assert_eq!(since.get(path), Some(bytes), "{path}"),
                Some(old) => assert_eq!(old, bytes, "{path}"),
            }
        }
        for (path, bytes) in &since {
            assert_eq!(all.get(path), Some(bytes), "{path}");
        }
    }

    #[test]
    fn tile_paths_are_read_only_in_their_canonical_form() {
        assert_eq!(
            parse_tile_path("tile/0/x001/234.p/17"),
            Some((Some(0), 1234, 17))
        );
        assert_eq!(parse_tile_path("tile/entries/000"), Some((None, 0, 256)));
        assert_eq!(parse_tile_path("tile/2/000.p/1"), Some((Some(2), 0, 1)));
        for bad in [
            "tile/0/1234",
            "tile/0/x000/001",
            "tile/0/000.p/256",
            "tile/0/000.p/0",
            "tile/0/00a",
            "snap/0/0",
        ] {
            assert_eq!(parse_tile_path(bad), None, "{bad}");
        }
    }
}
