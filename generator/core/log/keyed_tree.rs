//! The trees of a snapshot: a perfect Merkle tree over 2^bits buckets, each
//! bucket a list of files (name and SHA-256), stored as small tiles so that
//! a visitor fetches, in parallel and once the code is known, the few tiles
//! on its bucket's path, and a build that changes k buckets rewrites only
//! the k·(levels) tiles above them.
//!
//! - A bucket's **record** is its entries in name order, each
//!   `u8 name length ‖ name (UTF-8) ‖ 32-byte SHA-256 of the file`; an empty
//!   bucket has the empty record. Its leaf hash is SHA-256(0x00 ‖ record),
//!   interior nodes SHA-256(0x01 ‖ left ‖ right) (RFC 6962 hashing).
//! - Tile heights are listed bottom first. The **level-0 tile** `t` of height
//!   h holds the records of buckets t·2^h … (t+1)·2^h − 1, each prefixed with
//!   its length as a big-endian u16 (a visitor needs the records, not only
//!   the hashes, to find its file). A **level-k tile** holds the 2^h hashes
//!   of the nodes at the height the tiles below reach.
//! - The nodes above the last tile (fewer than 64) are the **top**, carried by
//!   the signed snapshot itself.

use sha2::{Digest, Sha256};

use crate::log::merkle::{Hash, leaf_hash, node_hash};

/// The usual tile height: 64 hashes, 2 KB.
pub const TILE_HEIGHT: u32 = 6;
/// The level-0 tile height of the institution tree: its records hold two
/// files per institution, so a smaller tile keeps a lookup small.
pub const ISSUER_TILE_HEIGHT: u32 = 4;
/// Most bits of a tree.
pub const MAX_BITS: u32 = 24;

/// One file of a bucket.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileEntry {
    /// The file's name (empty for a certificate shard: its place names it).
    pub name: String,
    /// SHA-256 of its bytes.
    pub hash: Hash,
}

impl FileEntry {
    /// The entry of a file's bytes.
    #[cfg(test)]
    pub fn of(name: &str, bytes: &[u8]) -> FileEntry {
        FileEntry {
            name: name.to_string(),
            hash: file_hash(bytes),
        }
    }
}

/// The hash a record lists for a file: SHA-256 of its bytes.
pub fn file_hash(bytes: &[u8]) -> Hash {
    Sha256::digest(bytes).into()
}

/// The bucket of a key: the leading `bits` bits of SHA-256(key), as the
/// certificate shards are chosen.
pub(crate) fn bucket_of(key: &str, bits: u32) -> u32 {
    let d = Sha256::digest(key.as_bytes());
    let top = u32::from_be_bytes([d[0], d[1], d[2], d[3]]);
    if bits == 0 { 0 } else { top >> (32 - bits) }
}

/// The tile heights for a tree of `bits`: the first tile `first` high (or
/// less), then [`TILE_HEIGHT`] while a whole tile fits; the rest is the top.
pub(crate) fn heights(bits: u32, first: u32) -> Vec<u32> {
    let mut out = vec![first.min(bits)];
    let mut used = out[0];
    while bits - used >= TILE_HEIGHT {
        out.push(TILE_HEIGHT);
        used += TILE_HEIGHT;
    }
    out
}

/// A bucket's record (entries sorted by name). Names are at most 255 bytes.
pub fn record(entries: &[FileEntry]) -> Vec<u8> {
    let mut sorted: Vec<&FileEntry> = entries.iter().collect();
    sorted.sort();
    let mut out = Vec::with_capacity(entries.len() * 48);
    for e in sorted {
        let name = e.name.as_bytes();
        out.push(u8::try_from(name.len()).expect("file names are short"));
        out.extend_from_slice(name);
        out.extend_from_slice(&e.hash);
    }
    out
}

/// The root of a perfect subtree over `nodes` (a power of two of them).
fn subtree_root(nodes: &[Hash]) -> Hash {
    let mut level = nodes.to_vec();
    while level.len() > 1 {
        level = level.chunks(2).map(|p| node_hash(&p[0], &p[1])).collect();
    }
    level[0]
}

/// A keyed tree, built: its tiles and its top.
#[derive(Clone, Debug)]
pub struct KeyedTree {
    /// 2^bits buckets.
    pub bits: u32,
    /// Tile heights, bottom first.
    pub heights: Vec<u32>,
    /// `(level, index, bytes)` of every tile.
    pub tiles: Vec<(usize, u32, Vec<u8>)>,
    /// The nodes above the last tile.
    pub top: Vec<Hash>,
}

