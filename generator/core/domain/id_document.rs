//! Identity documents (证件类型 and 证件号码): the resident ID number of
//! GB 11643-1999 with its ISO 7064 MOD 11-2 check character, and basic shape
//! checks for the other documents a certificate holder may carry.

use jiff::civil::Date;

use crate::domain::text::fold_compact;

/// The document types a certificate may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IdType {
    /// 居民身份证 (GB 11643).
    ResidentId,
    /// 港澳台居民居住证: GB 11643 numbers with address code 81/82/83.
    HkMacaoTaiwanResidence,
    /// 外国人永久居留身份证.
    ForeignPermanentResident,
    /// 护照.
    Passport,
    /// 港澳居民来往内地通行证 (回乡证).
    HkMacaoPermit,
    /// 台湾居民来往大陆通行证 (台胞证).
    TaiwanPermit,
}

/// (type, canonical name, other names people write).
const TYPES: [(IdType, &str, &[&str]); 6] = [
    (
        IdType::ResidentId,
        "居民身份证",
        &["身份证", "二代身份证", "中华人民共和国居民身份证"],
    ),
    (
        IdType::HkMacaoTaiwanResidence,
        "港澳台居民居住证",
        &["港澳居民居住证", "台湾居民居住证"],
    ),
    (
        IdType::ForeignPermanentResident,
        "外国人永久居留身份证",
        &["外国人永久居留证", "永久居留身份证"],
    ),
    (IdType::Passport, "护照", &["外国护照", "中国护照"]),
    (
        IdType::HkMacaoPermit,
        "港澳居民来往内地通行证",
        &["回乡证", "港澳通行证"],
    ),
    (IdType::TaiwanPermit, "台湾居民来往大陆通行证", &["台胞证"]),
];

impl IdType {
    /// Reads a document type; empty means 居民身份证, the usual case.
    pub fn parse(text: &str) -> Option<IdType> {
        let t = fold_compact(text);
        if t.is_empty() {
            return Some(IdType::ResidentId);
        }
        TYPES
            .iter()
            .find(|(_, name, aliases)| t == *name || aliases.contains(&t.as_str()))
            .map(|(ty, _, _)| *ty)
    }

    /// The canonical Chinese name, as stored in statements.
    pub fn name(self) -> &'static str {
        TYPES.iter().find(|(ty, _, _)| *ty == self).unwrap().1
    }

    /// All canonical names, for error messages.
    pub(crate) fn all_names() -> String {
        TYPES.iter().map(|t| t.1).collect::<Vec<_>>().join("、")
    }

    /// The message for text that names no accepted document type.
    pub fn unknown(text: &str) -> String {
        format!("“{text}”不是可用的证件类型（{}）", IdType::all_names())
    }
}

/// Weights of GB 11643 / ISO 7064 MOD 11-2: 2^(17-i) mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each value of the weighted sum mod 11.
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The check character of the first 17 digits of an 18-character number.
pub fn gb11643_check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(CHECK[(sum % 11) as usize])
}

/// Province-level address codes (first two digits) GB/T 2260 has assigned,
/// including 71 台湾, 81 香港, 82 澳门 and 83 used by 台湾居民居住证.
const PROVINCES: [u8; 35] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

/// Normalises an ID number as typed: NFKC (full-width digits and letters to
/// ASCII), white space and dashes removed, letters upper-cased (`x` → `X`).
pub fn normalize_number(raw: &str) -> String {
    fold_compact(raw)
        .chars()
        .filter(|c| !matches!(c, '-' | '‐'))
        .flat_map(char::to_uppercase)
        .collect()
}

