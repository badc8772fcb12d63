//! What people hand in: spreadsheets (CSV in any common encoding, Excel),
//! read row by row into statements ([`roster`]), checked and signed
//! ([`sign`]).

pub(crate) mod roster;
pub(crate) mod sign;
pub(crate) mod table;
