//! Fixtures shared by the integration tests: a small trust chain built with
//! the library, and a way to run the `certsite` binary.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use certsite_core::constants::KDF_NAME;
use certsite_core::trust::city::{City, Review};
use certsite_core::trust::envelope::Envelope;
use certsite_core::trust::keys::SecretKey;
use certsite_core::trust::statement::{
    Certificate, Institution, KeyEntry, Publisher, Revocation, ScopeEntry, Statement,
};

/// Iterations used by fixtures: the stated count must meet the privacy floor,
/// but the chain never recomputes the hashes, so fixtures need not pay for them.
pub const FIXTURE_ITERATIONS: i64 = 2_000_000;

/// The `certsite` binary built for these tests.
pub fn certsite() -> Command {
    Command::new(env!("CARGO_BIN_EXE_certsite"))
}

/// Runs a command; returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// Waits for `path` to appear, the sign that a command started with
/// `spawn` has reached the step to interrupt; polls, and gives up after
/// two minutes saying that `what` never happened.
pub fn wait_for(path: &Path, what: &str) {
    let started = std::time::Instant::now();
    while !path.exists() {
        assert!(started.elapsed().as_secs() < 120, "{what}");
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// Sends a signal to a spawned command: `-INT` is Ctrl-C, `-KILL` a kill
/// that leaves it no time to clean up.
pub fn signal(child: &std::process::Child, signal: &str) {
    let _ = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status();
}

/// The hidden folders beside `dir/name` that a write of it leaves while
/// it runs (`.name.new-<pid>`, `.name.old-<pid>`).
pub fn staging_left(dir: &Path, name: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.")))
        .collect()
}

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes `text` as UTF-8 with a BOM, as Excel's "CSV UTF-8" does.
pub fn write_utf8_bom(path: &Path, text: &str) {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    std::fs::write(path, bytes).unwrap();
}

/// Writes `text` in GBK, as Excel's plain "CSV" does on Chinese Windows.
pub fn write_gbk(path: &Path, text: &str) {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    std::fs::write(path, bytes).unwrap();
}

/// A small world: a root and two institutions of 附件9, one with a rotated key.
pub struct World {
    pub root: SecretKey,
    /// 沈阳鼓风机集团股份有限公司, key A until 2023-12-31, key B from 2024-01-01.
    pub blower_a: SecretKey,
    pub blower_b: SecretKey,
    /// 北方重工集团有限公司.
    pub heavy: SecretKey,
    /// The publisher's log key (snapshots and checkpoints).
    pub log: SecretKey,
    /// 沈阳市's review authority (city 01), from 2020-01-01.
    pub shenyang: SecretKey,
    /// 大连市's review authority (city 02).
    pub dalian: SecretKey,
}

/// The review authority of 沈阳市 as the fixtures name it.
pub const SHENYANG_AUTHORITY: &str = "沈阳市公共就业服务机构主管部门";

pub const BLOWER: &str = "Y000021013002";
pub const BLOWER_NAME: &str = "沈阳鼓风机集团股份有限公司";
pub const HEAVY: &str = "Y000021013003";
pub const HEAVY_NAME: &str = "北方重工集团有限公司";

impl World {
    pub fn new() -> World {
        World {
            root: SecretKey::from_seed([1; 32]),
            blower_a: SecretKey::from_seed([2; 32]),
            blower_b: SecretKey::from_seed([3; 32]),
            heavy: SecretKey::from_seed([4; 32]),
            log: SecretKey::from_seed([5; 32]),
            shenyang: SecretKey::from_seed([6; 32]),
            dalian: SecretKey::from_seed([7; 32]),
        }
    }

    /// 沈阳市's review authority, its key from 2020-01-01, listed on 2020-01-01.
    pub fn shenyang_city(&self) -> City {
        City {
            v: 1,
            city_code: "01".into(),
            authority: SHENYANG_AUTHORITY.into(),
            keys: vec![Self::key_entry(&self.shenyang, "2020-01-01", None)],
            reviews_from: None,
            issued_on: "2020-01-01".into(),
        }
    }

    /// 沈阳市's review of one certificate line, reviewed and signed (uploaded) on those dates.
    pub fn review_of(&self, certificate_line: &str, reviewed_on: &str, signed_on: &str) -> Review {
        let env = Envelope::parse(certificate_line).expect("a certificate envelope");
        let code = env.statement.as_object().unwrap()["code"].clone();
        let certsite_core::trust::canonical::Json::Str(code) = code else {
            panic!("a code")
        };
        use base64::Engine;
        Review {
            v: 1,
            code,
            certificate: base64::engine::general_purpose::STANDARD.encode(env.hash()),
            reviewed_on: reviewed_on.into(),
            signed_on: signed_on.into(),
        }
    }

    /// The publisher statement of a site whose log has `origin`, listing the
    /// log key from 2020-01-01.
    pub fn publisher(&self, origin: &str) -> Publisher {
        Publisher {
            v: 1,
            name: "测试发布者".into(),
            origin: origin.into(),
            keys: vec![Self::key_entry(&self.log, "2020-01-01", None)],
            issued_on: "2020-01-01".into(),
        }
    }

    /// A key entry of an institution statement.
    pub fn key_entry(key: &SecretKey, from: &str, until: Option<&str>) -> KeyEntry {
        KeyEntry::new(&key.public(), from.into(), until.map(Into::into))
    }

    /// 沈阳鼓风机: filed 2020-06-01, extended to 2029-05-31; 车工 五级-三级,
    /// 焊工 五级-二级.
    pub fn blower(&self) -> Institution {
        Institution {
            v: 1,
            filing_no: BLOWER.into(),
            name: BLOWER_NAME.into(),
            city: "沈阳市".into(),
            kind: "市属企业".into(),
            address: Some("沈阳市（示例地址）".into()),
            contact: None,
            phone: None,
            approved_on: "2020-06-01".into(),
            valid_until: "2029-05-31".into(),
            occupations: vec![
                scope("6-18-01-01", "车工", 5, 3),
                scope("6-18-02-04", "焊工", 5, 2),
            ],
            keys: vec![
                Self::key_entry(&self.blower_a, "2020-06-01", Some("2023-12-31")),
                Self::key_entry(&self.blower_b, "2024-01-01", None),
            ],
            issued_on: "2024-01-01".into(),
        }
    }

    /// 北方重工: filed 2020-07-01, never extended (valid until 2023-06-30).
    pub fn heavy(&self) -> Institution {
        Institution {
            v: 1,
            filing_no: HEAVY.into(),
            name: HEAVY_NAME.into(),
            city: "沈阳市".into(),
            kind: "市属企业".into(),
            address: None,
            contact: None,
            phone: None,
            approved_on: "2020-07-01".into(),
            valid_until: "2023-06-30".into(),
            occupations: vec![scope("6-20-01-01", "装配钳工", 5, 1)],
            keys: vec![Self::key_entry(&self.heavy, "2020-07-01", None)],
            issued_on: "2020-07-01".into(),
        }
    }
}

pub fn scope(code: &str, name: &str, lowest: i64, highest: i64) -> ScopeEntry {
    ScopeEntry {
        name: name.into(),
        subtype: None,
        code: code.into(),
        lowest_level: lowest,
        highest_level: highest,
    }
}

/// A valid certificate of 沈阳鼓风机 (车工, level from the code).
pub fn certificate(code: &str, issued_on: &str) -> Certificate {
    let level = i64::from(code.as_bytes()[15] - b'0');
    Certificate {
        v: 1,
        code: code.into(),
        institution: BLOWER_NAME.into(),
        name_masked: "**".into(),
        name_hash: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into(),
        id_type: "居民身份证".into(),
        id_masked: "****************33".into(),
        id_hash: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into(),
        kdf: KDF_NAME.into(),
        iterations: FIXTURE_ITERATIONS,
        occupation: "车工".into(),
        subtype: None,
        occupation_code: "6-18-01-01".into(),
        level,
        tier: None,
        method: None,
        issued_on: issued_on.into(),
    }
}

pub fn revocation(code: &str, on: &str) -> Revocation {
    Revocation {
        v: 1,
        code: code.into(),
        revoked_on: on.into(),
        reason: "证书信息有误".into(),
    }
}

/// One signed line.
pub fn line(statement: Statement, key: &SecretKey) -> String {
    Envelope::sign(&statement, key).to_line()
}

/// Writes lines to a dataset file.
pub fn write_lines(path: &Path, lines: &[String]) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(path, text).unwrap();
}

/// The statements of a dataset file, in order.
pub fn statements(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["statement"].clone())
        .collect()
}

