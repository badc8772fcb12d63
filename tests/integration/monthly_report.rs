//! `certsite report`: 附件7 as an enterprise, a city and the province file
//! it, in the workbook, CSV and HTML, from the published data or from an
//! enterprise's roster and its city's review. Every workbook is opened back
//! with calamine: its merged cells, title and header, and its cells equal to
//! the CSV's, block by block.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use certsite_core::trust::city::Review;
use certsite_core::trust::statement::Statement;

use crate::support::*;

/// The fixture's configuration: the root's holder files the province's form.
const CONFIG: &str =
    "title = \"测试站点\"\nauthority = \"测试根\"\nbase_url = \"https://certsite.example/\"\n";

/// A data folder: the directory (沈阳鼓风机, 北方重工), 沈阳市's review
/// authority (reviews required from `reviews_from`, or always), and the
/// given certificate lines, with further files.
fn fixture(
    dir: &Path,
    w: &World,
    reviews_from: Option<&str>,
    certs: &[String],
    extra: &[(&str, Vec<String>)],
) -> PathBuf {
    let data = dir.join("data");
    fs::create_dir_all(&data).unwrap();
    fs::write(data.join("certsite.toml"), CONFIG).unwrap();
    fs::write(
        data.join("root.pub"),
        w.root.public().file_text("test root"),
    )
    .unwrap();
    write_lines(
        &data.join("directory.jsonl"),
        &[
            line(Statement::Institution(w.blower()), &w.root),
            line(Statement::Institution(w.heavy()), &w.root),
        ],
    );
    let mut city = w.shenyang_city();
    city.reviews_from = reviews_from.map(Into::into);
    write_lines(
        &data.join("cities.jsonl"),
        &[line(Statement::City(city), &w.root)],
    );
    write_lines(&data.join("certs.jsonl"), certs);
    for (name, lines) in extra {
        write_lines(&data.join(name), lines);
    }
    data
}

/// 沈阳鼓风机's certificate `code`, with its line signed by the key of its date.
fn blower_line(w: &World, code: &str, issued_on: &str, occupation: Option<(&str, &str)>) -> String {
    let mut c = certificate(code, issued_on);
    if let Some((name, code)) = occupation {
        c.occupation = name.into();
        c.occupation_code = code.into();
    }
    let key = if issued_on < "2024-01-01" {
        &w.blower_a
    } else {
        &w.blower_b
    };
    line(Statement::Certificate(c), key)
}

/// 北方重工's certificate (装配钳工).
fn heavy_line(w: &World, code: &str, issued_on: &str) -> String {
    let mut c = certificate(code, issued_on);
    c.institution = HEAVY_NAME.into();
    c.occupation = "装配钳工".into();
    c.occupation_code = "6-20-01-01".into();
    line(Statement::Certificate(c), &w.heavy)
}

/// 沈阳市's review of a certificate line (reviewed the day before its issue,
/// uploaded at the month's end).
fn review_line(w: &World, cert: &str, reviewed_on: &str, signed_on: &str) -> String {
    line(
        Statement::Review(w.review_of(cert, reviewed_on, signed_on)),
        &w.shenyang,
    )
}

/// `certsite report` with `args` on `data`, judged on 2026-11-30.
fn report(data: &Path, args: &[&str]) -> (i32, String, String) {
    let mut cmd = certsite();
    cmd.arg("report")
        .args(args)
        .arg("--data")
        .arg(data)
        .args(["--today", "2026-11-30"]);
    run(&mut cmd)
}

/// One sheet of a workbook: its name, its cells as text (rows without their
/// trailing empty cells), its merged regions as (first, last) (row, column).
#[derive(Debug)]
struct Sheet {
    name: String,
    cells: Vec<Vec<String>>,
    merged: Vec<((u32, u32), (u32, u32))>,
}

/// Every sheet of a workbook, opened back with calamine.
fn sheets(path: &Path) -> Vec<Sheet> {
    workbook_back(&fs::read(path).unwrap())
        .into_iter()
        .map(|s| Sheet {
            cells: s.trimmed(),
            name: s.name,
            merged: s.merged,
        })
        .collect()
}

