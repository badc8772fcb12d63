//! The city's review through the binary: the root signs the cities from a
//! spreadsheet (`sign` of cities.csv, every refusal named by file, line and
//! column), and `certsite review` verifies an enterprise's dataset, signs a
//! review of what its city passed, returns the rest with why, and never
//! signs twice nor writes over its input.

use std::fs;
use std::path::PathBuf;

use certsite::key_files::write_pair;
use certsite_core::trust::keys::SecretKey;
use certsite_core::trust::statement::Statement;

use crate::support::*;

/// The day every command here takes as today.
const TODAY: &str = "2024-07-15";

/// 沈阳鼓风机's certificates, issued 2024-06-30 with key B.
const CODES: [&str; 4] = [
    "Y000021013002243000001",
    "Y000021013002243000002",
    "Y000021013002243000003",
    "Y000021013002243000004",
];

/// A deployment: keys on disk, a data folder with the root, the directory
/// and the cities (沈阳 01, 大连 02), and the enterprise's signed dataset
/// outside it.
struct Deployment {
    dir: tempfile::TempDir,
    world: World,
}

impl Deployment {
    fn new() -> Deployment {
        let d = Deployment::without_cities();
        let w = &d.world;
        let dalian = certsite_core::trust::city::City {
            city_code: "02".into(),
            authority: "大连市公共就业服务机构主管部门".into(),
            keys: vec![World::key_entry(&w.dalian, "2020-01-01", None)],
            ..w.shenyang_city()
        };
        write_lines(
            &d.path("data/cities/cities.jsonl"),
            &[
                line(Statement::City(w.shenyang_city()), &w.root),
                line(Statement::City(dalian), &w.root),
            ],
        );
        d
    }

    fn without_cities() -> Deployment {
        let dir = tempfile::tempdir().unwrap();
        let world = World::new();
        let keys = dir.path().join("keys");
        fs::create_dir_all(&keys).unwrap();
        for (key, name) in [
            (&world.root, "root"),
            (&world.blower_b, "blower"),
            (&world.shenyang, "city-01"),
            (&world.dalian, "city-02"),
        ] {
            write_pair(key, &keys.join(name), name).unwrap();
        }
        let d = Deployment { dir, world };
        fs::create_dir_all(d.path("data")).unwrap();
        fs::copy(d.path("keys/root.pub"), d.path("data/root.pub")).unwrap();
        write_lines(
            &d.path("data/directory/directory.jsonl"),
            &[line(
                Statement::Institution(d.world.blower()),
                &d.world.root,
            )],
        );
        let lines: Vec<String> = CODES.iter().map(|c| d.certificate_line(c)).collect();
        write_lines(&d.path("enterprise/blower.jsonl"), &lines);
        d
    }

