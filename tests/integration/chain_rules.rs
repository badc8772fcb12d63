//! Every rule of the trust chain, one fixture each: what passes, and the
//! exact problem (file, line, field) when a rule is broken.

use certsite::data::dataset;
use certsite_core::trust::chain::Chain;
use certsite_core::trust::options::VerifyOptions;
use certsite_core::trust::statement::Statement;
use certsite_core::trust::verifier::{Verified, Verifier};

use crate::support::*;

const A_2023: &str = "Y000021013002233000001";
const A_2024: &str = "Y000021013002243000001";

/// Writes the files, verifies them, returns the chain and the problems
/// with paths relative to the fixture folder.
fn check(world: &World, files: &[(&str, Vec<String>)]) -> (Chain, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    for (name, lines) in files {
        write_lines(&dir.path().join(name), lines);
    }
    let found = dataset::find_datasets(&[dir.path().to_path_buf()]).unwrap();
    let verifier = Verifier {
        root: world.root.public(),
        options: VerifyOptions {
            today: jiff::civil::date(2026, 11, 30),
            min_iterations: 1_000_000,
        },
    };
    let Verified {
        chain, problems, ..
    } = dataset::verify_files(&verifier, &found, Vec::new());
    let prefix = format!("{}/", dir.path().display());
    let problems = problems
        .iter()
        .map(|p| p.to_string().replace(&prefix, ""))
        .collect();
    (chain, problems)
}

fn directory(w: &World) -> (&'static str, Vec<String>) {
    (
        "directory.jsonl",
        vec![
            line(Statement::Institution(w.blower()), &w.root),
            line(Statement::Institution(w.heavy()), &w.root),
        ],
    )
}

fn cert(code: &str, on: &str) -> Statement {
    Statement::Certificate(certificate(code, on))
}

#[test]
fn a_valid_chain_passes_with_rotation_and_revocation() {
    let w = World::new();
    let (chain, problems) = check(
        &w,
        &[
            directory(&w),
            (
                "certs.jsonl",
                vec![
                    line(cert(A_2023, "2023-12-31"), &w.blower_a),
                    line(cert(A_2024, "2024-01-01"), &w.blower_b),
                    // The same statement twice is one certificate, not a conflict.
                    line(cert(A_2024, "2024-01-01"), &w.blower_b),
                ],
            ),
            (
                "revocations.jsonl",
                vec![
                    line(
                        Statement::Revocation(revocation(A_2023, "2024-03-01")),
                        &w.blower_b,
                    ),
                    line(
                        Statement::Revocation(revocation(A_2024, "2025-01-01")),
                        &w.root,
                    ),
                ],
            ),
        ],
    );
    assert_eq!(problems, Vec::<String>::new());
    assert_eq!(chain.institutions().len(), 2);
    assert_eq!(chain.certificates.len(), 2);
    assert_eq!(chain.revocations.len(), 2);
}

#[test]
fn a_tampered_byte_is_named_by_file_and_line() {
    let w = World::new();
    let good = line(cert(A_2024, "2024-05-01"), &w.blower_b);
    let tampered = good.replace("2024-05-01", "2024-05-02");
    let (chain, problems) = check(&w, &[directory(&w), ("certs.jsonl", vec![good, tampered])]);
    assert_eq!(
        problems,
        [format!(
            "certs.jsonl:2: sig: 签名无效：内容被改动，或不是密钥 {} 所签",
            w.blower_b.public().kid()
        )]
    );
    assert_eq!(chain.certificates.len(), 1);
}

#[test]
fn a_certificate_signed_by_another_institutions_key() {
    let w = World::new();
    let (_, problems) = check(
        &w,
        &[
            directory(&w),
            (
                "certs.jsonl",
                vec![line(cert(A_2024, "2024-05-01"), &w.heavy)],
            ),
        ],
    );
    assert_eq!(
        problems,
        [format!(
            "certs.jsonl:1: kid: 密钥 {} 不是机构 {BLOWER} 登记的签名密钥",
            w.heavy.public().kid()
        )]
    );
}

#[test]
fn a_key_used_outside_its_window() {
    let w = World::new();
    // Key A was cut off on 2023-12-31; key B starts on 2024-01-01.
    let (_, problems) = check(
        &w,
        &[
            directory(&w),
            (
                "certs.jsonl",
                vec![
                    line(cert(A_2024, "2024-01-01"), &w.blower_a),
                    line(cert(A_2023, "2023-12-31"), &w.blower_b),
                ],
            ),
        ],
    );
    assert_eq!(
        problems,
        [
            format!(
                "certs.jsonl:1: issued_on: 发证日期 2024-01-01 不在签名密钥 {} 的有效期（2020-06-01 至 2023-12-31）内",
                w.blower_a.public().kid()
            ),
            format!(
                "certs.jsonl:2: issued_on: 发证日期 2023-12-31 不在签名密钥 {} 的有效期（2024-01-01 至 今）内",
                w.blower_b.public().kid()
            ),
        ]
    );
}

