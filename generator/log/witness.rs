//! Asking witnesses to cosign a checkpoint (c2sp.org/tlog-witness): the
//! request body and the HTTP call. The cosignature format itself is
//! `certsite_core::log::cosignature`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use certsite_core::log::merkle::Hash;

/// Why a witness did not cosign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum AddError {
    /// The witness last saw another size (HTTP 409): retry from it.
    Conflict(usize),
    /// Anything else, in words.
    Refused(String),
}

/// The body of a tlog-witness add-checkpoint request: `old <size>`, the
/// consistency proof from that size in base64 lines, a blank line, the
/// signed checkpoint.
pub(crate) fn request_body(old: usize, proof: &[Hash], checkpoint: &str) -> String {
    let mut body = format!("old {old}\n");
    for h in proof {
        body.push_str(&STANDARD.encode(h));
        body.push('\n');
    }
    body.push('\n');
    body.push_str(checkpoint);
    body
}

/// Asks the witness at `url` (its submission prefix, ending in `/`) to
/// cosign (c2sp.org/tlog-witness `add-checkpoint`). Returns its lines.
pub(crate) fn add_checkpoint(url: &str, body: &str) -> Result<Vec<String>, AddError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .http_status_as_error(false)
        .build()
        .into();
    let target = format!("{}/add-checkpoint", url.trim_end_matches('/'));
    let mut response = agent
        .post(&target)
        .content_type("text/plain; charset=utf-8")
        .send(body)
        .map_err(|e| AddError::Refused(format!("{target}：{e}")))?;
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().unwrap_or_default();
    match status {
        200 => Ok(text
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect()),
        409 => Err(text.trim().parse().map_or_else(
            |_| AddError::Refused(format!("{target}：HTTP 409 没有给出大小")),
            AddError::Conflict,
        )),
        s => Err(AddError::Refused(format!(
            "{target}：HTTP {s} {}",
            text.trim()
        ))),
    }
}