    fn certificate_line(&self, code: &str) -> String {
        line(
            Statement::Certificate(certificate(code, "2024-06-30")),
            &self.world.blower_b,
        )
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn rel(&self, text: &str) -> String {
        text.replace(&format!("{}/", self.dir.path().display()), "")
    }

    /// `certsite review` with the given key (`keys/KEY.key`), from the
    /// enterprise's dataset into `data/reviews/01.jsonl` on [`TODAY`],
    /// unless `extra` says otherwise.
    fn review(&self, key: &str, extra: &[&str]) -> (i32, String, String) {
        let mut cmd = certsite();
        cmd.current_dir(self.dir.path()).args([
            "review",
            "--key",
            &format!("keys/{key}.key"),
            "--input",
            "enterprise/blower.jsonl",
            "--data",
            "data",
        ]);
        if !extra.contains(&"--today") {
            cmd.args(["--today", TODAY]);
        }
        if !extra.contains(&"--out") {
            cmd.args(["--out", "data/reviews/01.jsonl"]);
        }
        cmd.args(extra);
        run(&mut cmd)
    }

    /// `certsite verify` of the data folder and the enterprise's dataset.
    fn verify(&self) -> (i32, String, String) {
        run(certsite().current_dir(self.dir.path()).args([
            "verify",
            "--root",
            "data/root.pub",
            "data",
            "enterprise/blower.jsonl",
            "--today",
            TODAY,
        ]))
    }

    /// The returned list's rows, without the BOM and the header.
    fn returned(&self, path: &str) -> Vec<String> {
        let text = fs::read_to_string(self.path(path)).unwrap();
        assert!(text.starts_with('\u{feff}'), "BOM so Excel reads UTF-8");
        let mut lines = text.trim_start_matches('\u{feff}').lines();
        assert_eq!(lines.next(), Some("文件,行号,证书编号,原因"));
        lines.map(str::to_string).collect()
    }
}

#[test]
fn review_signs_what_verifies_and_verify_then_shows_it_reviewed() {
    let d = Deployment::new();
    let (code, out, err) = d.verify();
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("4 份签名有效：0 份已经所在市审核，4 份尚未审核"),
        "{out}"
    );
    let (code, out, err) = d.review("city-01", &["--reviewed-on", "2024-06-20"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("审核机构  沈阳市公共就业服务机构主管部门（市代码 01")
            && out.contains("已审核并签名 4 份 → data/reviews/01.jsonl")
            && out.contains("全部审核。"),
        "{out}"
    );
    let written = fs::read_to_string(d.path("data/reviews/01.jsonl")).unwrap();
    assert_eq!(written.lines().count(), 4);
    // Each names its certificate's exact envelope, in canonical lines.
    let first = d
        .world
        .review_of(&d.certificate_line(CODES[0]), "2024-06-20", TODAY);
    let first = line(Statement::Review(first), &d.world.shenyang);
    assert_eq!(written.lines().next(), Some(first.as_str()));
    assert!(!d.path("data/reviews/01.jsonl.rejects.csv").exists());
    let (code, out, err) = d.verify();
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("4 份签名有效：4 份已经所在市审核，0 份尚未审核"),
        "{out}"
    );
    assert!(!err.contains("尚未经所在市"), "{err}");
}

#[test]
fn a_certificate_already_reviewed_is_skipped_never_signed_twice() {
    let d = Deployment::new();
    let (code, _, err) = d.review("city-01", &["--reviewed-on", "2024-06-20"]);
    assert_eq!(code, 0, "{err}");
    let before = fs::read(d.path("data/reviews/01.jsonl")).unwrap();
    // Again, a day later: into the same file, and into another one.
    let later = ["--reviewed-on", "2024-06-21", "--today", "2024-07-16"];
    let (code, out, err) = d.review("city-01", &later);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("4 份证书此前已审核，跳过"), "{err}");
    assert!(
        d.rel(&err).contains(&format!(
            "enterprise/blower.jsonl:1: {}：已于 2024-06-20 审核（data/reviews/01.jsonl:1），不再重复签名",
            CODES[0]
        )),
        "{err}"
    );
    assert!(out.contains("没有新的审核记录"), "{out}");
    assert_eq!(fs::read(d.path("data/reviews/01.jsonl")).unwrap(), before);
    let (code, _, err) = d.review(
        "city-01",
        &[&later[..], &["--out", "data/reviews/01-b.jsonl"]].concat(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(!d.path("data/reviews/01-b.jsonl").exists());
    // A new certificate of the enterprise: only it is signed, after the
    // reviews the file holds, which stay as they were.
    let mut lines: Vec<String> = CODES.iter().map(|c| d.certificate_line(c)).collect();
    lines.push(d.certificate_line("Y000021013002243000005"));
    write_lines(&d.path("enterprise/blower.jsonl"), &lines);
    let (code, out, err) = d.review("city-01", &later);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("已审核并签名 1 份") && out.contains("保留其中原有的 4 条"),
        "{out}"
    );
    let after = fs::read(d.path("data/reviews/01.jsonl")).unwrap();
    assert!(after.starts_with(&before));
    assert_eq!(statements(&d.path("data/reviews/01.jsonl")).len(), 5);
}

