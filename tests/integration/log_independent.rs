//! The demo site's log checked by code this project did not write: the
//! checkpoint's signature by `signed_note`, the tree by `tlog_tiles`
//! (Cloudflare's ports of Go's `sumdb/note` and `sumdb/tlog`). Beside the
//! Python check (`log_tiles.rs`), a second independent reading of the
//! format, in Rust.
//!
//! `tlog_tiles` 0.2 names tiles as Go's sumdb does (`tile/8/0/000`,
//! `tile/8/data/000`); the C2SP layout drops the height, fixed at 8, and
//! calls data tiles `entries` (`tile/0/000`, `tile/entries/000`), so
//! [`c2sp_path`] maps one to the other. It does not read entry bundles
//! either: [`entries`] splits them (a big-endian u16 length, then the entry).
//!
//! Its `TileHashReader` serves the proofs but is not relied on to have
//! checked the tiles below those of the root. In 0.2.0, as in the Go code
//! it ports, the loop that checks tiles against their parents starts at
//! `stx.len()`, the number of subtrees of the root, while the list it walks
//! holds only the distinct tiles of those subtrees before the tiles below.
//! The demo log's root is ten subtrees in two tiles, so `tile/0/000` is
//! never checked: a changed leaf hash in it comes back as it is. A changed
//! tile is caught here by `check_record` against the signed root and by
//! comparing every tile with the one `tlog_tiles` makes from the entries.

use std::collections::BTreeMap;
use std::path::Path;

use signed_note::{Note, StandardVerifier, VerifierList};
use tlog_tiles::{
    Checkpoint, Error, Hash, HashReader, Tile, TileHashReader, TileReader, check_record,
    prove_record, record_hash, stored_hashes, tree_hash,
};

use crate::support::*;

/// C2SP tiles are 2^8 hashes wide.
const HEIGHT: u8 = 8;

/// The site's path of a tile, from `tlog_tiles`'s sumdb-style path.
fn c2sp_path(tile: &Tile) -> String {
    let sumdb = tile.path();
    let rest = sumdb
        .strip_prefix(&format!("tile/{HEIGHT}/"))
        .expect("tlog_tiles paths start with tile/<height>/");
    match rest.strip_prefix("data/") {
        Some(n) => format!("tile/entries/{n}"),
        None => format!("tile/{rest}"),
    }
}

/// The files of a site's `log/` folder, as tiles.
struct Files(BTreeMap<String, Vec<u8>>);

impl Files {
    fn tile(&self, tile: &Tile) -> Result<&[u8], Error> {
        let path = c2sp_path(tile);
        self.0
            .get(&path)
            .map(Vec::as_slice)
            .ok_or(Error::InvalidTile)
    }
}

impl TileReader for Files {
    fn height(&self) -> u8 {
        HEIGHT
    }

    fn read_tiles(&self, tiles: &[Tile]) -> Result<Vec<Vec<u8>>, Error> {
        tiles
            .iter()
            .map(|t| self.tile(t).map(<[u8]>::to_vec))
            .collect()
    }

    fn save_tiles(&self, _tiles: &[Tile], _data: &[Vec<u8>]) {}
}

/// Hashes read from the tiles of a tree of `size` entries as they are, not
/// checked against any root: what recomputes the root from the tiles. The
/// root needs only the tiles of its subtrees (here `tile/1/000.p/11` and
/// `tile/0/011.p/254`); [`check_log`] compares the others with the entries.
struct Unchecked<'a> {
    files: &'a Files,
    size: u64,
}

impl HashReader for Unchecked<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, Error> {
        indexes
            .iter()
            .map(|&index| {
                // The widest tile holding the hash in a tree of this size:
                // the one published, full or `.p/<W>`.
                let tile = Tile::from_index(HEIGHT, index)
                    .parent(0, self.size)
                    .ok_or(Error::IndexesNotInTree)?;
                tile.hash_at_index(self.files.tile(&tile)?, index)
            })
            .collect()
    }
}

