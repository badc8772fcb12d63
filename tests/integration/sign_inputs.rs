//! `certsite sign` on the spreadsheets people actually have, through the
//! binary: UTF-8 with BOM, GBK, Excel workbooks; all problems in one run;
//! nothing written on failure; skipping bad rows into a reject file.

use std::fs;
use std::path::PathBuf;

use certsite::key_files::{read_secret, write_pair};
use certsite_core::trust::keys::SecretKey;

use crate::support::*;

const ROSTER_HEADER: &str =
    "序号,证书编号,姓名,性别,证件类型,证件号码,职业名称,工种名称,职业编码,等级,发证日期\n";
const GOOD_ROWS: &str = "1,Y000021013002243000001,张三丰,男,身份证,210102199003071233,车工,——,6-18-01-01,三级/高级工,2024-06-30\n\
2,Y000021013002245000001,李娜,女,居民身份证,210203198511124562,焊工,,6-18-02-04,五级,2024年7月1日\n\
3,Y000021013002242000001,王五,男,护照,E12345678,焊工,,6-18-02-04,技师,2024/8/15\n";

/// A fixture folder: keys, a signed directory, and a data folder to sign into.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        fs::create_dir_all(&keys).unwrap();
        write_pair(&SecretKey::from_seed([1; 32]), &keys.join("root"), "root").unwrap();
        write_pair(
            &SecretKey::from_seed([2; 32]),
            &keys.join("blower"),
            BLOWER_NAME,
        )
        .unwrap();
        write_pair(
            &SecretKey::from_seed([4; 32]),
            &keys.join("heavy"),
            HEAVY_NAME,
        )
        .unwrap();
        let data = dir.path().join("data");
        fs::create_dir_all(&data).unwrap();
        fs::copy(keys.join("root.pub"), data.join("root.pub")).unwrap();
        let input = dir.path().join("in");
        fs::create_dir_all(&input).unwrap();
        // 附件4 layout with a title row and merged institution cells; keys as .pub paths.
        write_utf8_bom(
            &input.join("directory.csv"),
            "职业技能等级认定企业目录\n\
             序号,企业名称,详细地址,联系人,联系方式,机构备案号,职业名称,工种名称,职业编码,等级范围,备案日期,有效期至,签名公钥\n\
             1,沈阳鼓风机集团股份有限公司,（示例地址）,（示例）,（示例）,Y000021013002,车工,——,6-18-01-01,五级-三级,2020-06-01,2029-05-31,../keys/blower.pub\n\
             ,,,,,,焊工,——,6-18-02-04,初级工至技师,,,\n\
             2,北方重工集团有限公司,,,,Y000021013003,装配钳工,,6-20-01-01,5-1,2020-07-01,,../keys/heavy.pub\n",
        );
        let site = Site { dir };
        let (code, out, err) = run(certsite().args([
            "sign",
            "--key",
            site.path("keys/root.key").to_str().unwrap(),
            "--input",
            site.path("in/directory.csv").to_str().unwrap(),
            "--out",
            site.path("data/directory.jsonl").to_str().unwrap(),
            "--date",
            "2024-01-01",
            "--data",
            site.path("data").to_str().unwrap(),
        ]));
        assert_eq!(code, 0, "{out}{err}");
        assert!(out.contains("已签名 2 条机构目录（附件4）"), "{out}");
        site
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Signs a roster with the blower key against the data folder.
    fn sign(&self, input: &str, out: &str, extra: &[&str]) -> (i32, String, String) {
        let mut cmd = certsite();
        cmd.args([
            "sign",
            "--key",
            self.path("keys/blower.key").to_str().unwrap(),
            "--input",
            self.path(input).to_str().unwrap(),
            "--out",
            self.path(out).to_str().unwrap(),
            "--data",
            self.path("data").to_str().unwrap(),
            "--iterations",
            "1000",
            "--insecure-low-iterations",
        ]);
        cmd.args(extra);
        run(&mut cmd)
    }

    /// Signs the directory with 沈阳鼓风机's key, which is not the root.
    fn sign_directory_with_an_institution_key(&self) -> (i32, String, String) {
        run(certsite().args([
            "sign",
            "--key",
            self.path("keys/blower.key").to_str().unwrap(),
            "--input",
            self.path("in/directory.csv").to_str().unwrap(),
            "--out",
            self.path("data/directory2.jsonl").to_str().unwrap(),
            "--data",
            self.path("data").to_str().unwrap(),
        ]))
    }

    fn verify(&self) -> (i32, String, String) {
        run(certsite().args([
            "verify",
            "--root",
            self.path("data/root.pub").to_str().unwrap(),
            self.path("data").to_str().unwrap(),
            "--min-iterations",
            "1000",
        ]))
    }

    /// Relative form of paths in messages.
    fn rel(&self, text: &str) -> String {
        text.replace(&format!("{}/", self.dir.path().display()), "")
    }
}

