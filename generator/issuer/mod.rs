//! What an issuing enterprise prints and files, never published on the
//! site: QR codes for its certificates ([`qr`]), the certificates themselves
//! in the layout of 附件6 ([`print`]), and the monthly summary of 附件7
//! ([`report`]).

pub mod print;
pub mod qr;
pub mod report;
