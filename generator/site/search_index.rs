//! The directory's search index for the browser: character bigrams of names
//! and occupations, posted in shards named by a hash of the bigram, plus
//! document chunks ordered by filing number. A query fetches the shards of
//! its bigrams and the chunks of its hits, a small part of the index however
//! large the directory grows.
//!
//! Files (under `s/`):
//! - `meta.json`: `{docs, chunk, gram_bits, gram_width, filings}`; `filings`
//!   holds the first filing number of each chunk, for prefix queries;
//! - `g/<hex>.json`: `{bigram: [doc ids]}` for the bigrams in that shard;
//! - `d/<n>.json`: `[[id, name, filing_no, occupations], …]`, chunk `n`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use crate::domain::text::fold_compact;
use crate::site::model::SiteModel;
use crate::site::render::Files;
use crate::site::shard::{ShardScheme, prefix32};

/// Folder of the index in the site.
pub(crate) const SEARCH_DIR: &str = "s/";
/// Documents per chunk.
pub(crate) const CHUNK: usize = 64;
/// Average posting shard size to aim for, in bytes.
pub(crate) const GRAM_TARGET_BYTES: usize = 4096;

/// Normalises text for search: NFKC, no white space, lower case. The browser
/// applies the same steps (search.js).
pub(crate) fn normalize(text: &str) -> String {
    fold_compact(text).to_lowercase()
}

/// The character bigrams of normalised text.
pub(crate) fn bigrams(text: &str) -> Vec<String> {
    let chars: Vec<char> = normalize(text).chars().collect();
    chars.windows(2).map(|w| w.iter().collect()).collect()
}

/// Builds the index files of the directory.
pub(crate) fn build(model: &SiteModel) -> Files {
    let mut docs: Vec<_> = model.institutions().collect();
    docs.sort_by(|a, b| a.filing_no.cmp(&b.filing_no));
    let mut postings: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (id, inst) in docs.iter().enumerate() {
        let texts = std::iter::once(inst.name.as_str())
            .chain(inst.occupations.iter().map(|o| o.name.as_str()))
            .chain(
                inst.occupations
                    .iter()
                    .map(|o| o.subtype.as_str())
                    .filter(|s| *s != "——"),
            );
        for text in texts {
            for gram in bigrams(text) {
                postings.entry(gram).or_default().insert(id);
            }
        }
    }
    let sized: Vec<(u32, usize)> = postings
        .iter()
        .map(|(gram, ids)| (prefix32(gram), gram.len() + 6 + ids.len() * 5))
        .collect();
    let scheme = ShardScheme::choose(&sized, GRAM_TARGET_BYTES);
    let mut shards: BTreeMap<u32, BTreeMap<&str, &BTreeSet<usize>>> = BTreeMap::new();
    for (gram, ids) in &postings {
        shards
            .entry(scheme.index(gram))
            .or_default()
            .insert(gram, ids);
    }
    let mut files = Files::new();
    for (index, grams) in shards {
        let name = scheme.name(index).replace(".jsonl", ".json");
        files.insert(
            format!("{SEARCH_DIR}g/{name}"),
            format!("{}\n", json!(grams)).into_bytes(),
        );
    }
    let mut filings = Vec::new();
    for (n, chunk) in docs.chunks(CHUNK).enumerate() {
        filings.push(chunk[0].filing_no.clone());
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
    let meta = json!({
        "docs": docs.len(),
        "chunk": CHUNK,
        "gram_bits": scheme.bits,
        "gram_width": scheme.name_width(),
        "filings": filings,
    });
    files.insert(
        format!("{SEARCH_DIR}meta.json"),
        format!("{meta}\n").into_bytes(),
    );
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bigrams_of_folded_text() {
        assert_eq!(bigrams("鼓风机"), ["鼓风", "风机"]);
        assert_eq!(bigrams(" ＡＢ c"), ["ab", "bc"]);
        assert!(bigrams("车").is_empty());
    }
}
