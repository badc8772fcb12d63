//! QR codes for certificates (附件6: 30 mm × 30 mm on the right page). The
//! code opens the verify page with the certificate code, and optionally the
//! holder's name, in the URL fragment, which never reaches the host.
//!
//! Error correction level Q (25% of the symbol may be damaged or smudged) and
//! the standard 4-module quiet zone: a printed certificate gets handled. The
//! modules fill the 30 mm; the quiet zone is white margin outside them, so
//! the image is a little larger (37.3 mm for a code alone, version 4).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use qrcode::{EcLevel, QrCode};

/// Side of the printed symbol's modules, quiet zone outside (附件6).
pub(crate) const PRINT_MM: f64 = 30.0;
/// Quiet zone on each side, in modules (ISO/IEC 18004).
pub(crate) const QUIET_ZONE: usize = 4;
/// Error correction level.
pub(crate) const EC_LEVEL: EcLevel = EcLevel::Q;
/// The densest symbol made: version 12 (65 modules) at 30 mm is 0.46 mm a
/// module, about the smallest a phone camera reads at arm's length.
/// (Symbols made before the quiet zone went outside the 30 mm had 0.41 mm.) It holds 206 bytes: the URL with a 16-character name
/// (long names, as `阿卜杜热合曼·买买提艾力`, fit). A longer URL is refused
/// rather than printed unreadable.
pub(crate) const MAX_VERSION: i16 = 12;

/// What the name's percent-encoding escapes: everything but the RFC 3986
/// unreserved characters (letters, digits, `-`, `.`, `_`, `~`); bytes of
/// UTF-8 beyond ASCII are always escaped. `&` and `=` must be, as they
/// delimit the fragment's fields.
const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The URL a certificate's QR code opens: `<base>verify/#<CODE>[&name=…]`.
pub fn verify_url(base_url: &str, code: &str, name: Option<&str>) -> String {
    let mut url = format!("{base_url}verify/#{code}");
    if let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) {
        url.push_str("&name=");
        url.extend(utf8_percent_encode(name, ESCAPED));
    }
    url
}

/// The PNG's `Software` text: marks a file `qr` made.
const PNG_MAKER: &str = "certsite qr";

/// How an SVG this module makes starts.
const SVG_START: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"certsite-qr\"";

/// Whether `bytes` are a QR code this module made (SVG or PNG): the only
/// files `certsite qr --out` replaces. An SVG made before the quiet zone
/// went outside the 30 mm started with its width, 30 mm.
pub(crate) fn is_own_file(bytes: &[u8]) -> bool {
    let old_svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"30mm\"";
    let png = format!("tEXtSoftware\0{PNG_MAKER}");
    bytes.starts_with(SVG_START.as_bytes())
        || bytes.starts_with(old_svg.as_bytes())
        || (bytes.starts_with(b"\x89PNG") && bytes.windows(png.len()).any(|w| w == png.as_bytes()))
}

/// Why a QR code could not be made.
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    /// The URL needs a symbol too dense to scan at 30 mm, or fits none.
    #[error(
        "无法生成二维码：网址有 {bytes} 字节，{}；请缩短 --name 或 certsite.toml 的 base_url",
        match version {
            Some(v) => format!("要用第 {v} 版二维码，印成 30 mm 时每个模块不到 {:.2} mm，手机难以扫描", PRINT_MM / (4 * v + 17) as f64),
            None => "装不进任何二维码".to_string(),
        }
    )]
    TooLong {
        /// The URL's length in bytes.
        bytes: usize,
        /// The version it would need, if any.
        version: Option<i16>,
    },
    /// The PNG encoder failed (in memory: a bug, not a user error).
    #[error("无法生成二维码 PNG：{0}")]
    Png(#[from] png::EncodingError),
}

/// A QR symbol and what it encodes.
pub struct Symbol {
    code: QrCode,
    /// The URL in the symbol.
    pub url: String,
}

impl Symbol {
    /// Encodes a URL at level Q.
    pub fn new(url: &str) -> Result<Symbol, QrError> {
        let too_long = |version| QrError::TooLong {
            bytes: url.len(),
            version,
        };
        // Any error of the encoder on bytes is that they fit no version.
        let code = QrCode::with_error_correction_level(url.as_bytes(), EC_LEVEL)
            .map_err(|_| too_long(None))?;
        let symbol = Symbol {
            code,
            url: url.to_string(),
        };
        match symbol.version() {
            v if v > MAX_VERSION => Err(too_long(Some(v))),
            _ => Ok(symbol),
        }
    }

    /// The QR version (1-40).
    pub(crate) fn version(&self) -> i16 {
        match self.code.version() {
            qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
        }
    }

    /// Modules per side, quiet zone included.
    pub(crate) fn side(&self) -> usize {
        self.code.width() + 2 * QUIET_ZONE
    }

    /// Modules per side of the code itself, the [`PRINT_MM`] square.
    pub(crate) fn modules(&self) -> usize {
        self.code.width()
    }

    /// Printed size of one module: the modules fill [`PRINT_MM`].
    pub(crate) fn module_mm(&self) -> f64 {
        PRINT_MM / self.modules() as f64
    }

    /// Printed side of the whole image, quiet zone included.
    pub(crate) fn outer_mm(&self) -> f64 {
        self.module_mm() * self.side() as f64
    }

