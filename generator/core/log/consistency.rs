//! Consistency between two sizes of the log, from its published tiles
//! alone: the subtree roots an RFC 6962 consistency proof needs are read
//! from the hash tiles of the newer size (a node of height h sits in tile
//! level h/8, hashed up h mod 8 levels inside the tile), and the proof is
//! then verified (RFC 9162), so tiles that do not agree with both roots
//! fail. The page does the same (`site-templates/js/log.js`).

use std::collections::HashMap;

use crate::log::merkle::{Hash, consistency_proof_with, node_hash, verify_consistency};
use crate::log::tiles::{TILE_WIDTH, tile_path};

/// Reads subtree roots from the hash tiles of a log of `size` entries.
pub struct TileReader<F: Fn(&str) -> Option<Vec<u8>>> {
    size: usize,
    get: F,
    cache: HashMap<String, Option<Vec<u8>>>,
}

impl<F: Fn(&str) -> Option<Vec<u8>>> TileReader<F> {
    /// `get` returns a tile's bytes by its path (`tile/0/000.p/7`).
    pub fn new(size: usize, get: F) -> Self {
        TileReader {
            size,
            get,
            cache: HashMap::new(),
        }
    }

    /// The root of the perfect subtree of height `h` starting at `start`.
    fn perfect(&mut self, start: usize, h: u32) -> Option<Hash> {
        let (level, rest) = (h / 8, h % 8);
        let first = start >> (8 * level);
        let n = first / TILE_WIDTH;
        let width = ((self.size >> (8 * level)) - n * TILE_WIDTH).min(TILE_WIDTH);
        let path = tile_path(Some(level as u8), n as u64, width);
        let get = &self.get;
        let tile = self
            .cache
            .entry(path.clone())
            .or_insert_with(|| get(&path))
            .as_ref()?;
        if tile.len() != width * 32 {
            return None;
        }
        let at = first - n * TILE_WIDTH;
        let mut nodes: Vec<Hash> = (at..at + (1 << rest))
            .map(|i| {
                tile.get(i * 32..i * 32 + 32)
                    .and_then(|b| b.try_into().ok())
            })
            .collect::<Option<_>>()?;
        while nodes.len() > 1 {
            nodes = nodes.chunks(2).map(|p| node_hash(&p[0], &p[1])).collect();
        }
        nodes.first().copied()
    }

    /// The root of the `n` leaves from `start` (start aligned as RFC 6962
    /// splits are).
    pub fn root(&mut self, start: usize, n: usize) -> Option<Hash> {
        if n.is_power_of_two() {
            return self.perfect(start, n.trailing_zeros());
        }
        let k = n.next_power_of_two() / 2;
        Some(node_hash(
            &self.root(start, k)?,
            &self.root(start + k, n - k)?,
        ))
    }
}

/// Whether the log of `new` entries with root `new_root`, read through
/// `get`, extends the log of `old` entries with root `old_root`.
pub fn extends(
    old: usize,
    old_root: &Hash,
    new: usize,
    new_root: &Hash,
    get: impl Fn(&str) -> Option<Vec<u8>>,
) -> bool {
    if old > new {
        return false;
    }
    if old == new {
        return old_root == new_root;
    }
    let mut reader = TileReader::new(new, get);
    let Some(proof) = consistency_proof_with(old, new, &mut |s, n| reader.root(s, n)) else {
        return false;
    };
    verify_consistency(old, new, old_root, new_root, &proof)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::merkle::{leaf_hash, root};
    use crate::log::tiles::tiles;

    #[test]
    fn tiles_prove_that_a_larger_log_extends_a_smaller_one() {
        let entries: Vec<Vec<u8>> = (0..70_000u32).map(|i| i.to_be_bytes().to_vec()).collect();
        let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
        let files = tiles(&entries).unwrap();
        let get = |p: &str| files.get(p).cloned();
        let new_root = root(&leaves);
        for old in [1, 2, 255, 256, 257, 1000, 65_536, 65_537, 69_999, 70_000] {
            let old_root = root(&leaves[..old]);
            assert!(extends(old, &old_root, 70_000, &new_root, get), "{old}");
            // Another history of the same size does not.
            let forked = leaf_hash(b"fork");
            assert!(!extends(
                old,
                &node_hash(&old_root, &forked),
                70_000,
                &new_root,
                get
            ));
        }
        assert!(!extends(70_001, &new_root, 70_000, &new_root, get));
        // A tile that lies about a node fails the proof.
        let mut bad = files.clone();
        bad.get_mut("tile/1/000").unwrap()[40] ^= 1;
        let get_bad = |p: &str| bad.get(p).cloned();
        assert!(!extends(
            1000,
            &root(&leaves[..1000]),
            70_000,
            &new_root,
            get_bad
        ));
    }
}