/// Why a document number is refused; each message is a Chinese sentence
/// without the field name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    /// Not 18 characters.
    #[error("应为 18 位，实为 {0} 位")]
    Length(usize),
    /// A non-digit among the first 17.
    #[error("第{position}位为“{found}”，前17位应为数字")]
    NotDigit {
        /// 1-based position.
        position: usize,
        /// The character there.
        found: char,
    },
    /// The 18th character is neither a digit nor X.
    #[error("第18位（校验码）为“{0}”，应为 0-9 或 X")]
    CheckCharacterForm(char),
    /// No such province.
    #[error("第1-2位（省级地址码）为 {0:02}，不是 GB/T 2260 的省级代码")]
    Province(u8),
    /// The birth date is no date.
    #[error("第7-14位（出生日期）{0} 不是有效日期")]
    BirthDateInvalid(String),
    /// The birth date is before 1800 or after today.
    #[error("第7-14位（出生日期）{0} 不合理")]
    BirthDateImplausible(String),
    /// The check character is wrong.
    #[error("校验码为 {found}，按 GB 11643 应为 {expected}")]
    CheckCharacter {
        /// As written.
        found: char,
        /// As computed.
        expected: char,
    },
    /// A residence-permit number typed as a resident ID.
    #[error("地址码 81/82/83 属于港澳台居民居住证，请将证件类型填为 港澳台居民居住证")]
    ResidencePermitAsResidentId,
    /// A residence permit without its 81/82/83 prefix.
    #[error("港澳台居民居住证号码应以 81、82 或 83 开头")]
    ResidencePermitPrefix,
    /// Characters other than letters and digits.
    #[error("“{0}”含有非字母数字的字符")]
    NotAlphanumeric(String),
    /// A 2023 permanent-residence number with non-digits in its first 17.
    #[error("18 位新版号码前17位应为数字")]
    PermanentResidentDigits,
    /// A 2023 permanent-residence number with a wrong check character.
    #[error("校验码应为 {0}")]
    PermanentResidentCheck(char),
    /// Neither permanent-residence format.
    #[error("应为 3 位字母+12 位数字（2017 版）或以 9 开头的 18 位号码（2023 版）")]
    PermanentResidentForm,
    /// A passport number of the wrong length or characters.
    #[error("{what}应为 {min}-{max} 位字母或数字，实为“{number}”（{len} 位）")]
    Alphanumeric {
        /// The document's number, named.
        what: &'static str,
        /// Fewest characters.
        min: usize,
        /// Most characters.
        max: usize,
        /// As written.
        number: String,
        /// Its length.
        len: usize,
    },
    /// Not a Hong Kong or Macao permit number.
    #[error("应为 H 或 M 加 8 位或 10 位数字")]
    HkMacaoPermitForm,
    /// Not a Taiwan permit number.
    #[error("应为 8 位数字（新版）或 10 位字母数字（旧版）")]
    TaiwanPermitForm,
}

/// Checks a GB 11643 number (already normalised) and returns its birth date.
/// `today` bounds the birth date.
fn check_gb11643(n: &str, today: Date) -> Result<Date, IdNumberError> {
    let chars: Vec<char> = n.chars().collect();
    if chars.len() != 18 {
        return Err(IdNumberError::Length(chars.len()));
    }
    if let Some(pos) = chars[..17].iter().position(|c| !c.is_ascii_digit()) {
        return Err(IdNumberError::NotDigit {
            position: pos + 1,
            found: chars[pos],
        });
    }
    if !(chars[17].is_ascii_digit() || chars[17] == 'X') {
        return Err(IdNumberError::CheckCharacterForm(chars[17]));
    }
    let province: u8 = n[0..2].parse().unwrap();
    if !PROVINCES.contains(&province) {
        return Err(IdNumberError::Province(province));
    }
    let (y, m, d): (i16, i8, i8) = (
        n[6..10].parse().unwrap(),
        n[10..12].parse().unwrap(),
        n[12..14].parse().unwrap(),
    );
    let birth =
        Date::new(y, m, d).map_err(|_| IdNumberError::BirthDateInvalid(n[6..14].to_string()))?;
    if y < 1800 || birth > today {
        return Err(IdNumberError::BirthDateImplausible(n[6..14].to_string()));
    }
    let want = gb11643_check_char(&n[..17]).unwrap();
    if chars[17] != want {
        return Err(IdNumberError::CheckCharacter {
            found: chars[17],
            expected: want,
        });
    }
    Ok(birth)
}