impl KeyedTree {
    /// Builds the tree over `records` (2^bits of them, see [`record`]).
    pub fn build(records: &[Vec<u8>], bits: u32, heights: &[u32]) -> KeyedTree {
        assert_eq!(records.len(), 1usize << bits, "one record per bucket");
        let mut tiles = Vec::new();
        let h0 = 1usize << heights[0];
        for (t, chunk) in records.chunks(h0).enumerate() {
            let mut bytes = Vec::new();
            for r in chunk {
                let len = u16::try_from(r.len()).expect("a bucket record fits 64 KB");
                bytes.extend_from_slice(&len.to_be_bytes());
                bytes.extend_from_slice(r);
            }
            tiles.push((0, t as u32, bytes));
        }
        let mut nodes: Vec<Hash> = records.iter().map(|r| leaf_hash(r)).collect();
        for (level, &h) in heights.iter().enumerate() {
            if level > 0 {
                for (t, chunk) in nodes.chunks(1 << h).enumerate() {
                    tiles.push((level, t as u32, chunk.concat()));
                }
            }
            nodes = nodes.chunks(1 << h).map(subtree_root).collect();
        }
        KeyedTree {
            bits,
            heights: heights.to_vec(),
            tiles,
            top: nodes,
        }
    }
}

/// The tiles on a bucket's path, bottom first: `(level, index)`.
pub fn path(heights: &[u32], bucket: u32) -> Vec<(usize, u32)> {
    let mut reach = 0;
    heights
        .iter()
        .enumerate()
        .map(|(level, h)| {
            reach += h;
            (level, bucket >> reach)
        })
        .collect()
}

/// Why a file is not the one a snapshot commits to.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Mismatch {
    /// A tile is not well formed or does not lead to the signed top.
    #[error("第 {0} 层证明块与签名快照不符")]
    Tile(usize),
    /// The file differs from the one the snapshot lists (or is absent, or
    /// present where the snapshot lists none).
    #[error("与签名快照不符：内容被删改、过旧或来自另一次构建")]
    File(String),
}

/// The hashes of a tile of height `h` at level ≥ 1, or None if malformed.
fn hashes(bytes: &[u8], h: u32) -> Option<Vec<Hash>> {
    (bytes.len() == 32 << h).then(|| {
        bytes
            .chunks(32)
            .map(|c| c.try_into().expect("32 bytes"))
            .collect()
    })
}

/// The records of a level-0 tile of height `h`, or None if malformed.
fn records(bytes: &[u8], h: u32) -> Option<Vec<&[u8]>> {
    let mut out = Vec::with_capacity(1 << h);
    let mut rest = bytes;
    while !rest.is_empty() {
        let (len, tail) = rest.split_first_chunk::<2>()?;
        let len = usize::from(u16::from_be_bytes(*len));
        let (r, tail) = (tail.get(..len)?, &tail[len..]);
        out.push(r);
        rest = tail;
    }
    (out.len() == 1 << h).then_some(out)
}

/// The entries of a record, or None if malformed: cut short, or names not
/// strictly ascending (so no name is listed twice).
fn entries(mut record: &[u8]) -> Option<Vec<(&[u8], &[u8])>> {
    let mut out: Vec<(&[u8], &[u8])> = Vec::new();
    while let Some((&len, tail)) = record.split_first() {
        let name = tail.get(..usize::from(len))?;
        let hash = tail.get(usize::from(len)..usize::from(len) + 32)?;
        if out.last().is_some_and(|(previous, _)| *previous >= name) {
            return None;
        }
        out.push((name, hash));
        record = &tail[usize::from(len) + 32..];
    }
    Some(out)
}

/// The file names a record lists.
pub fn names(record: &[u8]) -> Vec<String> {
    entries(record)
        .unwrap_or_default()
        .iter()
        .map(|(n, _)| String::from_utf8_lossy(n).into_owned())
        .collect()
}

/// The record of `bucket` as a level-0 tile of height `h` lists it.
pub fn record_in_tile(tile: &[u8], h: u32, bucket: u32) -> Option<Vec<u8>> {
    records(tile, h).map(|r| r[(bucket & ((1 << h) - 1)) as usize].to_vec())
}

/// Whether the tiles on a bucket's path lead to the signed `top`.
pub fn leads_to_top(heights: &[u32], top: &[Hash], bucket: u32, tiles: &[&[u8]]) -> bool {
    proven_records(heights, top, bucket, tiles).is_ok()
}

/// The records of the level-0 tile on a bucket's path, if the tiles
/// (bottom first, [`path`] order) lead to the signed `top`.
fn proven_records<'t>(
    heights: &[u32],
    top: &[Hash],
    bucket: u32,
    tiles: &[&'t [u8]],
) -> Result<Vec<&'t [u8]>, Mismatch> {
    if tiles.len() != heights.len() {
        return Err(Mismatch::Tile(tiles.len().min(heights.len())));
    }
    let recs = records(tiles[0], heights[0]).ok_or(Mismatch::Tile(0))?;
    let leaves: Vec<Hash> = recs.iter().map(|r| leaf_hash(r)).collect();
    let mut node = subtree_root(&leaves);
    let mut position = bucket >> heights[0];
    for (level, (&h, tile)) in heights.iter().zip(tiles).enumerate().skip(1) {
        let hs = hashes(tile, h).ok_or(Mismatch::Tile(level))?;
        if hs[(position & ((1 << h) - 1)) as usize] != node {
            return Err(Mismatch::Tile(level - 1));
        }
        node = subtree_root(&hs);
        position >>= h;
    }
    match top.get(position as usize) {
        Some(t) if *t == node => Ok(recs),
        _ => Err(Mismatch::Tile(heights.len() - 1)),
    }
}

