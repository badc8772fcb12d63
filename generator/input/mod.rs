//! What people hand in: spreadsheets (CSV in any common encoding, Excel),
//! read row by row into statements ([`roster`]), checked and signed
//! ([`sign`]).

pub mod roster;
pub mod sign;
pub mod table;
