//! `certsite init DIR`: a working data folder for a new deployment. A root
//! key, the publisher's log key and the root's statement listing it, a
//! `certsite.toml` with every option explained, the Markdown pages, example
//! spreadsheets with the exact headers (the directory, the cities' review
//! authorities, a roster, the city's decisions, revocations), and a README
//! of the next commands, in the notice's order: the province signs the
//! directory and the cities, the enterprise its roster, the city reviews.
//! `certsite build` on it right away publishes a valid, empty site.

use std::path::{Path, PathBuf};

use crate::data::config::CONFIG_FILE;
use crate::data::dataset::write_atomic;
use crate::error::{FsAction, FsContext, FsError};
use crate::log::commands::Authorize;
use crate::staging::{Staging, interrupted};
use certsite_core::domain::dates::today_in_china;
use certsite_core::trust::statement::KeyEntry;

/// What the new deployment is called and where it will be published.
#[derive(Clone, Debug)]
pub(crate) struct InitOptions {
    /// The data folder to create (absent or empty).
    pub dir: PathBuf,
    /// The site's title.
    pub title: String,
    /// Who holds the root key.
    pub authority: String,
    /// Where the site will be published.
    pub base_url: String,
}

/// Why no folder was made.
#[derive(Debug, thiserror::Error)]
pub(crate) enum InitError {
    /// The folder has files: nothing is overwritten.
    #[error("{} 已存在且不是空目录：init 不覆盖任何文件，请指定一个新目录", .0.display())]
    NotEmpty(PathBuf),
    /// A file could not be written.
    #[error(transparent)]
    Fs(#[from] FsError),
    /// A key could not be made.
    #[error(transparent)]
    Key(#[from] crate::key_files::KeyError),
    /// Ctrl-C: nothing was made.
    #[error("已中断：没有创建 {0}")]
    Interrupted(PathBuf),
    /// The publisher statement is invalid (a bad base URL).
    #[error("发布者声明无效：{0}")]
    Publisher(String),
}

/// The folder's files that are not generated: the pages and examples.
const PAGES: &[(&str, &str)] = &[
    ("pages/notice.md", include_str!("../data/pages/notice.md")),
    ("pages/about.md", ABOUT),
];

const ABOUT: &str = "<!-- nav: | en: About -->\n# 关于本站\n\n\
本站公布本地区企业职业技能等级认定的结果：经备案的认定机构目录、机构颁发的职业技能等级证书，以及统计。\
每份证书由发证企业用自己的密钥签名，企业及其密钥由根密钥签名；查验在您的浏览器中完成。\n\n\
（请改写本页：说明发布者、联系方式和数据更新的频率。）\n";

/// Example spreadsheets: the exact headers `certsite sign` reads, and one
/// example row each, to be replaced.
const EXAMPLES: &[(&str, &str)] = &[
    (
        "examples/directory.csv",
        "\u{feff}序号,企业名称,详细地址,联系人,联系方式,机构备案号,职业名称,工种名称,职业编码,等级范围,备案日期,有效期至,签名公钥\n\
         1,示例企业有限公司,沈阳市示例路1号,示例联系人,024-00000000,Y000021013999,焊工,——,6-18-02-04,五级-三级,2026-01-05,2029-01-04,../keys/Y000021013999.pub\n",
    ),
    (
        "examples/certificates.csv",
        "\u{feff}序号,证书编号,姓名,证件类型,证件号码,职业名称,工种名称,职业编码,等级,发证日期,评价机构\n\
         1,Y000021013999264000001,张三,居民身份证,11010519491231002X,焊工,——,6-18-02-04,四级/中级工,2026-03-01,示例企业有限公司\n",
    ),
    (
        "examples/cities.csv",
        "\u{feff}市代码,审核机构名称,签名公钥,有效期自,有效期至,审核要求起始日\n\
         01,沈阳市公共就业服务机构主管部门,../keys/city-01.pub,2026-01-05,,\n",
    ),
    (
        "examples/decisions.csv",
        "\u{feff}证书编号,审核结果,审核日期,原因\n\
         Y000021013999264000001,通过,2026-02-20,\n",
    ),
    (
        "examples/revocations.csv",
        "\u{feff}证书编号,撤销日期,撤销原因\n",
    ),
];

/// Creates the folder; returns the secret keys' paths, to be announced.
pub(crate) fn init(opts: &InitOptions) -> Result<Vec<PathBuf>, InitError> {
    let dir = &opts.dir;
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir).fs(FsAction::List, dir)?;
        if entries.next().is_some() {
            return Err(InitError::NotEmpty(dir.clone()));
        }
    }
    // Made beside and put in place whole: a failure or Ctrl-C half way
    // leaves no keys nor half a folder behind.
    let staging = Staging::begin(dir)?;
    let keys_dir = staging.path().join("keys");
    std::fs::create_dir_all(&keys_dir).fs(FsAction::CreateDir, &keys_dir)?;
    private_folder(&keys_dir)?;
    let today = today_in_china();
    let root = crate::key_files::generate()?;
    crate::key_files::write_pair(&root, &keys_dir.join("root"), &opts.authority)?;
    let log = crate::key_files::generate()?;
    crate::key_files::write_pair(&log, &keys_dir.join("log"), "日志密钥")?;
    let statement = Authorize {
        root: &root,
        name: opts.title.clone(),
        origin: certsite_core::site_format::snapshot::origin(&opts.base_url),
        keys: vec![KeyEntry::new(&log.public(), today.to_string(), None)],
        date: today.to_string(),
    }
    .line()
    .map_err(InitError::Publisher)?;
    let new = staging.path().to_path_buf();
    write(&new, "publisher/publisher.jsonl", &format!("{statement}\n"))?;
    write(&new, CONFIG_FILE, &config(opts))?;
    for (path, text) in PAGES.iter().chain(EXAMPLES) {
        write(&new, path, text)?;
    }
    write(&new, "README.md", &readme(opts))?;
    if interrupted() {
        return Err(InitError::Interrupted(dir.clone()));
    }
    staging.commit(&|_| 0)?;
    Ok(vec![dir.join("keys/root.key"), dir.join("keys/log.key")])
}