    fn dark(&self, x: usize, y: usize) -> bool {
        let w = self.code.width();
        if x < QUIET_ZONE || y < QUIET_ZONE || x >= w + QUIET_ZONE || y >= w + QUIET_ZONE {
            return false;
        }
        self.code[(x - QUIET_ZONE, y - QUIET_ZONE)] == qrcode::Color::Dark
    }

    /// An SVG whose modules are exactly 30 mm × 30 mm, with the quiet zone
    /// as white margin around them (its width and height, in mm, are the
    /// whole image's), one path, crisp at any scale. The
    /// URL is its title as character data: nothing in it needs escaping, since
    /// the name is percent-encoded and `base_url` holds only URL characters
    /// (checked when the configuration is read), so it cannot close the section.
    ///
    /// Drawn here, not by `qrcode::render::svg`: that renderer sizes the
    /// image in unitless pixels (no millimetres), gives it no title, and
    /// starts with an XML declaration, which is an error inside the printed
    /// certificate's HTML; its output would have to be rewritten, and would
    /// no longer start as [`is_own_file`] expects.
    pub(crate) fn svg(&self) -> String {
        let side = self.side();
        let mut path = String::new();
        for y in 0..side {
            for x in 0..side {
                if self.dark(x, y) {
                    path.push_str(&format!("M{x} {y}h1v1h-1z"));
                }
            }
        }
        format!(
            "{SVG_START} width=\"{outer:.3}mm\" height=\"{outer:.3}mm\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
             <title><![CDATA[{}]]></title><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>\n",
            self.url,
            outer = self.outer_mm(),
        )
    }

    /// A greyscale PNG with `scale` pixels per module.
    pub fn png(&self, scale: usize) -> Result<Vec<u8>, QrError> {
        let side = self.side() * scale;
        let mut pixels = vec![255u8; side * side];
        for y in 0..side {
            for x in 0..side {
                if self.dark(x / scale, y / scale) {
                    pixels[y * side + x] = 0;
                }
            }
        }
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, side as u32, side as u32);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        // Says whose file it is: `qr --out` replaces only its own files.
        encoder.add_text_chunk("Software".into(), PNG_MAKER.into())?;
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&pixels)?;
        writer.finish()?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_carry_the_code_and_an_encoded_name_in_the_fragment() {
        let base = "https://certsite.example/";
        assert_eq!(
            verify_url(base, "Y000021013002243000001", None),
            "https://certsite.example/verify/#Y000021013002243000001"
        );
        assert_eq!(
            verify_url(base, "Y000021013002243000001", Some(" 张三丰 ")),
            "https://certsite.example/verify/#Y000021013002243000001&name=%E5%BC%A0%E4%B8%89%E4%B8%B0"
        );
        assert_eq!(
            verify_url(base, "Y000021013002243000001", Some("a&b=c")),
            "https://certsite.example/verify/#Y000021013002243000001&name=a%26b%3Dc"
        );
    }

    #[test]
    fn the_name_keeps_exactly_the_unreserved_characters() {
        // The set the hand-written encoder had: QR codes already printed
        // hold these URLs, so the bytes must not change.
        for b in 0u8..=127 {
            let c = char::from(b).to_string();
            let unreserved = b.is_ascii_alphanumeric() || b"-._~".contains(&b);
            let want = if unreserved {
                c.clone()
            } else {
                format!("%{b:02X}")
            };
            assert_eq!(
                utf8_percent_encode(&c, ESCAPED).to_string(),
                want,
                "byte {b}"
            );
        }
        assert_eq!(utf8_percent_encode("é", ESCAPED).to_string(), "%C3%A9");
    }

    #[test]
    fn version_and_module_size_at_30_mm() {
        let plain = Symbol::new(&verify_url(
            "https://certsite.example/",
            "Y000021013002243000001",
            None,
        ))
        .unwrap();
        // Digits of the code go in numeric mode: version 4, 33 modules + quiet zone.
        assert_eq!(plain.version(), 4);
        assert_eq!(plain.side(), 33 + 8);
        assert!(plain.module_mm() > 0.9, "{}", plain.module_mm());
        let named = Symbol::new(&verify_url(
            "https://certsite.example/",
            "Y000021013002243000001",
            Some("张三丰"),
        ))
        .unwrap();
        eprintln!(
            "with a name: version {}, {:.2} mm",
            named.version(),
            named.module_mm()
        );
        assert!(named.version() <= 7, "{}", named.version());
        assert!(named.module_mm() > 0.6, "{}", named.module_mm());
        let long_name = "张".repeat(20);
        let e = Symbol::new(&verify_url(
            "https://certsite.example/",
            "Y000021013002243000001",
            Some(&long_name),
        ))
        .err()
        .expect("a 20-character name makes a symbol too dense for 30 mm");
        assert!(e.to_string().contains("手机难以扫描"), "{e}");
        let e = Symbol::new(&"x".repeat(3000)).err().unwrap();
        assert!(e.to_string().contains("装不进任何二维码"), "{e}");
        assert!(is_own_file(plain.svg().as_bytes()));
        assert!(is_own_file(&plain.png(2).unwrap()));
        assert!(!is_own_file(b"\x89PNG a photo"));
        // 33 modules fill 30 mm; the 4-module quiet zone is outside:
        // 41 × 30/33 = 37.273 mm.
        let svg = plain.svg();
        assert!(
            svg.contains("width=\"37.273mm\" height=\"37.273mm\""),
            "{svg}"
        );
        assert!(svg.contains("viewBox=\"0 0 41 41\""));
        let old = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"30mm\" height=\"30mm\"";
        assert!(is_own_file(old.as_bytes()));
    }
}