/// A CSV report's blocks (forms, then the list), split at its blank lines.
fn csv_blocks(bytes: &[u8]) -> Vec<Vec<Vec<String>>> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a BOM");
    text.split("\n\n")
        .map(|block| {
            csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(block.as_bytes())
                .records()
                .map(|r| trim_row(r.unwrap().iter().map(str::to_string).collect()))
                .collect()
        })
        .collect()
}

/// The text of a part of a workbook (`xl/worksheets/sheet1.xml`).
fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// Writes the report in the three formats into `dir` (named `stem.*`),
/// checks that the workbook's cells are the CSV's, block by block, and
/// that the HTML has the same totals; returns the workbook's sheets and
/// the CSV's blocks.
fn three_formats(
    data: &Path,
    dir: &Path,
    stem: &str,
    args: &[&str],
) -> (Vec<Sheet>, Vec<Vec<Vec<String>>>) {
    let mut paths = Vec::new();
    for ext in ["xlsx", "csv", "html"] {
        let out = dir.join(format!("{stem}.{ext}"));
        let mut all = args.to_vec();
        all.extend(["--out", out.to_str().unwrap()]);
        let (code, stdout, err) = report(data, &all);
        assert!(code <= 1, "{stdout}{err}");
        assert!(stdout.is_empty(), "{stdout}");
        paths.push(out);
    }
    let book = sheets(&paths[0]);
    let blocks = csv_blocks(&fs::read(&paths[1]).unwrap());
    let cells: Vec<&Vec<Vec<String>>> = book.iter().map(|s| &s.cells).collect();
    assert_eq!(
        cells,
        blocks.iter().collect::<Vec<_>>(),
        "the workbook's cells are the CSV's"
    );
    let html = fs::read_to_string(&paths[2]).unwrap();
    for block in &blocks {
        if let Some(total) = block.iter().find(|r| r[0] == "合  计") {
            let cells: String = total[1..].iter().map(|n| format!("<td>{n}</td>")).collect();
            assert!(
                html.contains(&format!("<th scope=\"row\">合  计</th>{cells}")),
                "{html}"
            );
        }
    }
    // No temporary file is left beside what was written.
    let left: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    (book, blocks)
}

/// The 合  计 row of a form's block: its five levels and 小计.
fn total(block: &[Vec<String>]) -> Vec<usize> {
    let row = block
        .iter()
        .find(|r| r[0] == "合  计")
        .expect("a total row");
    row[1..].iter().map(|n| n.parse().unwrap()).collect()
}

/// The row of `label` in a form's block.
fn row_of(block: &[Vec<String>], label: &str) -> Vec<usize> {
    let row = block.iter().find(|r| r[0] == label).expect(label);
    row[1..].iter().map(|n| n.parse().unwrap()).collect()
}

/// Checks a form's sheet: title, 填报单位, month, unit, header, the merged
/// cells of 附件7, its print setup.
fn check_form(book: &Path, index: usize, sheet: &Sheet, filer: &str, month: &str, first: &str) {
    assert_eq!(sheet.cells[0], ["企业职业技能等级认定结果汇总表"]);
    assert_eq!(
        sheet.cells[1],
        [
            format!("填报单位：{filer}（章）"),
            String::new(),
            String::new(),
            String::new(),
            format!("统计月份：{month}"),
            String::new(),
            "单位：人".into()
        ]
    );
    let mut header = ANNEX7_HEADER.to_vec();
    header[0] = first;
    assert_eq!(sheet.cells[2], header);
    let total_row = sheet.cells.iter().position(|r| r[0] == "合  计").unwrap() as u32;
    let mut merged = vec![((0, 0), (0, 6)), ((1, 0), (1, 3)), ((1, 4), (1, 5))];
    merged.extend((total_row + 1..sheet.cells.len() as u32).map(|r| ((r, 0), (r, 6))));
    assert_eq!(sheet.merged, merged, "{}", sheet.name);
    let xml = part(book, &format!("xl/worksheets/sheet{}.xml", index + 1));
    for setup in [
        "<pageSetUpPr fitToPage=\"1\"/>",
        "paperSize=\"9\"",
        "fitToHeight=\"0\"",
        "orientation=\"landscape\"",
        "<printOptions horizontalCentered=\"1\"/>",
        "<col min=\"2\" max=\"6\" width=\"18.7109375\" customWidth=\"1\"/>",
    ] {
        assert!(xml.contains(setup), "{setup} in {xml}");
    }
}