#[test]
fn utf8_with_bom_roster_signs_and_verifies() {
    let site = Site::new();
    write_utf8_bom(
        &site.path("in/roster.csv"),
        &format!("{ROSTER_HEADER}{GOOD_ROWS}"),
    );
    let (code, out, err) = site.sign("in/roster.csv", "data/certs.jsonl", &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("已签名 3 条证书名册"), "{out}");
    assert!(out.contains("UTF-8 (BOM)"), "{out}");
    let s = statements(&site.path("data/certs.jsonl"));
    assert_eq!(
        s[0]["institution"], BLOWER_NAME,
        "name taken from the signed directory"
    );
    assert_eq!(s[0]["name_masked"], "**");
    assert_eq!(s[0]["id_masked"], "****************33");
    assert_eq!(s[2]["id_type"], "护照");
    assert_eq!(s[1]["issued_on"], "2024-07-01");
    // Nothing of the holder in the clear.
    let text = fs::read_to_string(site.path("data/certs.jsonl")).unwrap();
    for secret in ["张三丰", "李娜", "210102199003071233", "E12345678"] {
        assert!(!text.contains(secret), "{secret} leaked");
    }
    let (code, out, err) = site.verify();
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("证书     3 份签名有效"), "{out}");
}

#[test]
fn gbk_roster_as_excel_saves_it_signs_identically() {
    let site = Site::new();
    write_utf8_bom(
        &site.path("in/utf8.csv"),
        &format!("{ROSTER_HEADER}{GOOD_ROWS}"),
    );
    write_gbk(
        &site.path("in/gbk.csv"),
        &format!("{ROSTER_HEADER}{GOOD_ROWS}").replace('\n', "\r\n"),
    );
    let (code, out, err) = site.sign("in/gbk.csv", "data/gbk.jsonl", &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("输入编码 GBK"), "{out}");
    let (code, _, _) = site.sign("in/utf8.csv", "utf8.jsonl", &[]);
    assert_eq!(code, 0);
    assert_eq!(
        fs::read(site.path("data/gbk.jsonl")).unwrap(),
        fs::read(site.path("utf8.jsonl")).unwrap(),
        "the same roster in GBK and UTF-8 gives the same bytes"
    );
}

#[test]
fn excel_workbook_with_title_row_and_date_cells() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let site = Site::new();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    sheet
        .write_string(0, 0, "2024年度职业技能等级证书发放名册")
        .unwrap();
    let header = [
        "证书编号",
        "姓名",
        "证件类型",
        "证件号码",
        "职业名称",
        "工种名称",
        "职业编码",
        "等级",
        "发证日期",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(1, c as u16, *h).unwrap();
    }
    let rows = [
        [
            "Y000021013002243000001",
            "张三丰",
            "居民身份证",
            "210102199003071233",
            "车工",
            "——",
            "6-18-01-01",
            "三级/高级工",
        ],
        [
            "Y000021013002245000001",
            "李娜",
            "居民身份证",
            "",
            "焊工",
            "",
            "6-18-02-04",
            "五级/初级工",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 2;
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r, c as u16, *v).unwrap();
        }
        let date = ExcelDateTime::from_ymd(2024, 6, 30).unwrap();
        sheet
            .write_datetime_with_format(r, 8, &date, &date_format)
            .unwrap();
    }
    // Typed into a number cell, the 18-digit ID number has lost its last digits.
    sheet.write_number(3, 3, 210203198511124562.0).unwrap();
    book.save(site.path("in/roster.xlsx")).unwrap();

    let (code, out, err) = site.sign("in/roster.xlsx", "data/certs.jsonl", &[]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        site.rel(&err).contains(
            "in/roster.xlsx:4: 证件号码: Excel 把这一格存成了数字，15 位以上的数字已丢失精度"
        ),
        "{err}"
    );
    assert!(!site.path("data/certs.jsonl").exists());
    let (code, out, err) = site.sign("in/roster.xlsx", "data/certs.jsonl", &["--skip-invalid"]);
    assert_eq!(code, 0, "{out}{err}");
    let s = statements(&site.path("data/certs.jsonl"));
    assert_eq!(s.len(), 1);
    assert_eq!(s[0]["issued_on"], "2024-06-30");
}