/// The entries of a log of `size`, from its entry bundles.
fn entries(files: &Files, size: u64) -> Result<Vec<Vec<u8>>, String> {
    let mut out = Vec::new();
    for n in 0..size.div_ceil(256) {
        let width = (size - n * 256).min(256) as u32;
        let tile = Tile::new(HEIGHT, 0, n, width, true);
        let path = c2sp_path(&tile);
        let mut bundle = files.tile(&tile).map_err(|e| format!("{path}: {e}"))?;
        let mut count = 0;
        while let [a, b, rest @ ..] = bundle {
            let len = usize::from(u16::from_be_bytes([*a, *b]));
            let entry = rest.get(..len).ok_or(format!("{path}: entry cut short"))?;
            out.push(entry.to_vec());
            bundle = &rest[len..];
            count += 1;
        }
        if !bundle.is_empty() || count != width {
            return Err(format!("{path}: {count} entries, expected {width}"));
        }
    }
    Ok(out)
}

/// Every hash of the tree, in `tlog_tiles`'s stored order: the tree as it
/// builds it from the entries.
struct Stored(Vec<Hash>);

impl HashReader for Stored {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, Error> {
        indexes
            .iter()
            .map(|&i| {
                self.0
                    .get(i as usize)
                    .copied()
                    .ok_or(Error::IndexesNotInTree)
            })
            .collect()
    }
}

/// The tree of `entries`, appended one by one as a log writer would.
fn stored(entries: &[Vec<u8>]) -> Result<Stored, Error> {
    let mut store = Stored(Vec::new());
    for (n, entry) in entries.iter().enumerate() {
        let hashes = stored_hashes(n as u64, entry, &store)?;
        store.0.extend(hashes);
    }
    Ok(store)
}

/// Every hash tile the site publishes (of its size and, if any, of earlier
/// sizes), by its path, as `tlog_tiles` reads the path.
fn hash_tiles(files: &Files) -> Result<BTreeMap<&str, Tile>, String> {
    files
        .0
        .keys()
        .filter(|p| p.starts_with("tile/") && !p.starts_with("tile/entries/"))
        .map(|p| {
            let sumdb = p.replacen("tile/", &format!("tile/{HEIGHT}/"), 1);
            let tile = Tile::from_path(&sumdb).map_err(|e| format!("{p}: {e}"))?;
            Ok((p.as_str(), tile))
        })
        .collect()
}

/// The checkpoint's size and root, once `signed_note` has verified its
/// signature by `vkey`.
fn checkpoint(files: &Files, vkey: &str) -> Result<(u64, Hash), String> {
    let text = files.0.get("checkpoint").ok_or("no checkpoint")?;
    let note = Note::from_bytes(text).map_err(|e| format!("checkpoint: {e}"))?;
    let verifier = StandardVerifier::new(vkey).map_err(|e| format!("{vkey}: {e}"))?;
    note.verify(&VerifierList::new(vec![Box::new(verifier)]))
        .map_err(|e| format!("checkpoint: {e}"))?;
    let checkpoint = Checkpoint::from_bytes(note.text()).map_err(|e| format!("checkpoint: {e}"))?;
    if Some(checkpoint.origin()) != vkey.split('+').next() {
        return Err(format!("checkpoint: origin {}", checkpoint.origin()));
    }
    Ok((checkpoint.size(), *checkpoint.hash()))
}

/// Checks a site's `log/` folder with `signed_note` and `tlog_tiles` only:
/// the checkpoint signed by `vkey`; its root recomputed from the hash tiles
/// and from the entries; every hash tile the one the entries make, none
/// missing; every entry proved. Returns the log's size, or what is wrong.
fn check_log(files: &Files, vkey: &str) -> Result<u64, String> {
    let (size, root) = checkpoint(files, vkey)?;
    let unchecked = Unchecked { files, size };
    let from_tiles = tree_hash(size, &unchecked).map_err(|e| format!("hash tiles: {e}"))?;
    if from_tiles != root {
        return Err("the hash tiles' root is not the checkpoint's".into());
    }
    let entries = entries(files, size)?;
    let store = stored(&entries).map_err(|e| e.to_string())?;
    if tree_hash(size, &store).map_err(|e| e.to_string())? != root {
        return Err("the entries' root is not the checkpoint's".into());
    }
    let published = hash_tiles(files)?;
    for tile in Tile::new_tiles(HEIGHT, 0, size) {
        if !published.contains_key(c2sp_path(&tile).as_str()) {
            return Err(format!("{} is missing", c2sp_path(&tile)));
        }
    }
    for (path, tile) in &published {
        if tile.read_data(&store).map_err(|e| e.to_string())? != files.0[*path] {
            return Err(format!("{path} is not the tile of the entries"));
        }
    }
    let checked = TileHashReader::new(size, root, files);
    for (n, entry) in entries.iter().enumerate() {
        let n = n as u64;
        prove_record(size, n, &checked)
            .and_then(|proof| check_record(&proof, size, root, n, record_hash(entry)))
            .map_err(|e| format!("entry {n}: {e}"))?;
    }
    Ok(size)
}