#[test]
fn the_monthly_report_follows_attachment_7() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    // Reviews are required from 2025: what was issued before counts without.
    let mut certs = vec![
        blower_line(&w, "Y000021013002233000001", "2023-05-01", None),
        blower_line(&w, "Y000021013002243000001", "2024-03-01", None),
        blower_line(&w, "Y000021013002245000001", "2024-03-02", None),
    ];
    certs.push(blower_line(
        &w,
        "Y000021013002242000001",
        "2024-03-20",
        Some(("焊工", "6-18-02-04")),
    ));
    let data = fixture(dir.path(), &w, Some("2025-01-01"), &certs, &[]);
    let (code, out, err) = report(&data, &["--institution", BLOWER, "--month", "2024-03"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "\u{feff}企业职业技能等级认定结果汇总表\n\
         填报单位：沈阳鼓风机集团股份有限公司（章）,,,,统计月份：2024年3月,,单位：人\n\
         职业（工种）名称,初级工（五级）,中级工（四级）,高级工（三级）,技师（二级）,高级技师（一级）,小计\n\
         车工,1,0,1,0,0,2\n\
         焊工,0,0,0,1,0,1\n\
         合  计,1,0,1,1,0,3\n\
         机构备案号：Y000021013002\n"
    );
    let (book, blocks) = three_formats(
        &data,
        dir.path(),
        "汇总表",
        &["--institution", BLOWER, "--month", "2024-03"],
    );
    assert_eq!(book.len(), 1, "nothing left out: one sheet");
    assert_eq!(book[0].name, "汇总表");
    let xlsx = dir.path().join("汇总表.xlsx");
    check_form(
        &xlsx,
        0,
        &book[0],
        BLOWER_NAME,
        "2024年3月",
        "职业（工种）名称",
    );
    assert_eq!(total(&blocks[0]), [1, 0, 1, 1, 0, 3]);
    // 小计 and 合计 are formulas, carrying their values.
    let xml = part(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(xml.contains("<f>SUM(B4:F4)</f><v>2</v>"), "{xml}");
    assert!(xml.contains("<f>SUM(G4:G5)</f><v>3</v>"), "{xml}");
    // The same report twice is the same bytes (no clock in the workbook).
    let before = fs::read(&xlsx).unwrap();
    three_formats(
        &data,
        dir.path(),
        "汇总表",
        &["--institution", BLOWER, "--month", "2024-03"],
    );
    assert_eq!(fs::read(&xlsx).unwrap(), before);
    // The format asked for must agree with the name; a workbook needs a file.
    let args = ["--institution", BLOWER, "--month", "2024-03"];
    let (code, _, err) = report(&data, &[&args[..], &["--format", "xlsx"]].concat());
    assert_eq!(code, 2);
    assert!(err.contains("Excel 工作簿不写到标准输出"), "{err}");
    let (code, _, err) = report(
        &data,
        &[&args[..], &["--format", "csv", "--out", "a.xlsx"]].concat(),
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("--format csv 与 --out a.xlsx 的扩展名不符"),
        "{err}"
    );
    let (code, _, err) = report(&data, &["--institution", BLOWER, "--month", "2024-13"]);
    assert_eq!(code, 2);
    assert!(err.contains("YYYY-MM"), "{err}");
}

#[test]
fn the_report_judges_dates_by_its_today_argument() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let certs = [
        blower_line(&w, "Y000021013002243000001", "2024-03-01", None),
        blower_line(&w, "Y000021013002245000001", "2024-03-02", None),
    ];
    let data = fixture(dir.path(), &w, Some("2025-01-01"), &certs, &[]);
    let on = |today: &str| {
        run(certsite()
            .args([
                "report",
                "--institution",
                BLOWER,
                "--month",
                "2024-03",
                "--data",
            ])
            .arg(&data)
            .args(["--today", today]))
    };
    let (code, out, err) = on("2024-12-31");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("合  计,1,0,1,0,0,2"), "{out}");
    // On 2024-03-01 the certificate of 2024-03-02 is dated in the future:
    // it fails verification and is not counted.
    // The report is still written, and says it may be incomplete (exit 1).
    let (code, out, err) = on("2024-03-01");
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("合  计,0,0,1,0,0,1"), "{out}");
    assert!(err.contains("数据目录中有 1 个问题"), "{err}");
}

