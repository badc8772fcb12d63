//! The append-only log of published statements in the C2SP tlog-tiles
//! layout, so that existing transparency-log tools can read it: RFC 6962
//! hashing ([`merkle`]), hash tiles and entry bundles ([`tiles`]), and the
//! checkpoint as a signed note ([`note`]).

pub(crate) mod audit;
pub(crate) mod commands;
pub(crate) mod consistency;
pub(crate) mod keyed_tree;
pub mod merkle;
pub mod note;
pub(crate) mod state;
pub mod tiles;
pub mod witness;