/// Every file under `dir`: relative path → bytes.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Decodes a PNG back to the text of its one QR code.
pub fn decode_png(bytes: &[u8]) -> String {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    grids[0].decode().unwrap().1
}

/// Copies a folder tree (a data folder or a site) into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Builds the embedded demo (`data/`) into `dir/public`; returns the site's
/// folder.
pub fn demo_site(dir: &Path) -> PathBuf {
    let site = dir.join("public");
    let (code, stdout, err) = run(certsite()
        .args(["build", "--data"])
        .arg(repo().join("data"))
        .arg("--out")
        .arg(&site));
    assert_eq!(code, 0, "{stdout}{err}");
    site
}

/// One sheet of a workbook read back with calamine: its name, every row
/// from A1 to its last cell as text, and its merged regions as ((first row,
/// first column), (last row, last column)), in the workbook's order.
#[derive(Debug)]
pub struct SheetBack {
    pub name: String,
    pub rows: Vec<Vec<String>>,
    pub merged: Vec<((u32, u32), (u32, u32))>,
}

impl SheetBack {
    /// The rows with each cell of a merged region holding the region's value.
    pub fn filled(&self) -> Vec<Vec<String>> {
        let mut rows = self.rows.clone();
        for ((r0, c0), (r1, c1)) in &self.merged {
            let value = rows[*r0 as usize][*c0 as usize].clone();
            for row in &mut rows[*r0 as usize..=*r1 as usize] {
                for cell in &mut row[*c0 as usize..=*c1 as usize] {
                    cell.clone_from(&value);
                }
            }
        }
        rows
    }