#[test]
fn every_problem_in_one_run_and_nothing_written() {
    let site = Site::new();
    let bad = "1,Y000021013002243000001,张三丰,男,身份证,210102199003071234,车工,,6-18-01-01,三级,2024-06-30\n\
               2,Y000021013002247000001,李娜,女,,210203198511124562,焊工,,6-18-02-04,五级,2024-07-01\n\
               3,Y000021013002241000001,王五,男,,210302197805200019,车工,,6-18-01-01,一级,2024-08-15\n\
               4,Y000021013002244000001,赵六,男,,210302197805200019,铣工,,6-18-01-02,四级,2024-08-15\n";
    write_utf8_bom(
        &site.path("in/roster.csv"),
        &format!("{ROSTER_HEADER}{bad}"),
    );
    fs::write(site.path("data/certs.jsonl"), "\n").unwrap();
    let (code, out, err) = site.sign("in/roster.csv", "data/certs.jsonl", &[]);
    assert_eq!(code, 1, "{out}{err}");
    let err = site.rel(&err);
    let expected = [
        "in/roster.csv:2: 证件号码: 校验码为 4，按 GB 11643 应为 3",
        "in/roster.csv:3: 证书编号: 第16位（等级代码）为 7，应为 1-5",
        "in/roster.csv:4: 等级: 一级/高级技师 超出备案的等级范围 五级-三级",
        "in/roster.csv:5: 职业编码: 6-18-01-02 铣工 不在机构备案的职业（工种）范围内",
        "发现 4 个问题（涉及 4 行），未写出任何文件。",
    ];
    for line in expected {
        assert!(err.contains(line), "missing «{line}» in:\n{err}");
    }
    assert_eq!(
        fs::read_to_string(site.path("data/certs.jsonl")).unwrap(),
        "\n",
        "the file there is left as it was"
    );
}

#[test]
fn skip_invalid_signs_the_rest_and_lists_rejects_that_can_be_fixed() {
    let site = Site::new();
    let rows = format!(
        "{GOOD_ROWS}4,Y000021013002243000002,赵六,男,,210302197805200018,车工,,6-18-01-01,三级,2024-08-15\n"
    );
    write_utf8_bom(
        &site.path("in/roster.csv"),
        &format!("{ROSTER_HEADER}{rows}"),
    );
    let (code, out, err) = site.sign("in/roster.csv", "data/certs.jsonl", &["--skip-invalid"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("已签名 3 条"), "{out}");
    assert!(out.contains("跳过 1 行有问题的记录"), "{out}");
    let rejects = site.path("data/certs.jsonl.rejects.csv");
    let text = fs::read_to_string(&rejects).unwrap();
    assert!(
        text.starts_with('\u{feff}'),
        "BOM so Excel reads it as UTF-8"
    );
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        lines[0],
        "原行号,问题,序号,证书编号,姓名,性别,证件类型,证件号码,职业名称,工种名称,职业编码,等级,发证日期"
    );
    assert_eq!(
        lines[1],
        "5,证件号码：校验码为 8，按 GB 11643 应为 9,4,Y000021013002243000002,赵六,男,,210302197805200018,车工,,6-18-01-01,三级,2024-08-15"
    );
    // Fix the reject file and sign it: the two extra columns are only noted.
    fs::write(
        &rejects,
        text.replace("210302197805200018", "210302197805200019"),
    )
    .unwrap();
    let (code, out, err) = site.sign("data/certs.jsonl.rejects.csv", "data/fixed.jsonl", &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("未使用的列：原行号、问题"), "{err}");
    fs::remove_file(&rejects).unwrap();
    let (code, out, err) = site.verify();
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("证书     4 份签名有效"), "{out}");
}

