//! Format magic in one place: statement types, schema versions, hash and key
//! parameters, file names. Changing any of these changes what verifiers accept.

/// Version of the statement schema, carried as `"v"` in every statement.
pub const STATEMENT_VERSION: i64 = 1;

/// The only key-derivation function statements may name.
pub const KDF_NAME: &str = "PBKDF2-SHA256";
/// Iterations certsite uses when signing. `docs/privacy.md` gives
/// the cost calculation behind this figure.
pub const DEFAULT_ITERATIONS: u32 = 2_000_000;
/// Below this a statement is refused by `sign` and `verify` unless the caller
/// lowers the floor explicitly (tests and benchmarks only).
pub const MIN_ITERATIONS: u32 = 1_000_000;
/// Length of the derived hash in bytes.
pub const HASH_LEN: usize = 32;
/// Salt prefixes; the certificate code follows each, so no two records share a salt.
pub const NAME_SALT_PREFIX: &str = "certsite:name:";
/// Salt prefix of the ID-number hash.
pub const ID_SALT_PREFIX: &str = "certsite:id:";

/// Hex characters of SHA-256(public key) that form a key id.
pub const KID_HEX_LEN: usize = 16;

/// Suffix of a secret key file written by `keygen`.
pub const SECRET_KEY_SUFFIX: &str = "key";
/// Suffix of a public key file written by `keygen`.
pub const PUBLIC_KEY_SUFFIX: &str = "pub";

/// A filing is valid this many years from approval unless stated otherwise (资质有效期3年).
pub const FILING_VALIDITY_YEARS: i16 = 3;

/// Provincial code (GB/T 2260) every code must carry: 辽宁省.
pub const PROVINCE_CODE: u8 = 21;
/// Province name shown with [`PROVINCE_CODE`].
pub const PROVINCE_NAME: &str = "辽宁省";

/// The most entries a snapshot's log may hold (rule `log-size`): far above
/// any province's, and exact in a page's arithmetic.
pub const MAX_LOG_SIZE: i64 = 1 << 40;