    /// The rows without their trailing empty cells.
    pub fn trimmed(&self) -> Vec<Vec<String>> {
        self.rows.iter().cloned().map(trim_row).collect()
    }
}

/// `row` without its trailing empty cells.
pub fn trim_row(mut row: Vec<String>) -> Vec<String> {
    while row.last().is_some_and(String::is_empty) {
        row.pop();
    }
    row
}

/// Every sheet of an `.xlsx` workbook's bytes, in order; a cell that is
/// not text or a whole number fails the test.
pub fn workbook_back(bytes: &[u8]) -> Vec<SheetBack> {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let text = |d: &Data| match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        Data::Int(i) => i.to_string(),
        other => panic!("unexpected cell {other:?}"),
    };
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            assert_eq!(range.start(), Some((0, 0)), "{name} starts at A1");
            let (height, width) = range.end().map_or((0, 0), |(r, c)| (r + 1, c + 1));
            let rows = (0..height)
                .map(|r| {
                    (0..width)
                        .map(|c| range.get_value((r, c)).map(text).unwrap_or_default())
                        .collect()
                })
                .collect();
            let merged = book
                .merge_cells_by_sheet_name(&name)
                .unwrap()
                .into_iter()
                .map(|d| (d.start, d.end))
                .collect();
            SheetBack { name, rows, merged }
        })
        .collect()
}

/// A directory (附件4) of one institution, 沈阳鼓风机 with its key A, to sign
/// with the root key: writes `keys/root.*`, `keys/blower.*` and
/// `directory.csv` under `dir`; returns the root's secret key and the CSV.
pub fn directory_to_sign(dir: &Path, w: &World) -> (PathBuf, PathBuf) {
    let keys = dir.join("keys");
    std::fs::create_dir_all(&keys).unwrap();
    certsite::key_files::write_pair(&w.root, &keys.join("root"), "test root").unwrap();
    certsite::key_files::write_pair(&w.blower_a, &keys.join("blower"), BLOWER_NAME).unwrap();
    let csv = dir.join("directory.csv");
    std::fs::write(
        &csv,
        "\u{feff}序号,企业名称,详细地址,联系人,联系方式,机构备案号,职业名称,工种名称,职业编码,等级范围,备案日期,有效期至,签名公钥\n\
         1,沈阳鼓风机集团股份有限公司,,,,Y000021013002,车工,——,6-18-01-01,五级-三级,2020-06-01,2023-05-31,keys/blower.pub\n",
    )
    .unwrap();
    (keys.join("root.key"), csv)
}

/// The header row of 附件7 (企业职业技能等级认定结果汇总表), as the notice lays it out.
pub const ANNEX7_HEADER: [&str; 7] = [
    "职业（工种）名称",
    "初级工（五级）",
    "中级工（四级）",
    "高级工（三级）",
    "技师（二级）",
    "高级技师（一级）",
    "小计",
];