#[test]
fn sign_checks_against_the_root_key_the_data_folder_configures() {
    let site = Site::new();
    // The folder names its root key in certsite.toml, not as root.pub.
    fs::create_dir_all(site.path("data/trust")).unwrap();
    fs::rename(
        site.path("data/root.pub"),
        site.path("data/trust/authority.pub"),
    )
    .unwrap();
    fs::write(
        site.path("data/certsite.toml"),
        "title = \"t\"\nauthority = \"a\"\nbase_url = \"https://x.example/\"\n\
         root_key = \"trust/authority.pub\"\n[privacy]\nmin_iterations = 1000\n",
    )
    .unwrap();
    write_utf8_bom(
        &site.path("in/roster.csv"),
        &format!("{ROSTER_HEADER}{GOOD_ROWS}"),
    );
    let (code, out, err) = site.sign("in/roster.csv", "data/certs.jsonl", &[]);
    assert_eq!(code, 0, "{out}{err}");
    // A directory signed by another key is refused against that root.
    let (code, _, err) = site.sign_directory_with_an_institution_key();
    assert_eq!(code, 2);
    assert!(err.contains("机构目录须由根密钥签名"), "{err}");
}

#[test]
fn the_directory_must_be_signed_by_the_root() {
    let site = Site::new();
    let (code, _, err) = site.sign_directory_with_an_institution_key();
    assert_eq!(code, 2, "the wrong key: the command cannot run");
    assert!(err.contains("机构目录须由根密钥签名"), "{err}");
    assert!(!site.path("data/directory2.jsonl").exists());
}

#[test]
fn revocations_sign_and_verify() {
    let site = Site::new();
    write_utf8_bom(
        &site.path("in/roster.csv"),
        &format!("{ROSTER_HEADER}{GOOD_ROWS}"),
    );
    assert_eq!(site.sign("in/roster.csv", "data/certs.jsonl", &[]).0, 0);
    write_utf8_bom(
        &site.path("in/revoke.csv"),
        "证书编号,撤销日期,撤销原因\nY000021013002243000001,2024-09-01,证书信息录入错误\nY000021013002243000099,2024-09-01,不存在的证书\n",
    );
    let (code, _, err) = site.sign("in/revoke.csv", "data/revocations.jsonl", &[]);
    assert_eq!(code, 1);
    assert!(
        site.rel(&err)
            .contains("in/revoke.csv:3: 证书编号: 撤销的证书 Y000021013002243000099 不存在"),
        "{err}"
    );
    let (code, out, err) = site.sign(
        "in/revoke.csv",
        "data/revocations.jsonl",
        &["--skip-invalid"],
    );
    assert_eq!(code, 0, "{out}{err}");
    fs::remove_file(site.path("data/revocations.jsonl.rejects.csv")).unwrap();
    let (code, out, _) = site.verify();
    assert_eq!(code, 0);
    assert!(out.contains("撤销     1 份有效"), "{out}");
}

#[test]
fn low_iterations_need_an_explicit_flag() {
    let site = Site::new();
    write_utf8_bom(
        &site.path("in/roster.csv"),
        &format!("{ROSTER_HEADER}{GOOD_ROWS}"),
    );
    let (code, _, err) = run(certsite().args([
        "sign",
        "--key",
        site.path("keys/blower.key").to_str().unwrap(),
        "--input",
        site.path("in/roster.csv").to_str().unwrap(),
        "--out",
        site.path("x.jsonl").to_str().unwrap(),
        "--iterations",
        "1000",
    ]));
    assert_eq!(code, 2);
    assert!(
        err.contains("--iterations 1000 低于隐私下限 1000000"),
        "{err}"
    );
}

