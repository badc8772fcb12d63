//! The words a Chinese official reads, held to the notice (辽人社〔2020〕22号):
//! phrases the notice does not use where it has its own, promises the site
//! does not keep, and the key sentences, pinned where they live (the page
//! strings, the Markdown pages, `certsite code explain`).

use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{certsite, repo, run};

/// Every file a reader meets the site's or the tool's words in: the page
/// templates and their strings, the browser client, the Markdown pages,
/// the configuration and the Rust sources (the CLI's messages and help).
fn worded_files() -> Vec<PathBuf> {
    let root = repo();
    let mut files = Vec::new();
    for dir in ["site-templates", "generator", "data/pages"] {
        for entry in walkdir::WalkDir::new(root.join(dir)).sort_by_file_name() {
            let entry = entry.unwrap();
            let ext = entry.path().extension().and_then(|e| e.to_str());
            if matches!(
                ext,
                Some("rs" | "js" | "json" | "html" | "md" | "toml" | "css")
            ) {
                files.push(entry.into_path());
            }
        }
    }
    files.push(root.join("data/certsite.toml"));
    files
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The notice's words where the project had others: (what must not appear,
/// the notice's own, lines that may keep it).
const REPLACED: &[(&str, &str, &[&str])] = &[
    // 附件6 注2 names the field 评价机构; a roster may still head its column
    // 发证机构, which the reader accepts as a synonym.
    ("发证机构", "评价机构", &["&[\"发证机构\""]),
    // 四（一）: 资质有效期为3年.
    ("备案有效期", "资质有效期", &[]),
    // 三（二）1: the method is 考核测评 (考核评价 is only the notice's
    // "考核评价经验" of an applicant, quoted on the notice page; the print
    // module names it as an older word it does not repeat).
    (
        "考核评价",
        "考核测评",
        &[
            "考核评价经验",
            "older word such as 考核评价",
            "!html.contains(\"考核评价\")",
            "Some(\"考核评价\")",
            "[\"考核评价\", ",
        ],
    ),
    // Not in the notice: a code's year has no earliest value in 附件5.
    ("本编码规则自2019年起施行", "earliest_issue_year", &[]),
    // Untrue: the site publishes masked numbers and holder hashes.
    (
        "不保存也不查询任何个人信息",
        "what is published, said exactly",
        &[],
    ),
    // Untrue for most codes: the shard and the issuer's file name one.
    ("服务器不知道您查的是哪份证书", "what the host learns", &[]),
    // The route of 附件5 二: 0000 is every enterprise but a central one's branch.
    ("0000（在省人社厅备案）", "0000（非央企驻辽分支机构）", &[]),
];

#[test]
fn the_notices_words_replace_the_ones_it_does_not_use() {
    let mut found = Vec::new();
    for path in worded_files() {
        let text = read(&path);
        for (n, line) in text.lines().enumerate() {
            for (wrong, right, allowed) in REPLACED {
                if line.contains(wrong) && !allowed.iter().any(|a| line.contains(a)) {
                    found.push(format!("{}:{}: “{wrong}” → {right}", path.display(), n + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// 机构类别代码 is position 1 (Y/S, 附件5 一); the kind of position 10 (1-6,
/// 附件5 四) has no name in the notice and must not borrow that one.
#[test]
fn position_ten_is_not_called_the_category() {
    let mut found = Vec::new();
    for path in worded_files() {
        for (n, line) in read(&path).lines().enumerate() {
            if line.replace("机构类别代码", "").contains("机构类别") {
                found.push(format!("{}:{}", path.display(), n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "机构类别 without 代码:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_page_strings_say_what_is_published_and_what_the_host_learns() {
    let zh: serde_json::Value =
        serde_json::from_str(&read(&repo().join("site-templates/i18n/zh.json"))).unwrap();
    let t = &zh["page"];
    let footer = t["footer_privacy"].as_str().unwrap();
    for said in [
        "证件号码后两位",
        "慢哈希",
        "只在浏览器中比对",
        "不会发送出去",
        "经所在市审核",
    ] {
        assert!(footer.contains(said), "footer: {footer}");
    }
    let trust = t["trust_compare"].as_str().unwrap();
    assert!(
        trust.contains("二维码下印有这一指纹的前16位（每4位一组）"),
        "{trust}"
    );
    // The Chinese batch CSV is headed in Chinese throughout.
    let header = zh["script"]["batchHeader"].as_array().unwrap();
    assert!(
        header.iter().all(|h| !h.as_str().unwrap().is_ascii()),
        "{header:?}"
    );
    let about = read(&repo().join("data/pages/about.md"));
    for said in [
        "托管本站的服务器能看到您的浏览器下载了哪些文件",
        "对大多数证书编号足以让服务器知道查的是哪一份证书",
        "服务器看不到的是您输入的持证人姓名和证件号码",
        "但单字名容易得多",
    ] {
        assert!(about.contains(said), "about.md lacks “{said}”");
    }
}

#[test]
fn the_notice_page_keeps_the_notices_titles_and_numbering() {
    let notice = read(&repo().join("data/pages/notice.md"));
    assert!(notice.contains("## 附件9　我省首批职业技能等级认定试点企业名单\n"));
    assert!(notice.contains("## 附件8　职业技能等级认定试点央企驻辽分公司名单\n"));
    let annex5 = &notice[notice.find("## 附件5").unwrap()..notice.find("## 附件6").unwrap()];
    let numbered: Vec<&str> = (annex5.lines())
        .filter_map(|l| l.split_once('、').map(|(n, _)| n))
        .filter(|n| n.chars().count() == 1)
        .collect();
    assert_eq!(
        numbered,
        ["一", "二", "三", "四", "五", "六", "七"],
        "{annex5}"
    );
    assert!(!annex5.lines().any(|l| l.starts_with("1. ")), "{annex5}");
}

#[test]
fn code_explain_says_the_route_in_the_notices_terms() {
    let (code, stdout, stderr) = run(certsite().args(["code", "explain", "Y000021013002"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("0000（非央企驻辽分支机构）"), "{stdout}");
    assert!(
        stdout.contains("第10位    机构类型      3（市属企业）"),
        "{stdout}"
    );
    let (code, stdout, stderr) = run(certsite().args(["code", "explain", "Y001121011001"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("0011（央企总部经人社部备案赋码）"),
        "{stdout}"
    );
    // 附件5 sets no earliest year: a 2018 code is explained, not refused.
    let (code, stdout, stderr) =
        run(certsite().args(["code", "explain", "Y000021013002183000001"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("2018"), "{stdout}");
}