#[test]
fn unreviewed_and_revoked_certificates_are_left_out_and_listed_beside_the_form() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    // 沈阳市 reviews everything: one certificate reviewed, one not yet, one
    // reviewed and revoked since (the statistics page leaves it out too).
    let reviewed = blower_line(&w, "Y000021013002243000001", "2024-03-01", None);
    let waiting = blower_line(&w, "Y000021013002245000001", "2024-03-02", None);
    let revoked = blower_line(&w, "Y000021013002245000002", "2024-03-03", None);
    let reviews = vec![
        review_line(&w, &reviewed, "2024-02-20", "2024-03-31"),
        review_line(&w, &revoked, "2024-02-20", "2024-03-31"),
    ];
    let revocation = line(
        Statement::Revocation(revocation("Y000021013002245000002", "2024-05-06")),
        &w.blower_b,
    );
    let certs = [reviewed, waiting, revoked];
    let extra = [
        ("reviews.jsonl", reviews),
        ("revocations.jsonl", vec![revocation]),
    ];
    let data = fixture(dir.path(), &w, None, &certs, &extra);
    let args = ["--institution", BLOWER, "--month", "2024-03"];
    let (book, blocks) = three_formats(&data, dir.path(), "r", &args);
    assert_eq!(total(&blocks[0]), [0, 0, 1, 0, 0, 1]);
    assert_eq!(
        blocks[0].last().unwrap(),
        &["另有 2 份本月证书未计入（未经所在市审核、已撤销等），见“未计入汇总的证书”。"]
    );
    let names: Vec<&str> = book.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["汇总表", "未计入"]);
    let list = &book[1];
    assert_eq!(list.cells[0], ["未计入汇总的证书（2024年3月）"]);
    assert_eq!(list.merged, [((0, 0), (0, 5))]);
    assert_eq!(
        list.cells[1],
        [
            "证书编号",
            "职业（工种）名称",
            "等级",
            "发证日期",
            "未计入原因",
            "来源"
        ]
    );
    let certs_file = data.join("certs.jsonl");
    assert_eq!(
        list.cells[2..],
        [
            vec![
                "Y000021013002245000001".to_string(),
                "车工".into(),
                "初级工（五级）".into(),
                "2024-03-02".into(),
                "未经所在市公共就业服务机构主管部门审核".into(),
                format!("{}:2", certs_file.display()),
            ],
            vec![
                "Y000021013002245000002".to_string(),
                "车工".into(),
                "初级工（五级）".into(),
                "2024-03-03".into(),
                "已撤销（2024-05-06：证书信息有误）".into(),
                format!("{}:3", certs_file.display()),
            ],
        ]
    );
    // Said on standard error, with where each is; the form is complete.
    let (code, _, err) = report(&data, &args);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("2 份本月证书未计入汇总"), "{err}");
    assert!(
        err.contains(&format!(
            "{}:2: Y000021013002245000001：未经所在市",
            certs_file.display()
        )),
        "{err}"
    );
    // Without any city statement, nothing is reviewed: nothing counts.
    fs::remove_file(data.join("cities.jsonl")).unwrap();
    fs::remove_file(data.join("reviews.jsonl")).unwrap();
    let (code, out, err) = report(&data, &args);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("合  计,0,0,0,0,0,0"), "{out}");
}