/// A rule has one home: a roster row and a signed statement that break it get
/// the same message, from `sign` and from `verify`.
#[test]
fn a_rule_gives_the_same_message_in_sign_and_verify() {
    use certsite_core::trust::statement::Statement;
    let site = Site::new();
    // The code says level 3, the row and the statement say 四级 (4); the code
    // says 2024, the date is 2023.
    write_utf8_bom(
        &site.path("in/roster.csv"),
        &format!(
            "{ROSTER_HEADER}1,Y000021013002243000001,张三丰,男,身份证,210102199003071233,车工,——,6-18-01-01,四级,2023-06-30\n"
        ),
    );
    let (code, _, err) = site.sign("in/roster.csv", "data/certs.jsonl", &[]);
    assert_eq!(code, 1);
    let mut bad = certificate("Y000021013002243000001", "2023-06-30");
    bad.level = 4;
    let blower = read_secret(&site.path("keys/blower.key")).unwrap();
    write_lines(
        &site.path("data/forged.jsonl"),
        &[line(Statement::Certificate(bad), &blower)],
    );
    let (code, _, verify_err) = site.verify();
    assert_eq!(code, 1);
    for (column, field, message) in [
        (
            "等级",
            "level",
            "为 4（四级/中级工），但证书编号第16位为 3（三级/高级工）",
        ),
        (
            "发证日期",
            "issued_on",
            "为 2023-06-30，但证书编号第14-15位表示 2024 年",
        ),
    ] {
        assert!(
            site.rel(&err)
                .contains(&format!("in/roster.csv:2: {column}: {message}")),
            "{err}"
        );
        assert!(
            site.rel(&verify_err)
                .contains(&format!("data/forged.jsonl:1: {field}: {message}")),
            "{verify_err}"
        );
    }
}