/// Checks a document number of the given type. `number` must already be
/// [`normalize_number`]ed. The error is a Chinese sentence without the field name.
pub fn validate(ty: IdType, number: &str, today: Date) -> Result<(), IdNumberError> {
    let n = number;
    let alnum = |min: usize, max: usize, what: &'static str| -> Result<(), IdNumberError> {
        let len = n.chars().count();
        if !(min..=max).contains(&len) || !n.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(IdNumberError::Alphanumeric {
                what,
                min,
                max,
                number: n.to_string(),
                len,
            });
        }
        Ok(())
    };
    match ty {
        IdType::ResidentId => {
            let province: u8 = n.get(0..2).and_then(|p| p.parse().ok()).unwrap_or(0);
            check_gb11643(n, today)?;
            if matches!(province, 81..=83) {
                return Err(IdNumberError::ResidencePermitAsResidentId);
            }
            Ok(())
        }
        IdType::HkMacaoTaiwanResidence => {
            check_gb11643(n, today)?;
            if !matches!(&n[0..2], "81" | "82" | "83") {
                return Err(IdNumberError::ResidencePermitPrefix);
            }
            Ok(())
        }
        _ if !n.is_ascii() => Err(IdNumberError::NotAlphanumeric(n.to_string())),
        IdType::ForeignPermanentResident => {
            // 2017 format: 3 letters + 12 digits; 2023 format: 18 characters
            // beginning with 9, with the GB 11643 check character.
            if n.len() == 18 && n.starts_with('9') {
                let want =
                    gb11643_check_char(&n[..17]).ok_or(IdNumberError::PermanentResidentDigits)?;
                if !n.ends_with(want) {
                    return Err(IdNumberError::PermanentResidentCheck(want));
                }
                return Ok(());
            }
            let ok = n.len() == 15
                && n[..3].bytes().all(|b| b.is_ascii_uppercase())
                && n[3..].bytes().all(|b| b.is_ascii_digit());
            if ok {
                Ok(())
            } else {
                Err(IdNumberError::PermanentResidentForm)
            }
        }
        IdType::Passport => alnum(5, 17, "护照号码"),
        IdType::HkMacaoPermit => {
            let ok = matches!(n.chars().next(), Some('H' | 'M'))
                && matches!(n.len(), 9 | 11)
                && n[1..].bytes().all(|b| b.is_ascii_digit());
            if ok {
                Ok(())
            } else {
                Err(IdNumberError::HkMacaoPermitForm)
            }
        }
        IdType::TaiwanPermit => {
            let ok = (n.len() == 8 && n.bytes().all(|b| b.is_ascii_digit()))
                || (n.len() == 10 && n.bytes().all(|b| b.is_ascii_alphanumeric()));
            if ok {
                Ok(())
            } else {
                Err(IdNumberError::TaiwanPermitForm)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 30).unwrap()
    }

    #[test]
    fn gb11643_examples_from_the_standard_and_elsewhere() {
        // GB 11643-1999's own examples, and worked examples with published sums.
        assert_eq!(gb11643_check_char("11010519491231002"), Some('X'));
        assert_eq!(gb11643_check_char("44052418800101001"), Some('4'));
        assert_eq!(gb11643_check_char("51310119820113001"), Some('4'));
        assert_eq!(gb11643_check_char("34052419800101001"), Some('X'));
        for ok in [
            "11010519491231002X",
            "440524188001010014",
            "210102199003071233",
            "210203198511124562",
            "210302197805200019",
            "211402199501010027",
            "211103198808080885",
        ] {
            assert_eq!(validate(IdType::ResidentId, ok, today()), Ok(()), "{ok}");
        }
    }

    #[test]
    fn every_check_value_maps_as_iso_7064_says() {
        // Walk the serial digits so that every residue 0..=10 occurs.
        let mut seen = std::collections::BTreeSet::new();
        for seq in 0..200 {
            let first17 = format!("21010219900307{seq:03}");
            let sum: u32 = first17
                .bytes()
                .zip(WEIGHTS)
                .map(|(b, w)| u32::from(b - b'0') * w)
                .sum();
            // (12 - sum mod 11) mod 11, with 10 written X: the standard's formula.
            let v = (12 - sum % 11) % 11;
            let expect = if v == 10 {
                'X'
            } else {
                char::from_digit(v, 10).unwrap()
            };
            assert_eq!(gb11643_check_char(&first17), Some(expect));
            seen.insert(sum % 11);
        }
        assert_eq!(seen.len(), 11);
    }

    #[test]
    fn resident_id_errors_say_what_is_wrong() {
        let v = |n: &str| {
            validate(IdType::ResidentId, n, today())
                .unwrap_err()
                .to_string()
        };
        assert_eq!(v("210102199003071234"), "校验码为 4，按 GB 11643 应为 3");
        assert_eq!(v("21010219900307123"), "应为 18 位，实为 17 位");
        assert_eq!(v("2101021990030712A3"), "第17位为“A”，前17位应为数字");
        assert!(v("210102199002301233").contains("不是有效日期"));
        assert!(v("990102199003071233").contains("省级地址码"));
        assert!(v("210102209003071233").contains("不合理"));
    }

    #[test]
    fn normalisation_of_typed_numbers() {
        assert_eq!(
            normalize_number(" 11010519491231002x "),
            "11010519491231002X"
        );
        assert_eq!(
            normalize_number("１１０１０５ 1949 1231 002ｘ"),
            "11010519491231002X"
        );
    }

    #[test]
    fn other_documents_get_basic_checks() {
        let t = today();
        assert!(validate(IdType::Passport, "E12345678", t).is_ok());
        assert!(validate(IdType::Passport, "E1234", t).is_ok());
        assert!(validate(IdType::Passport, "E12", t).is_err());
        assert!(validate(IdType::HkMacaoPermit, "H12345678", t).is_ok());
        assert!(validate(IdType::HkMacaoPermit, "X12345678", t).is_err());
        assert!(validate(IdType::TaiwanPermit, "12345678", t).is_ok());
        assert!(validate(IdType::TaiwanPermit, "1234", t).is_err());
        assert!(validate(IdType::ForeignPermanentResident, "USA123456789012", t).is_ok());
        let first17 = "93310119800101001";
        let new_style = format!("{first17}{}", gb11643_check_char(first17).unwrap());
        assert!(validate(IdType::ForeignPermanentResident, &new_style, t).is_ok());
        let hk = format!(
            "81000019900101001{}",
            gb11643_check_char("81000019900101001").unwrap()
        );
        assert!(validate(IdType::HkMacaoTaiwanResidence, &hk, t).is_ok());
        assert!(
            validate(IdType::ResidentId, &hk, t)
                .unwrap_err()
                .to_string()
                .contains("港澳台居民居住证")
        );
        // Non-ASCII input is refused, never sliced mid-character.
        for ty in [
            IdType::ForeignPermanentResident,
            IdType::Passport,
            IdType::HkMacaoPermit,
            IdType::TaiwanPermit,
        ] {
            assert!(validate(ty, "9一二三四五六七八", t).is_err());
            assert!(validate(ty, "USA一二三四五六七八九十", t).is_err());
        }
        assert!(validate(IdType::ResidentId, "21010219900307123一", t).is_err());
    }

    #[test]
    fn document_type_names() {
        assert_eq!(IdType::parse(""), Some(IdType::ResidentId));
        assert_eq!(IdType::parse("身份证"), Some(IdType::ResidentId));
        assert_eq!(IdType::parse(" 护照 "), Some(IdType::Passport));
        assert_eq!(IdType::parse("回乡证"), Some(IdType::HkMacaoPermit));
        assert_eq!(IdType::parse("驾驶证"), None);
        assert_eq!(IdType::ResidentId.name(), "居民身份证");
    }
}
