//! What people hand in: spreadsheets (CSV in any common encoding, Excel),
//! read row by row into statements ([`roster`]), checked and signed
//! ([`sign`]); and the city's review of an enterprise's signed certificates,
//! with its decisions table ([`review`]).

pub(crate) mod review;
pub(crate) mod roster;
pub(crate) mod sign;
pub(crate) mod table;