#[test]
fn sign_judges_dates_by_its_today_argument() {
    let site = Site::new();
    write_utf8_bom(
        &site.path("in/roster.csv"),
        &format!("{ROSTER_HEADER}{GOOD_ROWS}"),
    );
    // The rows are dated 2024-06-30, 2024-07-01 and 2024-08-15.
    let (code, _, err) = site.sign(
        "in/roster.csv",
        "data/certs.jsonl",
        &["--today", "2024-07-01"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        site.rel(&err)
            .contains("in/roster.csv:4: 发证日期: 发证日期 2024-08-15 晚于今天 2024-07-01"),
        "{err}"
    );
    assert!(!site.path("data/certs.jsonl").exists());
}

#[test]
fn an_output_that_cannot_be_written_is_found_before_any_row_is_read() {
    let site = Site::new();
    // Rows with problems: read first, they would give exit 1.
    write_utf8_bom(
        &site.path("in/roster.csv"),
        &format!(
            "{ROSTER_HEADER}1,Y000021013002247000001,李娜,女,,210203198511124562,焊工,,6-18-02-04,五级,2024-07-01\n"
        ),
    );
    fs::write(site.path("a-file"), "x").unwrap();
    for (out, reason) in [
        ("a-file/certs.jsonl", "不是目录"),
        ("data", "是目录，不是文件"),
    ] {
        let (code, _, err) = site.sign("in/roster.csv", out, &[]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.starts_with("错误：无法") && err.contains(reason),
            "{err}"
        );
        assert!(!err.contains("247000001"), "no row was looked at: {err}");
    }
    // The reject list is checked as early.
    let (code, _, err) = site.sign(
        "in/roster.csv",
        "data/certs.jsonl",
        &[
            "--skip-invalid",
            "--rejects",
            site.path("a-file/r.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a-file"), "{err}");
    assert!(!site.path("data/certs.jsonl").exists());
}

#[test]
fn sign_json_says_what_was_signed_and_every_problem() {
    let site = Site::new();
    write_utf8_bom(
        &site.path("in/roster.csv"),
        &format!("{ROSTER_HEADER}{GOOD_ROWS}"),
    );
    let (code, out, err) = site.sign("in/roster.csv", "data/certs.jsonl", &["--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["signed"], 3);
    assert_eq!(v["kind"], "证书名册");
    assert!(v["written"].as_str().unwrap().ends_with("data/certs.jsonl"));
    let bad = format!(
        "{GOOD_ROWS}4,Y000021013002247000001,李娜,女,,210203198511124562,焊工,,6-18-02-04,五级,2024-07-01\n"
    );
    write_utf8_bom(
        &site.path("in/roster.csv"),
        &format!("{ROSTER_HEADER}{bad}"),
    );
    let (code, out, err) = site.sign("in/roster.csv", "data/certs2.jsonl", &["--json"]);
    assert_eq!(code, 1);
    assert!(err.is_empty(), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["written"], serde_json::Value::Null);
    assert_eq!(v["problems"][0]["line"], 5);
    assert_eq!(v["problems"][0]["field"], "证书编号");
    assert!(!site.path("data/certs2.jsonl").exists());
}

#[test]
fn an_earlier_batch_is_never_replaced_by_accident() {
    let site = Site::new();
    let (first, second) = GOOD_ROWS.split_once('\n').unwrap();
    write_utf8_bom(
        &site.path("in/june.csv"),
        &format!("{ROSTER_HEADER}{first}\n"),
    );
    write_utf8_bom(
        &site.path("in/july.csv"),
        &format!("{ROSTER_HEADER}{second}"),
    );
    let (code, out, err) = site.sign("in/june.csv", "data/certs.jsonl", &[]);
    assert_eq!(code, 0, "{out}{err}");
    let june = fs::read(site.path("data/certs.jsonl")).unwrap();

    // The next batch into the same file would drop June's certificate.
    let (code, out, err) = site.sign("in/july.csv", "data/certs.jsonl", &[]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("其中 1 条记录不在本次输入中，写出会删除它们")
            && err.contains("certificate Y000021013002243000001（2024-06-30）")
            && err.contains("--replace"),
        "{err}"
    );
    assert_eq!(fs::read(site.path("data/certs.jsonl")).unwrap(), june);

    // June and July together (a corrected, longer roster) keep everything.
    write_utf8_bom(
        &site.path("in/both.csv"),
        &format!("{ROSTER_HEADER}{GOOD_ROWS}"),
    );
    let (code, out, err) = site.sign("in/both.csv", "data/certs.jsonl", &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("其中的记录都在本次输入中"), "{err}");

    // Asked for, the replacement says what it dropped.
    let (code, out, err) = site.sign("in/july.csv", "data/certs.jsonl", &["--replace"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("删除了其中 1 条不在本次输入中的记录"), "{err}");
}

#[test]
fn sign_never_writes_over_its_input() {
    let site = Site::new();
    write_utf8_bom(
        &site.path("in/roster.csv"),
        &format!("{ROSTER_HEADER}{GOOD_ROWS}"),
    );
    let before = fs::read(site.path("in/roster.csv")).unwrap();
    let cases: [(&str, &[&str], &str); 3] = [
        ("in/roster.csv", &[], "--input 和 --out 是同一个文件"),
        (
            "data/c.jsonl",
            &["--skip-invalid", "--rejects", "in/roster.csv"],
            "--input 和 --rejects",
        ),
        (
            "data/c.jsonl",
            &["--skip-invalid", "--rejects", "data/c.jsonl"],
            "--out 和 --rejects",
        ),
    ];
    for (out_path, extra, message) in cases {
        let extra: Vec<String> = (extra.iter())
            .map(|a| {
                if a.contains('/') {
                    site.path(a).display().to_string()
                } else {
                    a.to_string()
                }
            })
            .collect();
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        let (code, out, err) = site.sign("in/roster.csv", out_path, &extra);
        assert_eq!(code, 2, "{out}{err}");
        assert!(err.contains(message), "{err}");
        assert_eq!(fs::read(site.path("in/roster.csv")).unwrap(), before);
        assert!(!site.path("data/c.jsonl").exists());
    }
}

#[test]
fn skipping_every_row_signs_nothing() {
    let site = Site::new();
    let bad = GOOD_ROWS.replace("210102199003071233", "210102199003071234");
    let only_bad = bad.lines().next().unwrap();
    write_utf8_bom(
        &site.path("in/roster.csv"),
        &format!("{ROSTER_HEADER}{only_bad}\n"),
    );
    let (code, out, err) = site.sign("in/roster.csv", "data/certs.jsonl", &["--skip-invalid"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("没有一行可以签名"), "{err}");
    assert!(!site.path("data/certs.jsonl").exists());
}