fn write(dir: &Path, path: &str, text: &str) -> Result<(), FsError> {
    let path = dir.join(path);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).fs(FsAction::CreateDir, parent)?;
    }
    write_atomic(&path, text.as_bytes())
}

/// Only the owner may list the keys' folder.
fn private_folder(dir: &Path) -> Result<(), FsError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .fs(FsAction::Write, dir)?;
    }
    Ok(())
}

/// A TOML string, quoted and escaped.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn config(opts: &InitOptions) -> String {
    format!(
        "# certsite 站点配置（说明见 certsite 的 docs/site.md）。\n\
         # 每个站点页面都显示标题；根密钥持有者显示在页脚和“信任与密钥”页。\n\
         title = {title}\n\
         authority = {authority}\n\
         # 站点发布的地址（以 / 结尾）：二维码、站点地图、404 页和日志的来源都由它得出。\n\
         base_url = {base_url}\n\
         # 根公钥（相对本目录）。私钥 keys/root.key 不要留在这里，见 README.md。\n\
         root_key = \"keys/root.pub\"\n\
         # 查不到证书时，查验页面告诉访问者找谁。\n\
         contact = \"\"\n\
         # 本站收录的最早核发年份（通知没有规定；可选）：构建拒收更早的证书，\n\
         # 查验页面在下载任何数据之前指出年份输错的证书编号。\n\
         # earliest_issue_year = 2020\n\
         \n\
         # 英文页面上的标题、持有者和联系方式（可选；缺省时显示中文，并标明是中文）。\n\
         # [english]\n\
         # title = \"\"\n\
         # authority = \"\"\n\
         # contact = \"\"\n\
         \n\
         [privacy]\n\
         # 证书中姓名与证件号码慢哈希的最少迭代次数（PBKDF2-SHA256）。\n\
         min_iterations = 1000000\n\
         \n\
         [shards]\n\
         # 证书分片的平均大小目标（字节）：越小，每次查验下载越少，文件越多。\n\
         target_bytes = 4096\n\
         \n\
         [log]\n\
         # 只增不减的日志在两次生成之间的状态（请随数据一起备份）。\n\
         state = \"log\"\n\
         # 发布者的日志密钥（签名每次生成的快照）。放在发布的站点之外，权限 0600。\n\
         key = \"keys/log.key\"\n\
         # 见证人：每个检查点都要由它们副署（可选）。\n\
         # quorum = 1\n\
         # [[log.witnesses]]\n\
         # vkey = \"witness.example/w1+8d66cf3f+B…\"\n\
         # url = \"https://witness.example/\"\n",
        title = quoted(&opts.title),
        authority = quoted(&opts.authority),
        base_url = quoted(&opts.base_url),
    )
}