#[test]
fn decisions_pass_refuse_and_leave_out_certificates() {
    let d = Deployment::new();
    write_utf8_bom(
        &d.path("审核结果.csv"),
        &format!(
            "沈阳市职业技能等级认定结果审核表\n证书编号,审核结果,审核日期,原因\n\
             {},通过,2024-06-20,\n\
             {},不通过,2024-06-20,操作技能成绩不合格\n\
             {},通过,2024-07-01,\n\
             Y000021013002243000099,通过,2024-06-20,\n",
            CODES[0], CODES[1], CODES[3]
        ),
    );
    let (code, out, err) = d.review(
        "city-01",
        &["--decisions", "审核结果.csv", "--rejects", "退回.csv"],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("已审核并签名 1 份"), "{out}");
    let err = d.rel(&err);
    assert!(
        err.contains("3 份证书未审核，已列入 退回.csv（退回企业）"),
        "{err}"
    );
    assert!(
        err.contains(
            "审核结果.csv 中有 1 个证书编号不在所给的数据集中：第 6 行 Y000021013002243000099"
        ),
        "{err}"
    );
    let reviews = statements(&d.path("data/reviews/01.jsonl"));
    assert_eq!(reviews.len(), 1);
    assert_eq!(reviews[0]["code"], CODES[0]);
    assert_eq!(reviews[0]["reviewed_on"], "2024-06-20");
    assert_eq!(
        d.returned("退回.csv"),
        [
            format!(
                "enterprise/blower.jsonl,2,{},审核不通过（审核结果.csv:4）：操作技能成绩不合格",
                CODES[1]
            ),
            format!(
                "enterprise/blower.jsonl,3,{},不在审核结果表 审核结果.csv 中：未审核",
                CODES[2]
            ),
            format!(
                "enterprise/blower.jsonl,4,{},审核日期 2024-07-01 晚于发证日期 2024-06-30：按通知（辽人社〔2020〕22号 四(四)1），企业对审核通过的职工才颁发证书，应先审核、后发证",
                CODES[3]
            ),
        ]
    );
    let (code, out, err) = d.verify();
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 份已经所在市审核，3 份尚未审核"), "{out}");
}

#[test]
fn a_decisions_table_with_problems_signs_nothing() {
    let d = Deployment::new();
    write_utf8_bom(
        &d.path("审核结果.csv"),
        &format!(
            "证书编号,审核结果,审核日期,原因\n{},不通过,2024-06-20,\n{},同意吧,,\n",
            CODES[0], CODES[1]
        ),
    );
    let (code, _, err) = d.review("city-01", &["--decisions", "审核结果.csv"]);
    assert_eq!(code, 1, "{err}");
    let err = d.rel(&err);
    for line in [
        "审核结果.csv:2: 原因: 审核不通过须写明原因：退回企业时告诉它为什么",
        "审核结果.csv:3: 审核结果: “同意吧”无法识别，应为“通过”或“不通过”",
        "审核结果.csv:3: 审核日期: 不能为空（或用 --reviewed-on 给出没有填写的行的审核日期）",
        "审核结果表有 3 个问题，未审核，未写出任何文件。",
    ] {
        assert!(err.contains(line), "missing «{line}» in:\n{err}");
    }
    assert!(!d.path("data/reviews/01.jsonl").exists());
}

#[test]
fn decisions_in_an_excel_workbook() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let d = Deployment::new();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["证书编号", "审核结果", "审核日期", "原因"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let date = ExcelDateTime::from_ymd(2024, 6, 20).unwrap();
    let format = Format::new().set_num_format("yyyy-mm-dd");
    for (r, code) in CODES.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, *code).unwrap();
        sheet.write_string(r, 1, "通过").unwrap();
        sheet
            .write_datetime_with_format(r, 2, &date, &format)
            .unwrap();
    }
    book.save(d.path("审核结果.xlsx")).unwrap();
    let (code, out, err) = d.review("city-01", &["--decisions", "审核结果.xlsx"]);
    assert_eq!(code, 0, "{out}{err}");
    let reviews = statements(&d.path("data/reviews/01.jsonl"));
    assert_eq!(reviews.len(), 4);
    assert!(reviews.iter().all(|r| r["reviewed_on"] == "2024-06-20"));
}

