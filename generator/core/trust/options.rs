//! What a judgment depends on besides the statements themselves.

use jiff::civil::Date;

/// Today and the privacy floor: the same statements may pass on one day
/// and fail on another (a date in the future), or under a higher floor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Today, as a civil date in China: nothing may be dated later.
    pub today: Date,
    /// Privacy floor for the PBKDF2 iteration count of certificates.
    pub min_iterations: u32,
}