#[test]
fn an_expired_filing() {
    let w = World::new();
    let mut c = certificate("Y000021013003243000001", "2024-03-01");
    c.institution = HEAVY_NAME.into();
    c.occupation = "装配钳工".into();
    c.occupation_code = "6-20-01-01".into();
    let (_, problems) = check(
        &w,
        &[
            directory(&w),
            (
                "certs.jsonl",
                vec![line(Statement::Certificate(c), &w.heavy)],
            ),
        ],
    );
    assert_eq!(
        problems,
        [
            "certs.jsonl:1: issued_on: 发证日期 2024-03-01 不在机构资质有效期（2020-07-01 至 2023-06-30）内"
        ]
    );
}

#[test]
fn out_of_scope_occupation_and_level() {
    let w = World::new();
    let mut other = certificate(A_2024, "2024-03-01");
    other.occupation = "铣工".into();
    other.occupation_code = "6-18-01-02".into();
    // 车工 is filed 五级-三级 only: a 二级 certificate is out of range.
    let too_high = certificate("Y000021013002242000001", "2024-03-01");
    let (_, problems) = check(
        &w,
        &[
            directory(&w),
            (
                "certs.jsonl",
                vec![
                    line(Statement::Certificate(other), &w.blower_b),
                    line(Statement::Certificate(too_high), &w.blower_b),
                ],
            ),
        ],
    );
    assert_eq!(
        problems,
        [
            "certs.jsonl:1: occupation_code: 6-18-01-02 铣工 不在机构备案的职业（工种）范围内",
            "certs.jsonl:2: level: 二级/技师 超出备案的等级范围 五级-三级",
        ]
    );
}

#[test]
fn an_access_controlled_occupation_is_refused() {
    let w = World::new();
    let mut c = certificate(A_2024, "2024-03-01");
    c.occupation = "保安员".into();
    c.occupation_code = "4-07-05-01".into();
    let (_, problems) = check(
        &w,
        &[
            directory(&w),
            (
                "certs.jsonl",
                vec![line(Statement::Certificate(c), &w.blower_b)],
            ),
        ],
    );
    assert!(
        problems.contains(&"certs.jsonl:1: occupation_code: “保安员”属于准入类职业（工种），不纳入企业技能等级认定范围".to_string()),
        "{problems:?}"
    );
}

#[test]
fn a_duplicate_code_with_different_content() {
    let w = World::new();
    let (chain, problems) = check(
        &w,
        &[
            directory(&w),
            (
                "certs.jsonl",
                vec![
                    line(cert(A_2024, "2024-03-01"), &w.blower_b),
                    line(cert(A_2024, "2024-03-02"), &w.blower_b),
                ],
            ),
        ],
    );
    assert!(
        problems[0].starts_with("certs.jsonl:2: code: 证书编号 Y000021013002243000001 重复："),
        "{problems:?}"
    );
    assert!(
        problems[0].ends_with("certs.jsonl:1 已有内容不同的记录"),
        "{problems:?}"
    );
    assert!(
        chain.certificates.is_empty(),
        "neither version is published"
    );
}

#[test]
fn revocations_only_for_existing_certificates_by_issuer_or_root() {
    let w = World::new();
    let (_, problems) = check(
        &w,
        &[
            directory(&w),
            (
                "certs.jsonl",
                vec![line(cert(A_2024, "2024-03-01"), &w.blower_b)],
            ),
            (
                "revocations.jsonl",
                vec![
                    line(
                        Statement::Revocation(revocation("Y000021013002243000099", "2024-05-01")),
                        &w.blower_b,
                    ),
                    line(
                        Statement::Revocation(revocation(A_2024, "2024-05-01")),
                        &w.heavy,
                    ),
                    line(
                        Statement::Revocation(revocation(A_2024, "2024-02-01")),
                        &w.root,
                    ),
                ],
            ),
        ],
    );
    assert_eq!(
        problems,
        [
            "revocations.jsonl:1: code: 撤销的证书 Y000021013002243000099 不存在".to_string(),
            format!(
                "revocations.jsonl:2: kid: 密钥 {} 既不是根密钥，也不是评价机构 {BLOWER} 或其所在市审核机构的签名密钥",
                w.heavy.public().kid()
            ),
            "revocations.jsonl:3: revoked_on: 撤销日期 2024-02-01 早于发证日期 2024-03-01"
                .to_string(),
        ]
    );
}