/// Checks that `file` (None when the host has none) is what the tree with
/// this `top` lists under `name` in `bucket`, reading the tiles on its
/// path ([`path`]), bottom first.
pub(crate) fn check_file(
    heights: &[u32],
    top: &[Hash],
    bucket: u32,
    tiles: &[&[u8]],
    name: &str,
    file: Option<&[u8]>,
) -> Result<(), Mismatch> {
    let recs = proven_records(heights, top, bucket, tiles)?;
    let own = recs[(bucket & ((1 << heights[0]) - 1)) as usize];
    let listed = entries(own).ok_or(Mismatch::Tile(0))?;
    let listed = listed.iter().find(|(n, _)| *n == name.as_bytes());
    let actual = file.map(file_hash);
    if listed.map(|(_, h)| h.to_vec()) != actual.map(|h| h.to_vec()) {
        return Err(Mismatch::File(name.to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(bits: u32, first: u32) -> (Vec<Vec<u8>>, KeyedTree) {
        let records: Vec<Vec<u8>> = (0..1u32 << bits)
            .map(|i| record(&[FileEntry::of(&format!("{i}"), &i.to_be_bytes())]))
            .collect();
        let heights = heights(bits, first);
        let t = KeyedTree::build(&records, bits, &heights);
        (records, t)
    }

    fn tiles_for(t: &KeyedTree, bucket: u32) -> Vec<&[u8]> {
        path(&t.heights, bucket)
            .iter()
            .map(|(l, i)| {
                let (_, _, b) = t.tiles.iter().find(|(a, b, _)| a == l && b == i).unwrap();
                b.as_slice()
            })
            .collect()
    }

    #[test]
    fn heights_leave_a_top_of_fewer_than_64_nodes() {
        assert_eq!(heights(21, 6), vec![6, 6, 6]);
        assert_eq!(heights(10, 6), vec![6]);
        assert_eq!(heights(0, 6), vec![0]);
        assert_eq!(heights(13, 4), vec![4, 6]);
        for bits in 0..=MAX_BITS {
            let (_, t) = tree(bits.min(14), 6);
            assert!(t.top.len() < 64, "{bits}");
        }
    }

    #[test]
    fn every_file_checks_against_its_path_and_nothing_else_does() {
        for (bits, first) in [(0, 6), (3, 6), (9, 4), (13, 6)] {
            let (_, t) = tree(bits, first);
            for bucket in [0, (1 << bits) - 1, (1 << bits) / 3] {
                let tiles = tiles_for(&t, bucket);
                let name = format!("{bucket}");
                let ok = check_file(
                    &t.heights,
                    &t.top,
                    bucket,
                    &tiles,
                    &name,
                    Some(&bucket.to_be_bytes()),
                );
                assert_eq!(ok, Ok(()), "{bits} {bucket}");
                let edited = check_file(&t.heights, &t.top, bucket, &tiles, &name, Some(b"x"));
                assert_eq!(edited, Err(Mismatch::File(name.clone())));
                let absent = check_file(&t.heights, &t.top, bucket, &tiles, &name, None);
                assert_eq!(absent, Err(Mismatch::File(name.clone())));
                // A tile edited anywhere on the path no longer leads to the top.
                for level in 0..tiles.len() {
                    let mut changed: Vec<Vec<u8>> = tiles.iter().map(|t| t.to_vec()).collect();
                    let last = changed[level].len() - 1;
                    changed[level][last] ^= 1;
                    let refs: Vec<&[u8]> = changed.iter().map(Vec::as_slice).collect();
                    assert!(
                        check_file(
                            &t.heights,
                            &t.top,
                            bucket,
                            &refs,
                            &name,
                            Some(&bucket.to_be_bytes())
                        )
                        .is_err()
                    );
                }
            }
        }
    }

    #[test]
    fn one_changed_bucket_changes_one_tile_per_level() {
        let (mut records, before) = tree(13, 6);
        records[777] = record(&[FileEntry::of("777", b"changed")]);
        let after = KeyedTree::build(&records, 13, &before.heights);
        let changed = before
            .tiles
            .iter()
            .zip(&after.tiles)
            .filter(|(a, b)| a != b)
            .count();
        assert_eq!(changed, before.heights.len());
        assert_ne!(before.top, after.top);
    }

    #[test]
    fn a_file_absent_from_its_bucket_checks_as_absent() {
        let records = vec![record(&[]), record(&[FileEntry::of("a.jsonl", b"a")])];
        let t = KeyedTree::build(&records, 1, &heights(1, 6));
        let tiles = tiles_for(&t, 0);
        assert_eq!(
            check_file(&t.heights, &t.top, 0, &tiles, "a.jsonl", None),
            Ok(())
        );
        assert!(check_file(&t.heights, &t.top, 0, &tiles, "a.jsonl", Some(b"a")).is_err());
        assert_eq!(
            check_file(&t.heights, &t.top, 1, &tiles, "a.jsonl", Some(b"a")),
            Ok(())
        );
    }
}