/// The roster of 沈阳鼓风机 for 2024-03 (and one row of April).
const ROSTER: &str = "证书编号,姓名,证件类型,证件号码,职业名称,工种名称,职业编码,等级,发证日期,评价机构
Y000021013002243000001,赵涵丹,居民身份证,210302199104214919,车工,——,6-18-01-01,三级,2024-03-01,沈阳鼓风机集团股份有限公司
Y000021013002245000001,田强岩,居民身份证,210102198906143643,车工,——,6-18-01-01,五级,2024-03-05,沈阳鼓风机集团股份有限公司
Y000021013002242000001,关晓,居民身份证,210902198601120778,焊工,——,6-18-02-04,二级,2024-03-20,沈阳鼓风机集团股份有限公司
Y000021013002245000002,林健,居民身份证,21090219760525447X,车工,——,6-18-01-01,五级,2024-04-02,沈阳鼓风机集团股份有限公司
";

/// A review of a certificate not published yet: the hash of a record the
/// report never sees.
fn unpublished_review(code: &str, reviewed_on: &str, signed_on: &str) -> Statement {
    Statement::Review(Review {
        v: 1,
        code: code.into(),
        certificate: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into(),
        reviewed_on: reviewed_on.into(),
        signed_on: signed_on.into(),
    })
}

#[test]
fn the_enterprise_fills_the_form_from_its_roster_and_its_citys_review() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let data = fixture(dir.path(), &w, None, &[], &[]);
    let roster = dir.path().join("名册-2024-03.csv");
    write_utf8_bom(&roster, ROSTER);
    // The city's output: it signed a review of the first row; a review of
    // the second is signed by another city's key; it returned the third.
    let reviews = dir.path().join("审核结果");
    write_lines(
        &reviews.join("01-2024-03.jsonl"),
        &[
            line(
                unpublished_review("Y000021013002243000001", "2024-02-25", "2024-03-31"),
                &w.shenyang,
            ),
            line(
                unpublished_review("Y000021013002245000001", "2024-03-01", "2024-03-31"),
                &w.dalian,
            ),
        ],
    );
    write_utf8_bom(
        &reviews.join("01-2024-03.jsonl.rejects.csv"),
        "文件,行号,证书编号,原因\n提交.jsonl,3,Y000021013002242000001,审核不通过：理论知识考试成绩不合格\n",
    );
    fs::write(reviews.join("说明.txt"), "审核结果放在这里\n").unwrap();
    let args = [
        "--roster",
        roster.to_str().unwrap(),
        "--review",
        reviews.to_str().unwrap(),
        "--month",
        "2024-03",
    ];
    let (book, blocks) = three_formats(&data, dir.path(), "汇总表", &args);
    check_form(
        &dir.path().join("汇总表.xlsx"),
        0,
        &book[0],
        BLOWER_NAME,
        "2024年3月",
        "职业（工种）名称",
    );
    assert_eq!(blocks[0][3], ["车工", "0", "0", "1", "0", "0", "1"]);
    assert_eq!(total(&blocks[0]), [0, 0, 1, 0, 0, 1]);
    let list = &book[1];
    assert_eq!(list.name, "未计入");
    let reason = |row: usize| list.cells[row][4].clone();
    assert_eq!(list.cells[2][0], "Y000021013002245000001");
    assert!(reason(2).starts_with("审核记录无效："), "{}", reason(2));
    assert!(
        reason(2).contains("不是沈阳市公共就业服务机构主管部门（市代码 01）登记的审核密钥"),
        "{}",
        reason(2)
    );
    assert_eq!(list.cells[2][5], format!("{}:3", roster.display()));
    assert_eq!(list.cells[3][0], "Y000021013002242000001");
    assert_eq!(
        reason(3),
        format!(
            "市审核退回（{}:2）：审核不通过：理论知识考试成绩不合格",
            reviews.join("01-2024-03.jsonl.rejects.csv").display()
        )
    );
    assert_eq!(list.cells.len(), 4, "the April row is not this month's");
    // The review that does not verify is a problem (exit 1), named by file,
    // line and field; the file that is no review output is skipped, said.
    let (code, _, err) = report(&data, &args);
    assert_eq!(code, 1, "{err}");
    let bad = reviews.join("01-2024-03.jsonl");
    assert!(err.contains(&format!("{}:2: kid:", bad.display())), "{err}");
    assert!(
        err.contains(&format!("跳过 {}", reviews.join("说明.txt").display())),
        "{err}"
    );
    assert!(err.contains("名册中另有 1 行不是 2024-03 发证的"), "{err}");
    // A review signed before the certificate was issued is refused (the
    // city uploads what was issued): the first row is then left out too.
    write_lines(
        &bad,
        &[line(
            unpublished_review("Y000021013002243000001", "2024-02-25", "2024-02-28"),
            &w.shenyang,
        )],
    );
    let (code, out, err) = report(&data, &args);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("合  计,0,0,0,0,0,0"), "{out}");
    assert!(
        err.contains("signed_on: 签名（上传）日期 2024-02-28 早于发证日期 2024-03-01"),
        "{err}"
    );
}

