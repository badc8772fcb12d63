//! Certificate shards: every certificate lives in the shard named by the top
//! bits of SHA-256 of its code, so a visitor fetches one small file and the
//! host learns only which of many shards was asked for.
//!
//! A shard is JSON Lines: each certificate's envelope exactly as signed,
//! followed by the envelope of its revocation when it has one, sorted by code.
//! Every shard exists, empty or not, so a missing file means a broken site,
//! never "not found".

use sha2::{Digest, Sha256};

/// Most bits a shard prefix may have (16 million shards).
pub const MAX_BITS: u8 = 24;

/// The leading 32 bits of SHA-256 of a code (UTF-8), big-endian.
pub fn prefix32(code: &str) -> u32 {
    let digest = Sha256::digest(code.as_bytes());
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// How much larger than the target the largest shard may be. The largest
/// of 2^bits shards is a Poisson tail: with a record of about 0.9 KB (a
/// certificate of about 615 bytes and its review of about 305) a bound of
/// twice the target cost one or two more bits than the average needs (up to
/// four times the files); at three times (12 KB) a shard gzips to about
/// 5 KB (the demo's largest, 9.2 KB, to 4.0 KB).
pub const LARGEST_PER_TARGET: usize = 3;

/// The shard parameters a browser needs (also in the manifest).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShardScheme {
    /// Leading bits of SHA-256(code) that pick the shard.
    pub bits: u8,
}

impl ShardScheme {
    /// The fewest bits that bring the average shard to `target_bytes` or
    /// less and the largest to [`LARGEST_PER_TARGET`] times that, given each
    /// record's size and the leading 32 bits of its code's hash
    /// ([`prefix32`]).
    pub fn choose(records: &[(u32, usize)], target_bytes: usize) -> ShardScheme {
        let total: usize = records.iter().map(|(_, size)| size).sum();
        let mut bits = 0u8;
        while bits < MAX_BITS {
            let scheme = ShardScheme { bits };
            if total.div_ceil(1 << bits) <= target_bytes
                && scheme.largest(records) <= LARGEST_PER_TARGET * target_bytes
            {
                break;
            }
            bits += 1;
        }
        ShardScheme { bits }
    }

    /// Size of the largest shard under this scheme.
    pub fn largest(&self, records: &[(u32, usize)]) -> usize {
        let mut sizes = vec![0usize; self.count() as usize];
        for (prefix, size) in records {
            sizes[self.index_of_prefix(*prefix) as usize] += size;
        }
        sizes.into_iter().max().unwrap_or(0)
    }

    fn index_of_prefix(&self, prefix: u32) -> u32 {
        if self.bits == 0 {
            0
        } else {
            prefix >> (32 - u32::from(self.bits))
        }
    }

    /// Number of shards.
    pub fn count(&self) -> u32 {
        1 << self.bits
    }

    /// Hex digits in a shard's name.
    pub fn name_width(&self) -> usize {
        usize::from(self.bits.div_ceil(4)).max(1)
    }

    /// The shard index of a code: the top `bits` bits of SHA-256(UTF-8 code).
    pub fn index(&self, code: &str) -> u32 {
        self.index_of_prefix(prefix32(code))
    }

    /// The shard's file name (without the `c/` folder): lower-case hex of
    /// the index, [`ShardScheme::name_width`] digits, then `.jsonl`.
    pub fn name(&self, index: u32) -> String {
        format!("{index:0width$x}.jsonl", width = self.name_width())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(n: usize, size: usize) -> Vec<(u32, usize)> {
        (0..n)
            .map(|i| (prefix32(&format!("Y000021013002243{i:06}")), size))
            .collect()
    }

    #[test]
    fn shard_count_follows_the_data() {
        assert_eq!(ShardScheme::choose(&[], 4096).bits, 0);
        assert_eq!(ShardScheme::choose(&records(4, 1000), 4096).bits, 0);
        let most = LARGEST_PER_TARGET * 4096;
        for n in [10, 3000, 50_000] {
            let recs = records(n, 1100);
            let s = ShardScheme::choose(&recs, 4096);
            let avg = n * 1100 / s.count() as usize;
            assert!(avg <= 4096, "{n}: average {avg}");
            assert!(
                s.largest(&recs) <= most,
                "{n}: largest {}",
                s.largest(&recs)
            );
            // One bit fewer would break a bound: the count follows the data.
            let fewer = ShardScheme { bits: s.bits - 1 };
            assert!(n * 1100 / fewer.count() as usize > 4096 || fewer.largest(&recs) > most);
        }
    }

    #[test]
    fn index_is_the_top_bits_of_sha256_of_the_code() {
        // SHA-256("Y000021013002243000001") starts with these bytes.
        let code = "Y000021013002243000001";
        let d = Sha256::digest(code.as_bytes());
        assert_eq!(prefix32(code).to_be_bytes(), [d[0], d[1], d[2], d[3]]);
        let s = ShardScheme { bits: 10 };
        let expect = (u32::from(d[0]) << 2) | (u32::from(d[1]) >> 6);
        assert_eq!(s.index(code), expect);
        assert_eq!(s.name(5), "005.jsonl");
        assert_eq!(ShardScheme { bits: 0 }.name(0), "0.jsonl");
        assert_eq!(ShardScheme { bits: 12 }.name(4095), "fff.jsonl");
        assert_eq!(ShardScheme { bits: 13 }.name(8191), "1fff.jsonl");
    }
}
