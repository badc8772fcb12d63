//! `certsite review`: the city's review of an enterprise's signed
//! certificates (notice 四(四)1-2), and the list that goes back to the
//! enterprise.

use std::path::PathBuf;

use clap::Args;

use super::output::{Output, problems_json};
use super::{CmdResult, Exit, JsonArg, TodayArg, date_arg};
use crate::input::review::{Outcome, ReviewError, ReviewOptions, ReviewReport, review};
use certsite_core::trust::problem::Problem;

pub(super) const REVIEW_EXAMPLES: &str = "示例：
  certsite review --key keys/city-01.key --input certificates/Y000021013999.jsonl \\
      --decisions 审核结果.xlsx --data . --out reviews/01-2026-03.jsonl --rejects 退回.csv
  certsite review --key keys/city-01.key --input 企业/Y000021013002.jsonl \\
      --reviewed-on 2026-03-20 --out reviews/01-2026-03.jsonl --json";

#[derive(Debug, Args)]
pub(super) struct ReviewArgs {
    /// 审核机构（市公共就业服务机构主管部门）的签名私钥（.key）
    #[arg(long, value_name = "KEY.key")]
    key: PathBuf,
    /// 企业签名的证书数据集（.jsonl），可多次给出
    #[arg(long, required = true, value_name = "FILE.jsonl")]
    input: Vec<PathBuf>,
    /// 数据目录：根公钥、机构目录、城市审核机构名单和已有的审核记录
    ///
    /// 证书按 verify 的规则与数据目录一起验证；签名密钥须列在根密钥签名的城市审核机构名单中。
    #[arg(long, default_value = "data", value_name = "DIR")]
    data: PathBuf,
    /// 审核结果表（CSV/Excel）：证书编号、审核结果（通过/不通过）、审核日期、原因
    ///
    /// 只审核标为“通过”的证书；不通过的和表中没有的列入退回清单。不给则审核通过所有验证通过的证书。
    #[arg(long, value_name = "FILE")]
    decisions: Option<PathBuf>,
    /// 审核日期：不用审核结果表时适用于全部证书；用审核结果表时补给未填审核日期的行
    #[arg(long, value_name = "YYYY-MM-DD")]
    reviewed_on: Option<String>,
    /// 审核记录数据集（.jsonl）；已存在时保留其中的审核记录，追加新的
    #[arg(long, value_name = "FILE.jsonl")]
    out: PathBuf,
    /// 退回清单：未审核的证书及原因，退回企业（默认 OUT.rejects.csv）
    #[arg(long, value_name = "FILE.csv")]
    rejects: Option<PathBuf>,
    #[command(flatten)]
    today: TodayArg,
    #[command(flatten)]
    pub(super) json: JsonArg,
}

/// A certificate and what became of it, as JSON.
fn outcome_json(o: &Outcome) -> serde_json::Value {
    serde_json::json!({
        "file": o.file.display().to_string(),
        "line": o.line,
        "code": o.code,
        "reason": o.reason,
    })
}

/// The JSON summary of a review run.
fn review_json(r: &ReviewReport) -> serde_json::Value {
    serde_json::json!({
        "ok": r.returned.is_empty(),
        "written": r.written.as_ref().map(|p| p.display().to_string()),
        "kid": r.kid,
        "city_code": r.city.city_code,
        "authority": r.city.authority,
        "certificates": r.lines,
        "reviewed": r.signed,
        "kept": r.kept,
        "already_reviewed": r.already.iter().map(outcome_json).collect::<Vec<_>>(),
        "returned": r.returned.iter().map(outcome_json).collect::<Vec<_>>(),
        "rejects_file": r.rejects_file.as_ref().map(|p| p.display().to_string()),
        "notes": r.notes,
        "problems": problems_json(&r.problems),
    })
}

pub(super) fn review_cmd(a: &ReviewArgs, out: &Output) -> CmdResult {
    let key = crate::key_files::read_secret(&a.key)?;
    let reviewed_on = match &a.reviewed_on {
        Some(d) => Some(date_arg(d, "--reviewed-on ")?),
        None => None,
    };
    let opts = ReviewOptions {
        key: &key,
        inputs: a.input.clone(),
        data: a.data.clone(),
        decisions: a.decisions.clone(),
        reviewed_on,
        out: a.out.clone(),
        rejects: a.rejects.clone(),
        today: a.today.date()?,
    };
    let r = match review(&opts) {
        Ok(r) => r,
        Err(ReviewError::Invalid(problems)) => {
            out.problems(&problems);
            out.trouble(&format!(
                "审核结果表有 {} 个问题，未审核，未写出任何文件。修正后重试。",
                problems.len()
            ));
            out.json(&serde_json::json!({
                "ok": false,
                "written": null,
                "reviewed": 0,
                "problems": problems_json(&problems),
            }));
            return Ok(Exit::Problems);
        }
        Err(ReviewError::Usage(why)) => return Err(why.into()),
        Err(ReviewError::Cannot(p)) => return Err(p.to_string().into()),
        Err(ReviewError::Fs(e)) => return Err(e.into()),
    };
    tell(out, &r);
    out.json(&review_json(&r));
    Ok(if r.returned.is_empty() {
        Exit::Success
    } else {
        Exit::Problems
    })
}

/// The summary in words: who reviewed, what was signed, skipped and returned.
fn tell(out: &Output, r: &ReviewReport) {
    r.notes.iter().for_each(|n| out.note(n));
    out.say(&format!(
        "审核机构  {}（市代码 {}，密钥 {}）",
        r.city.authority, r.city.city_code, r.kid
    ));
    out.say(&format!("读取了 {} 条证书记录", r.lines));
    match &r.written {
        Some(path) if r.kept > 0 => out.say(&format!(
            "已审核并签名 {} 份 → {}（保留其中原有的 {} 条审核记录）",
            r.signed,
            path.display(),
            r.kept
        )),
        Some(path) => out.say(&format!(
            "已审核并签名 {} 份 → {}",
            r.signed,
            path.display()
        )),
        None => out.say("没有新的审核记录，没有写出审核记录数据集"),
    }
    if !r.already.is_empty() {
        let mut text = format!("{} 份证书此前已审核，跳过：", r.already.len());
        for o in r.already.iter().take(10) {
            text.push_str(&format!(
                "\n  {}:{}: {}：{}",
                o.file.display(),
                o.line,
                o.code,
                o.reason
            ));
        }
        if r.already.len() > 10 {
            text.push_str(&format!("\n  …另有 {} 份", r.already.len() - 10));
        }
        out.note(&text);
    }
    if r.returned.is_empty() {
        out.passed("全部审核。");
        return;
    }
    // Each returned certificate, located as a problem is.
    let located: Vec<Problem> = (r.returned.iter())
        .map(|o| match o.code.as_str() {
            "" => Problem::line(&o.file, o.line, &o.reason),
            code => Problem::field(&o.file, o.line, code, &o.reason),
        })
        .collect();
    out.problems(&located);
    let list = r
        .rejects_file
        .as_ref()
        .map(|p| format!("，已列入 {}（退回企业）", p.display()))
        .unwrap_or_default();
    out.trouble(&format!("{} 份证书未审核{list}。", r.returned.len()));
}