#[test]
fn institution_statements_must_come_from_the_root() {
    let w = World::new();
    let (chain, problems) = check(
        &w,
        &[
            (
                "directory.jsonl",
                vec![line(Statement::Institution(w.blower()), &w.heavy)],
            ),
            (
                "certs.jsonl",
                vec![line(cert(A_2024, "2024-03-01"), &w.blower_b)],
            ),
        ],
    );
    assert_eq!(
        problems,
        [
            "certs.jsonl:1: code: 评价机构 Y000021013002 不在已签名的机构目录中".to_string(),
            format!(
                "directory.jsonl:1: kid: 机构声明须由根密钥 {} 签名，此处为 {}",
                w.root.public().kid(),
                w.heavy.public().kid()
            ),
        ]
    );
    assert!(chain.institutions().is_empty());
}

#[test]
fn the_institution_name_must_match_the_directory_exactly() {
    let w = World::new();
    let mut c = certificate(A_2024, "2024-03-01");
    c.institution = "沈阳鼓风机集团股份公司".into();
    let (_, problems) = check(
        &w,
        &[
            directory(&w),
            (
                "certs.jsonl",
                vec![line(Statement::Certificate(c), &w.blower_b)],
            ),
        ],
    );
    assert_eq!(
        problems,
        [
            "certs.jsonl:1: institution: “沈阳鼓风机集团股份公司”与机构目录中的名称“沈阳鼓风机集团股份有限公司”不一致"
        ]
    );
}

#[test]
fn no_issue_date_in_the_future() {
    let w = World::new();
    let (_, problems) = check(
        &w,
        &[
            directory(&w),
            (
                "certs.jsonl",
                vec![line(
                    cert("Y000021013002273000001", "2027-01-04"),
                    &w.blower_b,
                )],
            ),
        ],
    );
    assert_eq!(
        problems,
        ["certs.jsonl:1: issued_on: 发证日期 2027-01-04 晚于今天 2026-11-30"]
    );
}

#[test]
fn the_newest_institution_statement_wins_and_same_day_conflicts_are_refused() {
    let w = World::new();
    // 2020: only key A, open-ended. 2024: key A cut off, key B added.
    let mut old = w.blower();
    old.keys.truncate(1);
    old.keys[0].valid_until = None;
    old.issued_on = "2020-06-01".into();
    let (chain, problems) = check(
        &w,
        &[
            (
                "directory.jsonl",
                vec![
                    line(Statement::Institution(old.clone()), &w.root),
                    line(Statement::Institution(w.blower()), &w.root),
                ],
            ),
            // Under the newest statement key A may not sign in 2024.
            (
                "certs.jsonl",
                vec![line(cert(A_2024, "2024-03-01"), &w.blower_a)],
            ),
        ],
    );
    assert_eq!(chain.superseded, 1);
    assert_eq!(chain.institutions()[BLOWER].statement.keys.len(), 2);
    assert_eq!(problems.len(), 1);
    assert!(problems[0].contains("不在签名密钥"), "{problems:?}");

    let mut same_day = w.blower();
    same_day.name = "别名".into();
    let (_, problems) = check(
        &w,
        &[(
            "directory.jsonl",
            vec![
                line(Statement::Institution(w.blower()), &w.root),
                line(Statement::Institution(same_day), &w.root),
            ],
        )],
    );
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].contains("在同一签发日期 2024-01-01 有两份内容不同的声明"),
        "{problems:?}"
    );
}

#[test]
fn a_statement_that_hides_too_little_is_refused() {
    let w = World::new();
    let mut c = certificate(A_2024, "2024-03-01");
    c.id_masked = "210102199003071233".into();
    c.iterations = 10_000;
    let (_, problems) = check(
        &w,
        &[
            directory(&w),
            (
                "certs.jsonl",
                vec![line(Statement::Certificate(c), &w.blower_b)],
            ),
        ],
    );
    assert_eq!(
        problems,
        [
            "certs.jsonl:1: id_masked: 公开的证件号码只能显示最后 2 位，其余为 *",
            "certs.jsonl:1: iterations: 迭代次数 10000 低于隐私保护要求的 1000000",
        ]
    );
}

#[test]
fn malformed_lines_and_unknown_fields() {
    let w = World::new();
    let mut extra =
        serde_json::to_value(Statement::Certificate(certificate(A_2024, "2024-03-01"))).unwrap();
    extra["holder"] = "张三".into();
    let sig = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode([0u8; 64])
    };
    let (_, problems) = check(
        &w,
        &[
            directory(&w),
            (
                "certs.jsonl",
                vec![
                    "not json".into(),
                    format!("{{\"kid\":\"x\",\"sig\":\"{sig}\",\"statement\":{extra}}}"),
                ],
            ),
        ],
    );
    assert!(
        problems[0].starts_with("certs.jsonl:1: 不是合法的 JSON"),
        "{problems:?}"
    );
    assert!(
        problems[1] == "certs.jsonl:2: statement: 不应有字段 holder",
        "{problems:?}"
    );
}
