//! RFC 6962 / RFC 9162 Merkle tree hashing: leaves are SHA-256(0x00 ‖ entry),
//! interior nodes SHA-256(0x01 ‖ left ‖ right), the empty tree SHA-256("").
//! The tree of n leaves splits at k, the largest power of two below n.

use sha2::{Digest, Sha256};

/// A 32-byte SHA-256 hash.
pub type Hash = [u8; 32];

/// The hash of a leaf (an entry of the log).
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    h.finalize().into()
}

/// The hash of an interior node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The largest power of two strictly below `n` (n ≥ 2).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// MTH of a list of leaf hashes.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => empty_root(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// The audit path of leaf `index` in the tree of `leaves` (RFC 6962 PATH).
pub fn inclusion_proof(index: usize, leaves: &[Hash]) -> Vec<Hash> {
    let n = leaves.len();
    if n <= 1 {
        return Vec::new();
    }
    let k = split(n);
    if index < k {
        let mut p = inclusion_proof(index, &leaves[..k]);
        p.push(root(&leaves[k..]));
        p
    } else {
        let mut p = inclusion_proof(index - k, &leaves[k..]);
        p.push(root(&leaves[..k]));
        p
    }
}

/// Verifies an audit path (RFC 9162 section 2.1.3.2).
pub fn verify_inclusion(
    index: usize,
    size: usize,
    leaf: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> bool {
    if index >= size {
        return false;
    }
    let (mut fnode, mut snode) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if snode == 0 {
            return false;
        }
        if fnode % 2 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode % 2 == 0 {
                while fnode % 2 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    snode == 0 && r == *root
}

/// The consistency proof between the trees of the first `old` leaves and
/// of all `leaves` (RFC 6962 PROOF, section 2.1.2).
pub fn consistency_proof(old: usize, leaves: &[Hash]) -> Vec<Hash> {
    consistency_proof_with(old, leaves.len(), &mut |start, n| {
        Some(root(&leaves[start..start + n]))
    })
    .expect("every range of the leaves has a root")
}

/// The same proof from any source of subtree roots: `node(start, n)` is
/// the root of the `n` leaves from `start` (None when it cannot be had).
pub fn consistency_proof_with(
    old: usize,
    new: usize,
    node: &mut impl FnMut(usize, usize) -> Option<Hash>,
) -> Option<Vec<Hash>> {
    fn sub(
        m: usize,
        (start, n): (usize, usize),
        complete: bool,
        node: &mut impl FnMut(usize, usize) -> Option<Hash>,
    ) -> Option<Vec<Hash>> {
        if m == n {
            return Some(if complete {
                Vec::new()
            } else {
                vec![node(start, n)?]
            });
        }
        let k = split(n);
        let mut p;
        if m <= k {
            p = sub(m, (start, k), complete, node)?;
            p.push(node(start + k, n - k)?);
        } else {
            p = sub(m - k, (start + k, n - k), false, node)?;
            p.push(node(start, k)?);
        }
        Some(p)
    }
    if old == 0 || old >= new {
        return Some(Vec::new());
    }
    sub(old, (0, new), true, node)
}

/// Whether `proof` shows that the tree of `m` leaves with root `old` is a
/// prefix of the tree of `n` leaves with root `new` (RFC 9162 2.1.4.2).
pub fn verify_consistency(m: usize, n: usize, old: &Hash, new: &Hash, proof: &[Hash]) -> bool {
    if m == 0 || m > n {
        return false;
    }
    if m == n {
        return proof.is_empty() && old == new;
    }
    let mut proof = proof.to_vec();
    if m.is_power_of_two() {
        proof.insert(0, *old);
    }
    let Some(&first) = proof.first() else {
        return false;
    };
    let (mut fnode, mut snode) = (m - 1, n - 1);
    while fnode % 2 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let (mut fr, mut sr) = (first, first);
    for c in &proof[1..] {
        if snode == 0 {
            return false;
        }
        if fnode % 2 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fnode % 2 == 0 && fnode != 0 {
                fnode >>= 1;
                snode >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    fr == *old && sr == *new && snode == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| leaf_hash(format!("entry {i}").as_bytes()))
            .collect()
    }

    #[test]
    fn the_empty_tree_hashes_the_empty_string() {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD.encode(empty_root());
        assert_eq!(b64, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    }

    #[test]
    fn every_audit_path_verifies_and_a_wrong_one_does_not() {
        for n in [1, 2, 3, 5, 8, 13, 70] {
            let l = leaves(n);
            let r = root(&l);
            for i in 0..n {
                let p = inclusion_proof(i, &l);
                assert!(verify_inclusion(i, n, &l[i], &p, &r), "{i} of {n}");
                if n > 1 {
                    assert!(!verify_inclusion(i, n, &l[(i + 1) % n], &p, &r));
                }
            }
        }
    }

    #[test]
    fn consistency_proofs_rebuild_both_roots() {
        let l = leaves(70);
        for n in 1..=70 {
            for m in 1..=n {
                let p = consistency_proof(m, &l[..n]);
                assert!(
                    verify_consistency(m, n, &root(&l[..m]), &root(&l[..n]), &p),
                    "{m} → {n}"
                );
                if m < n && m > 1 {
                    assert!(!verify_consistency(
                        m,
                        n,
                        &root(&l[1..=m]),
                        &root(&l[..n]),
                        &p
                    ));
                }
            }
        }
    }
}
