//! `certsite init` and `certsite keygen`: a new data folder, a new key pair.

use std::path::PathBuf;

use clap::Args;

use super::output::Output;
use super::{CmdResult, Exit};
use crate::error::{FsAction, FsContext};

pub(super) const INIT_EXAMPLES: &str = "示例：
  certsite init mysite --title \"辽宁省职业技能等级证书查询\" \\
      --authority \"辽宁省人力资源和社会保障厅\" --base-url https://certs.example.gov.cn/
  certsite init test-site --base-url http://127.0.0.1:8000/
  cd mysite && certsite build --data . --out public";

pub(super) const KEYGEN_EXAMPLES: &str = "示例：
  certsite keygen --out keys/Y000021013002 --label 沈阳鼓风机集团股份有限公司
  certsite keygen --out keys/root --label 辽宁省人力资源和社会保障厅";

#[derive(Debug, Args)]
pub(super) struct InitArgs {
    /// 要新建的数据目录（不存在或为空）
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// 站点标题
    #[arg(long, default_value = "职业技能等级证书查询")]
    title: String,
    /// 根密钥的持有者（发证机关）
    #[arg(long, default_value = "（请在 certsite.toml 中填写根密钥的持有者）")]
    authority: String,
    /// 站点发布的地址，以 / 结尾（写进根密钥签名的发布者声明，二维码打开它）
    #[arg(long, value_name = "URL")]
    base_url: String,
}

#[derive(Debug, Args)]
pub(super) struct KeygenArgs {
    /// 输出前缀：写出 PREFIX.key 和 PREFIX.pub（已存在则拒绝覆盖）
    #[arg(long, value_name = "PREFIX")]
    out: PathBuf,
    /// 写进密钥文件注释的说明，如机构名称
    #[arg(long, default_value = "")]
    label: String,
}

pub(super) fn init_cmd(a: &InitArgs, out: &Output) -> CmdResult {
    crate::data::config::check_base_url(&a.base_url).map_err(|why| format!("--base-url：{why}"))?;
    for (flag, text) in [("--title", &a.title), ("--authority", &a.authority)] {
        if text.trim().is_empty() || text.chars().any(char::is_control) {
            return Err(format!("{flag} 须是一行不为空的文字").into());
        }
    }
    let opts = crate::init::InitOptions {
        dir: a.dir.clone(),
        title: a.title.clone(),
        authority: a.authority.clone(),
        base_url: a.base_url.clone(),
    };
    let secrets = match crate::init::init(&opts) {
        Ok(secrets) => secrets,
        Err(e @ crate::init::InitError::Interrupted(_)) => {
            out.trouble(&e.to_string());
            return Ok(Exit::Interrupted);
        }
        Err(e) => return Err(e.into()),
    };
    let dir = a.dir.display();
    out.say(&format!(
        "已新建数据目录 {dir}：根密钥、日志密钥、发布者声明、certsite.toml、页面和示例表格。"
    ));
    out.say("");
    // Where the secret keys are is said even with --quiet: losing track of
    // them is worse than a line too many.
    let loud = Output {
        quiet: false,
        json: false,
    };
    loud.note("私钥（权限 0600）：");
    for path in &secrets {
        loud.note(&format!("    {}", path.display()));
    }
    loud.note(
        "根私钥 keys/root.key 只在签名机构目录、城市审核机构名单、撤销和发布者声明时使用：按 README.md 签好机构目录和审核机构名单后，移到离线保管处，不要留在这台机器上，不要发布。",
    );
    out.say("");
    out.say("下一步（按通知四(四)1-2 的流程，命令见 README.md）：");
    out.say(
        "  1. 根密钥签名机构目录（examples/directory.csv）和各市审核机构（examples/cities.csv）",
    );
    out.say("  2. 企业用自己的密钥签名证书名册（examples/certificates.csv）");
    out.say("  3. 所在市公共就业服务机构主管部门用 certsite review 审核企业的数据集，签名审核记录，退回未通过的");
    out.say("  4. certsite build 验证全部数据并生成站点");
    out.say(&format!(
        "详见 {dir}/README.md；现在就可以生成一个空站点：cd {dir} && certsite build --data . --out public"
    ));
    Ok(Exit::Success)
}

pub(super) fn keygen_cmd(a: &KeygenArgs, out: &Output) -> CmdResult {
    // A prefix names the files: `keys/` or an existing folder would give a
    // hidden `keys/.key`.
    let text = a.out.as_os_str().to_string_lossy();
    if a.out.is_dir()
        || text.ends_with('/')
        || text.ends_with(std::path::MAIN_SEPARATOR)
        || a.out.file_name().is_none()
    {
        return Err(format!(
            "--out {}：是目录，不是文件名前缀；请写成如 {}/root（写出 root.key 和 root.pub）",
            a.out.display(),
            text.trim_end_matches(['/', std::path::MAIN_SEPARATOR])
        )
        .into());
    }
    if let Some(parent) = a.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).fs(FsAction::CreateDir, parent)?;
    }
    let key = crate::key_files::generate()?;
    let (secret, public) = crate::key_files::write_pair(&key, &a.out, &a.label)?;
    let pk = key.public();
    out.say(&format!(
        "私钥  {}（权限 0600，切勿外传）",
        secret.display()
    ));
    out.say(&format!("公钥  {}", public.display()));
    out.say(&format!("kid   {}", pk.kid()));
    out.say(&format!("指纹  SHA-256 {}", pk.fingerprint()));
    Ok(Exit::Success)
}