#[test]
fn another_citys_certificate_is_returned_to_be_reviewed_by_its_own_city() {
    let d = Deployment::new();
    let (code, out, err) = d.review("city-02", &["--reviewed-on", "2024-06-20"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("没有新的审核记录"), "{out}");
    assert!(!d.path("data/reviews/01.jsonl").exists());
    let why = "是沈阳市（市代码 01）的机构颁发的证书，应由该市审核，不由大连市公共就业服务机构主管部门审核";
    assert!(
        d.rel(&err)
            .contains(&format!("enterprise/blower.jsonl:1: {}: {why}", CODES[0])),
        "{err}"
    );
    let returned = d.returned("data/reviews/01.jsonl.rejects.csv");
    assert_eq!(returned.len(), 4);
    assert!(returned.iter().all(|r| r.ends_with(why)), "{returned:?}");
}

#[test]
fn a_tampered_certificate_is_returned_with_what_verify_says() {
    let d = Deployment::new();
    let mut lines: Vec<String> = CODES.iter().map(|c| d.certificate_line(c)).collect();
    // The occupation changed after signing; and a line that is no JSON.
    lines[1] = lines[1].replace("\"occupation\":\"车工\"", "\"occupation\":\"焊工\"");
    lines.push("not json".into());
    // A code a spreadsheet would run as a formula stays text in the list.
    let formula = lines[0].replace(CODES[0], "=HYPERLINK(\\\"x\\\")");
    let mut with_formula = lines.clone();
    with_formula.push(formula);
    write_lines(&d.path("enterprise/blower.jsonl"), &with_formula);
    let (code, out, err) = d.review("city-01", &["--reviewed-on", "2024-06-20"]);
    assert_eq!(code, 1, "{out}{err}");
    let text = fs::read_to_string(d.path("data/reviews/01.jsonl.rejects.csv")).unwrap();
    assert!(out.contains("已审核并签名 3 份"), "{out}");
    assert!(text.contains("\"'=HYPERLINK("), "{text}");
    assert!(
        !text.contains(",=HYPERLINK") && !text.contains("\"=HYPERLINK"),
        "{text}"
    );
    fs::remove_file(d.path("data/reviews/01.jsonl.rejects.csv")).unwrap();
    write_lines(&d.path("enterprise/blower.jsonl"), &lines);
    let (code, out, err) = d.review("city-01", &["--reviewed-on", "2024-06-20"]);
    assert_eq!(code, 1, "{out}{err}");
    let kid = d.world.blower_b.public().kid();
    let returned = d.returned("data/reviews/01.jsonl.rejects.csv");
    assert_eq!(
        returned,
        [
            format!(
                "enterprise/blower.jsonl,2,{},未通过验证：sig：签名无效：内容被改动，或不是密钥 {kid} 所签",
                CODES[1]
            ),
            "enterprise/blower.jsonl,5,,未通过验证：不是合法的 JSON：无效的字面量（第 2 列）"
                .to_string(),
        ]
    );
    // Each returned certificate located, with the problem verify names.
    let err = d.rel(&err);
    assert!(
        err.contains(&format!(
            "enterprise/blower.jsonl:2: {}: 未通过验证：sig：签名无效：内容被改动，或不是密钥 {kid} 所签",
            CODES[1]
        )),
        "{err}"
    );
    assert!(err.contains("2 份证书未审核"), "{err}");
}

#[test]
fn review_never_writes_over_its_input_nor_a_file_not_its_own() {
    let d = Deployment::new();
    let input = fs::read(d.path("enterprise/blower.jsonl")).unwrap();
    let key = fs::read(d.path("keys/root.key")).unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &["--out", "enterprise/blower.jsonl"],
            "--input 和 --out 是同一个文件",
        ),
        (
            &["--out", "x.jsonl", "--rejects", "enterprise/blower.jsonl"],
            "--input 和 --rejects 是同一个文件",
        ),
        (
            &["--out", "data/directory/directory.jsonl"],
            "已存在，且不是审核记录数据集（第 1 行不是审核记录）",
        ),
        (
            &["--out", "x.jsonl", "--rejects", "keys/root.key"],
            "已存在，且不是退回清单",
        ),
        (&["--out", "reviews.csv"], "数据集的文件名须以 .jsonl 结尾"),
    ];
    for (args, message) in cases {
        let args = [args, &["--reviewed-on", "2024-06-20"]].concat();
        let (code, _, err) = d.review("city-01", &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
    }
    assert_eq!(fs::read(d.path("enterprise/blower.jsonl")).unwrap(), input);
    assert_eq!(fs::read(d.path("keys/root.key")).unwrap(), key);
    assert_eq!(
        statements(&d.path("data/directory/directory.jsonl")).len(),
        1
    );
    assert!(!d.path("x.jsonl").exists());
}