#[test]
fn a_roster_with_problems_makes_no_report_and_names_each() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let data = fixture(dir.path(), &w, None, &[], &[]);
    let roster = dir.path().join("名册.csv");
    let bad = ROSTER.replace("210302199104214919", "210302199104214918");
    write_utf8_bom(&roster, &bad);
    let out = dir.path().join("汇总表.xlsx");
    let args = [
        "--roster",
        roster.to_str().unwrap(),
        "--month",
        "2024-03",
        "--out",
        out.to_str().unwrap(),
    ];
    let (code, _, err) = report(&data, &args);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("{}:2: 证件号码:", roster.display())),
        "{err}"
    );
    assert!(err.contains("名册有 1 个问题，未生成汇总表"), "{err}");
    assert!(!out.exists());
    // Two enterprises' rows: choose one.
    let two = format!(
        "{ROSTER}Y000021013003235000001,周明,居民身份证,210302199104214919,装配钳工,——,6-20-01-01,五级,2023-03-01,北方重工集团有限公司\n"
    );
    write_utf8_bom(&roster, &two);
    let (code, _, err) = report(&data, &args);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("名册中有 2 家机构的证书（Y000021013002、Y000021013003）"),
        "{err}"
    );
    let (code, _, err) = report(&data, &[&args[..], &["--institution", HEAVY]].concat());
    assert_eq!(code, 0, "{err}");
    // A review file that is the city's unsigned decisions table is refused.
    let decisions = dir.path().join("审核结果表.csv");
    write_utf8_bom(
        &decisions,
        "证书编号,审核结果,审核日期,原因\nY000021013002243000001,通过,2024-02-25,\n",
    );
    let (code, _, err) = report(
        &data,
        &[
            &args[..],
            &[
                "--institution",
                BLOWER,
                "--review",
                decisions.to_str().unwrap(),
            ],
        ]
        .concat(),
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("是审核结果表：它没有签名，不能证明审核通过"),
        "{err}"
    );
}

