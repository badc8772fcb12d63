//! The directory's search index for the browser. Every character pair of a
//! name, occupation or work type, and every single character of a name, is
//! posted with where it occurs, so the browser finds exact substrings,
//! counts every match and ranks them without downloading the institutions
//! it does not show. Filing numbers are searched in one sorted list.
//!
//! Files (under `s/`):
//! - `meta.json`: `{docs, chunk, gram_bits, gram_width}`;
//! - `g/<hex>.json`: `{gram: [occurrence, …]}` for the grams whose hash
//!   picks that shard; every shard is written, empty or not;
//! - `f.json`: every filing number, in document order (filing order);
//! - `d/<n>.json`: `[[id, name, filing_no, occupations], …]`, chunk `n`.
//!
//! An occurrence is one integer, `((id·256 + name length)·256 + field)·256 +
//! offset`: field 0 is the name, fields 1… its occupations and work types;
//! the offset counts characters. Lengths, fields and offsets past 255 are
//! not indexed. The browser (search.js) decodes the same way.

use std::collections::BTreeMap;

use serde_json::json;

use crate::site::model::{InstitutionView, SiteModel};
use certsite_core::domain::text::fold_compact;
use certsite_core::site_format::Files;
use certsite_core::site_format::shard::{ShardScheme, prefix32};
use certsite_core::site_format::{META_FILE, SEARCH_DIR};

/// Documents per chunk: a page of results fetches at most one chunk each.
pub(crate) const CHUNK: usize = 16;
/// Average posting shard size to aim for, in bytes.
pub(crate) const GRAM_TARGET_BYTES: usize = 4096;
/// Largest name length, field number and offset an occurrence holds.
const MAX_POS: usize = 255;

/// Normalises text for search: NFKC, no white space, lower case. The browser
/// applies the same steps (search.js).
pub(crate) fn normalize(text: &str) -> String {
    fold_compact(text).to_lowercase()
}

/// One occurrence as the browser decodes it.
fn occurrence(id: usize, name_len: usize, field: usize, offset: usize) -> u64 {
    (((id as u64 * 256 + name_len as u64) * 256 + field as u64) * 256) + offset as u64
}

/// The searchable texts of an institution: its name, then each occupation
/// and work type.
fn fields(inst: &InstitutionView) -> Vec<&str> {
    std::iter::once(inst.name.as_str())
        .chain(inst.occupations.iter().flat_map(|o| {
            std::iter::once(o.name.as_str())
                .chain((o.subtype != "——").then_some(o.subtype.as_str()))
        }))
        .collect()
}

/// Posting lists: gram → occurrences, ascending.
fn postings(docs: &[&InstitutionView]) -> BTreeMap<String, Vec<u64>> {
    let mut out: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for (id, inst) in docs.iter().enumerate() {
        let name_len = normalize(&inst.name).chars().count().min(MAX_POS);
        for (field, text) in fields(inst).into_iter().enumerate().take(MAX_POS + 1) {
            let chars: Vec<char> = normalize(text).chars().take(MAX_POS + 1).collect();
            let mut post = |gram: String, offset: usize| {
                out.entry(gram)
                    .or_default()
                    .push(occurrence(id, name_len, field, offset));
            };
            for (offset, pair) in chars.windows(2).enumerate() {
                post(pair.iter().collect(), offset);
            }
            if field == 0 {
                for (offset, c) in chars.iter().enumerate() {
                    post(c.to_string(), offset);
                }
            }
        }
    }
    out
}

/// Builds the index files of the directory.
pub(crate) fn build(model: &SiteModel) -> Files {
    let mut docs: Vec<_> = model.institutions().collect();
    docs.sort_by(|a, b| a.filing_no.cmp(&b.filing_no));
    let postings = postings(&docs);
    // A gram shared by most names outgrows any shard: counted here at the
    // target size, it has a shard to itself without forcing millions of
    // shards for the others. Small shards keep a precise query small.
    let sized: Vec<(u32, usize)> = postings
        .iter()
        .map(|(gram, occ)| {
            let size = gram.len() + 6 + occ.len() * 14;
            (prefix32(gram), size.min(GRAM_TARGET_BYTES))
        })
        .collect();
    let scheme = ShardScheme::choose(&sized, GRAM_TARGET_BYTES);
    let mut shards: BTreeMap<u32, BTreeMap<&str, &Vec<u64>>> =
        (0..scheme.count()).map(|i| (i, BTreeMap::new())).collect();
    for (gram, occ) in &postings {
        shards
            .entry(scheme.index(gram))
            .or_default()
            .insert(gram, occ);
    }
    let mut files = Files::new();
    for (index, grams) in shards {
        let name = scheme.name(index).replace(".jsonl", ".json");
        files.insert(
            format!("{SEARCH_DIR}g/{name}"),
            format!("{}\n", json!(grams)).into_bytes(),
        );
    }
    for (n, chunk) in docs.chunks(CHUNK).enumerate() {
        let rows: Vec<_> = chunk
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let occupations: Vec<String> = d
                    .occupations
                    .iter()
                    .map(|o| {
                        if o.subtype == "——" {
                            o.name.clone()
                        } else {
                            format!("{}（{}）", o.name, o.subtype)
                        }
                    })
                    .collect();
                json!([n * CHUNK + i, d.name, d.filing_no, occupations.join("、")])
            })
            .collect();
        files.insert(
            format!("{SEARCH_DIR}d/{n}.json"),
            format!("{}\n", json!(rows)).into_bytes(),
        );
    }
    let filings: Vec<&str> = docs.iter().map(|d| d.filing_no.as_str()).collect();
    files.insert(
        format!("{SEARCH_DIR}f.json"),
        format!("{}\n", json!(filings)).into_bytes(),
    );
    let meta = json!({
        "docs": docs.len(),
        "chunk": CHUNK,
        "gram_bits": scheme.bits,
        "gram_width": scheme.name_width(),
    });
    files.insert(
        format!("{SEARCH_DIR}{META_FILE}"),
        format!("{meta}\n").into_bytes(),
    );
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_folded_before_they_are_posted() {
        assert_eq!(normalize(" ＡＢ c"), "abc");
    }

    #[test]
    fn an_occurrence_packs_document_name_length_field_and_offset() {
        let o = occurrence(10_000, 12, 3, 7);
        assert_eq!(o >> 24, 10_000);
        assert_eq!((o >> 16) & 255, 12);
        assert_eq!((o >> 8) & 255, 3);
        assert_eq!(o & 255, 7);
        // The browser reads these as doubles: exact up to 2^53.
        assert!(occurrence(1 << 28, MAX_POS, MAX_POS, MAX_POS) < 1 << 53);
    }
}