#[test]
fn review_needs_a_city_that_lists_its_key_and_a_review_date() {
    let d = Deployment::without_cities();
    let (code, _, err) = d.review("city-01", &["--reviewed-on", "2024-06-20"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("数据目录中没有根密钥签名的城市审核机构名单：请先由根密钥签名 cities.csv"),
        "{err}"
    );
    let d = Deployment::new();
    let (code, _, err) = d.review("blower", &["--reviewed-on", "2024-06-20"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("不是任何市登记的审核密钥"), "{err}");
    let (code, _, err) = d.review("city-01", &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("须用 --reviewed-on 给出审核日期"), "{err}");
    let (code, _, err) = d.review("city-01", &["--reviewed-on", "2024-08-01"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--reviewed-on 2024-08-01 晚于今天 2024-07-15"),
        "{err}"
    );
    assert!(!d.path("data/reviews/01.jsonl").exists());
}

#[test]
fn review_json_lists_what_was_signed_and_returned() {
    let d = Deployment::new();
    let mut lines: Vec<String> = CODES.iter().map(|c| d.certificate_line(c)).collect();
    lines[0] = lines[0].replace("2024-06-30", "2024-06-29");
    write_lines(&d.path("enterprise/blower.jsonl"), &lines);
    let (code, out, err) = d.review("city-01", &["--reviewed-on", "2024-06-20", "--json"]);
    assert_eq!(code, 1, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v["ok"], false);
    assert_eq!(v["reviewed"], 3);
    assert_eq!(v["city_code"], "01");
    assert_eq!(v["written"], "data/reviews/01.jsonl");
    assert_eq!(v["rejects_file"], "data/reviews/01.jsonl.rejects.csv");
    assert_eq!(v["returned"][0]["code"], CODES[0]);
    assert_eq!(v["returned"][0]["line"], 1);
    assert_eq!(v["problems"][0]["rule"], "signature");
    assert_eq!(v["problems"][0]["file"], "enterprise/blower.jsonl");
    // A run that cannot start is JSON too.
    let (code, out, _) = d.review("city-01", &["--json"]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["exit"], 2);
}

/// The cities table, as the root fills it.
const CITIES_HEADER: &str = "市代码,审核机构名称,签名公钥,有效期自,有效期至,审核要求起始日\n";

fn sign_cities(d: &Deployment, key: &str, body: &str) -> (i32, String, String) {
    write_utf8_bom(&d.path("in/cities.csv"), &format!("{CITIES_HEADER}{body}"));
    run(certsite().current_dir(d.path("in")).args([
        "sign",
        "--key",
        &format!("../keys/{key}.key"),
        "--input",
        "cities.csv",
        "--out",
        "../data/cities/cities.jsonl",
        "--date",
        "2024-01-02",
        "--data",
        "../data",
    ]))
}

#[test]
fn the_root_signs_the_cities_from_a_spreadsheet() {
    let d = Deployment::without_cities();
    fs::create_dir_all(d.path("in")).unwrap();
    // 沈阳's key rotated on 2024-01-01.
    write_pair(&SecretKey::from_seed([8; 32]), &d.path("keys/city-01b"), "").unwrap();
    let body = "01,沈阳市公共就业服务机构主管部门,../keys/city-01.pub,2020-01-01,2023-12-31,2021-01-01\n\
                ,,../keys/city-01b.pub,2024-01-01,,\n\
                02,大连市公共就业服务机构主管部门,../keys/city-02.pub,2020年1月1日,,\n";
    let (code, out, err) = sign_cities(&d, "root", body);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("已签名 2 条城市审核机构名单"), "{out}");
    let cities = statements(&d.path("data/cities/cities.jsonl"));
    assert_eq!(cities[0]["type"], "city");
    assert_eq!(cities[0]["city_code"], "01");
    assert_eq!(cities[0]["reviews_from"], "2021-01-01");
    assert_eq!(cities[0]["issued_on"], "2024-01-02");
    assert_eq!(cities[0]["keys"].as_array().unwrap().len(), 2);
    assert_eq!(cities[0]["keys"][0]["valid_until"], "2023-12-31");
    assert_eq!(cities[1]["keys"][0]["valid_from"], "2020-01-01");
    let (code, out, err) = d.verify();
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("审核机构 2 个市"), "{out}");
    // The statement the root signs is the one review needs.
    let (code, out, err) = d.review("city-02", &["--reviewed-on", "2024-06-20"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("大连市公共就业服务机构主管部门（市代码 02"),
        "{out}"
    );
}

#[test]
fn a_cities_table_is_refused_naming_file_line_and_column() {
    let d = Deployment::without_cities();
    fs::create_dir_all(d.path("in")).unwrap();
    let body = "1,沈阳市公共就业服务机构主管部门,../keys/city-01.pub,2020-01-01,,\n\
                02,,../keys/city-02.pub,2020-01-01,,\n\
                03,鞍山市公共就业服务机构主管部门,bm90LWEta2V5,2020-01-01,,\n\
                04,抚顺市公共就业服务机构主管部门,../keys/blower.pub,2024-01-01,2023-12-31,\n";
    let (code, out, err) = sign_cities(&d, "root", body);
    assert_eq!(code, 1, "{out}{err}");
    let err = d.rel(&err);
    for line in [
        "cities.csv:2: 市代码: “1”不是市代码：应为两位数字 01-99（证书编码第8-9位，如沈阳市 01）；Excel 会把 01 存成数字 1：请把这一列设为文本",
        "cities.csv:3: 审核机构名称: 市代码 02 缺少审核机构名称",
        "cities.csv:4: 签名公钥: “bm90LWEta2V5”不是有效的公钥",
        "cities.csv:5: 有效期至: 2023-12-31 早于有效期自 2024-01-01：密钥的有效期不能在开始之前结束",
        "发现 4 个问题（涉及 4 行），未写出任何文件。",
    ] {
        assert!(err.contains(line), "missing «{line}» in:\n{err}");
    }
    assert!(!d.path("data/cities/cities.jsonl").exists());
    // Only the root lists the cities.
    let body = "01,沈阳市公共就业服务机构主管部门,../keys/city-01.pub,2020-01-01,,\n";
    let (code, _, err) = sign_cities(&d, "city-01", body);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("城市审核机构名单须由根密钥签名，而签名密钥")
            && err.contains("不是数据目录配置的根密钥"),
        "{err}"
    );
    assert!(!d.path("data/cities/cities.jsonl").exists());
}

#[test]
fn a_province_already_publishing_moves_across_with_a_cut_over_date() {
    // 沈阳市 reviews from 2024-07-01: the four certificates of 2024-06-30
    // were published before and need no review; one issued on the cut-over
    // does.
    let d = Deployment::without_cities();
    fs::create_dir_all(d.path("in")).unwrap();
    let body = "01,沈阳市公共就业服务机构主管部门,../keys/city-01.pub,2020-01-01,,2024-07-01\n";
    let (code, out, err) = sign_cities(&d, "root", body);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = d.verify();
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("0 份尚未审核，4 份颁发于审核要求实施之前"),
        "{out}"
    );
    let later = line(
        Statement::Certificate(certificate("Y000021013002243000005", "2024-07-01")),
        &d.world.blower_b,
    );
    write_lines(&d.path("data/later.jsonl"), &[later]);
    let (code, out, err) = d.verify();
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 份尚未审核"), "{out}");
    assert!(err.contains("Y000021013002243000005"), "{err}");
}