/// The demo log's verifier key as `docs/demo-data.md` publishes it.
fn published_vkey() -> String {
    let doc = std::fs::read_to_string(repo().join("docs/demo-data.md")).unwrap();
    let at = doc
        .find("`certsite.example/log+")
        .expect("the docs print the key");
    doc[at + 1..].split('`').next().unwrap().to_string()
}

/// The published key is the demo's log key, and the trust page shows the
/// same key, origin and fingerprint.
fn check_published_vkey(vkey: &str, site: &Path) {
    let text = std::fs::read_to_string(repo().join("data/demo-keys/log.pub")).unwrap();
    let key =
        certsite_core::trust::keys::PublicKey::from_base64(text.lines().last().unwrap()).unwrap();
    let origin = vkey.split('+').next().unwrap();
    assert_eq!(certsite_core::log::note::vkey(origin, &key), vkey);
    let trust = std::fs::read_to_string(site.join("trust/index.html")).unwrap();
    assert!(
        trust.contains(&format!("<code>{}</code>", origin.replace('/', "&#x2f;"))),
        "the trust page names the origin {origin}"
    );
    assert!(
        trust.contains(&key.fingerprint()),
        "the trust page shows the log key's fingerprint"
    );
    assert!(
        trust.contains(&format!(
            "<code class=\"key\">{}</code>",
            vkey.replace('/', "&#x2f;")
        )),
        "the trust page shows the verifier key {vkey}"
    );
}

#[test]
fn the_demo_log_checks_with_tlog_tiles_and_signed_note() {
    let dir = tempfile::tempdir().unwrap();
    let site = demo_site(dir.path());
    let vkey = published_vkey();
    check_published_vkey(&vkey, &site);
    let files = Files(tree(&site.join("log")));
    // 1 publisher statement, 173 institution statements, 14 city statements, 3000 certificates, 2988 reviews, 10 revocations.
    assert_eq!(check_log(&files, &vkey), Ok(6186));
}

#[test]
fn tlog_tiles_and_signed_note_refuse_a_changed_log() {
    let dir = tempfile::tempdir().unwrap();
    let files = Files(tree(&demo_site(dir.path()).join("log")));
    let vkey = published_vkey();
    let other = certsite_core::trust::keys::SecretKey::from_seed([7; 32]).public();
    let wrong = certsite_core::log::note::vkey("certsite.example/log", &other);
    assert_eq!(
        check_log(&files, &wrong),
        Err("checkpoint: note has no verifiable signatures".into())
    );
    let changed = |path: &str, at: usize| {
        let mut files = Files(files.0.clone());
        files.0.get_mut(path).unwrap()[at] ^= 1;
        check_log(&files, &vkey)
    };
    for (path, at, problem) in [
        (
            "tile/1/000.p/24",
            5,
            "the hash tiles' root is not the checkpoint's",
        ),
        // Leaf 0's hash: not on entry 0's own proof, nor checked against
        // the parent tile by TileHashReader (see the module's doc).
        ("tile/0/000", 5, "tile/0/000 is not the tile of the entries"),
        (
            "tile/entries/000",
            10,
            "the entries' root is not the checkpoint's",
        ),
    ] {
        assert_eq!(changed(path, at), Err(problem.into()), "{path}");
    }
    let mut missing = Files(files.0.clone());
    missing.0.remove("tile/0/005");
    assert_eq!(
        check_log(&missing, &vkey),
        Err("tile/0/005 is missing".into())
    );
}
