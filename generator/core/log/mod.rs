//! The formats of the append-only log (C2SP tlog-tiles, so that existing
//! transparency-log tools read it) and of the snapshot's trees: RFC 6962
//! hashing and proofs ([`merkle`]), hash tiles and entry bundles
//! ([`tiles`]), the checkpoint as a signed note ([`note`]), witness
//! cosignatures ([`cosignature`]), the snapshot's keyed trees
//! ([`keyed_tree`]) and consistency proven from published tiles
//! ([`consistency`]).

pub mod consistency;
pub mod cosignature;
pub mod keyed_tree;
pub mod merkle;
pub mod note;
pub mod tiles;