#[test]
fn resigning_the_cities_says_nothing_false_and_no_statement_is_dated_in_the_future() {
    let d = Deployment::without_cities();
    fs::create_dir_all(d.path("in")).unwrap();
    let body = "01,沈阳市公共就业服务机构主管部门,../keys/city-01.pub,2020-01-01,,\n\
                02,大连市公共就业服务机构主管部门,../keys/city-02.pub,2020-01-01,,\n";
    let (code, out, err) = sign_cities(&d, "root", body);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = d.review("city-01", &["--reviewed-on", "2024-06-20"]);
    assert_eq!(code, 0, "{out}{err}");
    // The city uploads what it passed; the reviews rest on the city list
    // this run replaces: not a problem of the folder.
    fs::create_dir_all(d.path("data/certificates")).unwrap();
    fs::copy(
        d.path("enterprise/blower.jsonl"),
        d.path("data/certificates/blower.jsonl"),
    )
    .unwrap();
    let (code, out, err) = sign_cities(&d, "root", body);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!err.contains("已有"), "{err}");
    let (code, out, err) = run(certsite().current_dir(d.path("in")).args([
        "sign",
        "--key",
        "../keys/root.key",
        "--input",
        "cities.csv",
        "--out",
        "../data/cities/later.jsonl",
        "--today",
        "2024-07-15",
        "--date",
        "2024-07-16",
    ]));
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("--date 2024-07-16 晚于今天 2024-07-15"),
        "{err}"
    );
}