#[test]
fn a_city_and_the_province_sum_their_enterprises_in_the_same_layout() {
    let dir = tempfile::tempdir().unwrap();
    let w = World::new();
    let month_certs = [
        blower_line(&w, "Y000021013002233000001", "2023-03-01", None),
        blower_line(&w, "Y000021013002235000001", "2023-03-02", None),
        blower_line(
            &w,
            "Y000021013002232000001",
            "2023-03-09",
            Some(("焊工", "6-18-02-04")),
        ),
        heavy_line(&w, "Y000021013003231000001", "2023-03-10"),
        heavy_line(&w, "Y000021013003235000001", "2023-03-11"),
    ];
    let mut certs = month_certs.to_vec();
    certs.push(blower_line(
        &w,
        "Y000021013002233000002",
        "2023-04-01",
        None,
    ));
    let reviews = (month_certs.iter().chain(&certs[5..]))
        .map(|c| review_line(&w, c, "2023-02-20", "2023-04-30"))
        .collect();
    let data = fixture(dir.path(), &w, None, &certs, &[("reviews.jsonl", reviews)]);
    let month = ["--month", "2023-03"];
    let (_, blower) = three_formats(
        &data,
        dir.path(),
        "blower",
        &[&["--institution", BLOWER][..], &month].concat(),
    );
    let (_, heavy) = three_formats(
        &data,
        dir.path(),
        "heavy",
        &[&["--institution", HEAVY][..], &month].concat(),
    );
    assert_eq!(total(&blower[0]), [1, 0, 1, 1, 0, 3]);
    assert_eq!(total(&heavy[0]), [1, 0, 0, 0, 1, 2]);
    // The city: its enterprises summed by occupation, filed by its review
    // authority, then one row per enterprise.
    let (book, city) = three_formats(
        &data,
        dir.path(),
        "city",
        &[&["--city", "01"][..], &month].concat(),
    );
    let names: Vec<&str> = book.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["汇总表", "分企业"]);
    let xlsx = dir.path().join("city.xlsx");
    check_form(
        &xlsx,
        0,
        &book[0],
        SHENYANG_AUTHORITY,
        "2023年3月",
        "职业（工种）名称",
    );
    check_form(
        &xlsx,
        1,
        &book[1],
        SHENYANG_AUTHORITY,
        "2023年3月",
        "企业名称（机构备案号）",
    );
    assert_eq!(total(&city[0]), [2, 0, 1, 1, 1, 5]);
    assert_eq!(row_of(&city[0], "车工"), [1, 0, 1, 0, 0, 2]);
    assert_eq!(row_of(&city[0], "装配钳工"), [1, 0, 0, 0, 1, 2]);
    assert_eq!(
        row_of(&city[1], &format!("{BLOWER_NAME}（{BLOWER}）")),
        total(&blower[0])
    );
    assert_eq!(
        row_of(&city[1], &format!("{HEAVY_NAME}（{HEAVY}）")),
        total(&heavy[0])
    );
    assert_eq!(total(&city[1]), total(&city[0]));
    // By name as well as by number; a city the root does not list is the
    // data's answer (1), a name that is no city an argument error (2).
    let (code, out, _) = report(&data, &[&["--city", "沈阳市"][..], &month].concat());
    assert_eq!(code, 0);
    assert_eq!(csv_blocks(out.as_bytes()), city);
    let (code, _, err) = report(&data, &[&["--city", "02"][..], &month].concat());
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("根密钥没有列出市代码 02 的审核机构"), "{err}");
    let (code, _, err) = report(&data, &[&["--city", "北京"][..], &month].concat());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--city “北京”不是市代码"), "{err}");
    // The province: one row per city (all fourteen, at zero when empty),
    // filed by the root's holder, then each city's form as the city files it.
    let (book, province) = three_formats(
        &data,
        dir.path(),
        "province",
        &[&["--province"][..], &month].concat(),
    );
    let names: Vec<&str> = book.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["汇总表", "沈阳市"]);
    let xlsx = dir.path().join("province.xlsx");
    check_form(&xlsx, 0, &book[0], "测试根", "2023年3月", "市");
    assert_eq!(book[0].cells.len(), 3 + 14 + 1 + 1);
    assert_eq!(row_of(&province[0], "沈阳市"), total(&city[0]));
    assert_eq!(row_of(&province[0], "大连市"), [0; 6]);
    assert_eq!(total(&province[0]), total(&city[0]));
    assert_eq!(
        province[1], city[0],
        "the city's form, as the city files it"
    );
}