fn readme(opts: &InitOptions) -> String {
    format!(
        "# {title}：certsite 数据目录\n\n\
         由 `certsite init` 生成。`certsite build --data .` 现在就能生成一个空站点。\n\n\
         ## 先做这件事：保管私钥\n\n\
         - `keys/root.key` 是根私钥（省人力资源和社会保障厅）：签名机构目录、城市审核机构名单、撤销清单和发布者声明（日志密钥、站点地址，certsite log authorize）时才用。把它移到离线保管处（加密 U 盘、保险柜），\
         不要留在这台机器上，更不要放进发布的站点或版本库。丢失或泄露都必须更换根密钥并公告新指纹。\n\
         - `keys/log.key` 是日志密钥：每次 `certsite build` 都要用它签名快照，所以留在生成站点的机器上，权限 0600，不要发布。\n\
         - `keys/root.pub` 的指纹要在官方网站等其他渠道公布，供人核对。\n\n\
         ## 接下来的命令\n\n\
         按通知（辽人社〔2020〕22号 四(四)1-2）的流程：省里签名机构目录和各市审核机构，企业评价并签名证书名册，\
         所在市公共就业服务机构主管部门审核结果、签名审核记录，省里验证并发布。\n\n\
         ```\n\
         # 1. 为一家认定机构生成签名密钥（私钥交给该企业保管）\n\
         certsite keygen --out keys/Y000021013999 --label 示例企业有限公司\n\
         # 2. 为该企业所在市（沈阳市，市代码 01）的审核机构生成签名密钥（私钥交给该市公共就业服务机构主管部门）\n\
         certsite keygen --out keys/city-01 --label 沈阳市公共就业服务机构主管部门\n\
         # 3. 按 examples/directory.csv 的表头填写机构目录（附件4），用根私钥签名\n\
         certsite sign --key keys/root.key --input examples/directory.csv --out directory/directory.jsonl\n\
         # 4. 按 examples/cities.csv 的表头填写各市审核机构及其公钥，用根私钥签名\n\
         certsite sign --key keys/root.key --input examples/cities.csv --out cities/cities.jsonl --data .\n\
         # 5. 企业按 examples/certificates.csv 的表头填写证书名册，用自己的私钥签名，报所在市审核（尚不发布，放在数据目录之外）\n\
         certsite sign --key keys/Y000021013999.key --input examples/certificates.csv --out ../submissions/Y000021013999.jsonl --data .\n\
         # 6. 所在市审核：验证企业的数据集，按审核结果表（examples/decisions.csv）签名审核通过的证书，\n\
         #    未审核的连同原因列入退回清单（reviews/01.jsonl.rejects.csv），退回企业\n\
         certsite review --key keys/city-01.key --input ../submissions/Y000021013999.jsonl --decisions examples/decisions.csv --data . --out reviews/01.jsonl\n\
         # 7. 所在市上传审核通过的证书（有退回的，企业先去掉这些行重新签名）\n\
         mkdir -p certificates && cp ../submissions/Y000021013999.jsonl certificates/\n\
         # 8. 验证全部数据并生成站点，在本机预览\n\
         certsite build --data . --out public && certsite serve --data . --out public\n\
         ```\n\n\
         示例表格里各有一行示例数据，请换成真实数据。目录表和审核机构表中“签名公钥”一列可以填公钥（base64），\
         也可以填 .pub 文件的路径（相对于表格所在的目录）。没有经所在市审核的证书在查询页显示为“尚未审核”，不显示为有效；\
         审核要求起始日（可选）之前颁发的证书无须审核。撤销证书：填写 examples/revocations.csv，\
         用根私钥、评价机构或所在市审核机构的私钥签名到 revocations/。\n\n\
         站点发布地址：{base_url}。它写在 certsite.toml 里，也写在根密钥签名的发布者声明（publisher/）里，\
         证书二维码打开的就是它。地址改了，两处都要改：用 certsite log authorize 以新地址签发一份新的发布者声明。\n",
        title = opts.title,
        base_url = opts.base_url,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_is_valid_toml_with_every_option() {
        let opts = InitOptions {
            dir: PathBuf::from("x"),
            title: "标题 \"引号\"".into(),
            authority: "某厅".into(),
            base_url: "https://certs.example/".into(),
        };
        let text = config(&opts);
        let value: toml::Table = text.parse().unwrap();
        assert_eq!(value["title"].as_str(), Some("标题 \"引号\""));
        for key in ["privacy", "shards", "log"] {
            assert!(value.contains_key(key), "{key}");
        }
        assert!(text.contains("# [english]") && text.contains("# [[log.witnesses]]"));
    }
}
