//! Every rule of the trust chain, by name. The same names are the `rule` of a
//! [`crate::trust::problem::Problem`], the `data-rule` of the browser's
//! verdict (`site-templates/js/rules.js`), and the `rules` of each case of the
//! shared verdict corpus (`tests/vectors/verdicts.json`); both test suites
//! check that every rule has a case, so a rule cannot exist on one side only.

/// One rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    /// A line is one envelope: exactly `kid`, `sig` (base64 of 64 bytes) and
    /// `statement`, strict JSON (no duplicate keys, floats, literals or lone
    /// surrogates).
    Envelope,
    /// A statement has exactly the fields of its type, of the right kinds.
    Schema,
    /// `v` is the version this verifier knows.
    Version,
    /// The signature verifies under the named key.
    Signature,
    /// Dates are real `YYYY-MM-DD` dates.
    Date,
    /// Nothing is dated after today.
    NotFuture,
    /// Required text is not empty and has no surrounding white space.
    Text,
    /// Signed text holds no control or format characters (bidi overrides,
    /// zero-width characters): what a visitor reads is what was checked.
    TextCharacters,
    /// `——` is never written for "no 工种": the field is left out.
    NoneMarker,
    /// An institution statement is signed by the root key.
    InstitutionSigner,
    /// A filing number is well formed and written canonically.
    FilingNo,
    /// City and kind are the ones the filing number encodes.
    CityKind,
    /// The filing's validity does not end before it starts.
    FilingDates,
    /// An institution files at least one occupation, each once.
    ScopeEntries,
    /// A filed occupation is a certifiable one of the catalogue, named as the
    /// catalogue names it (checked by the builder: the page trusts the
    /// root-signed directory for this).
    ScopeCatalogue,
    /// A filed level range has both ends 1-5, lowest level first.
    ScopeRange,
    /// An institution lists at least one key, each valid (canonical, not of
    /// small order), named by its own key id, once, with an ordered window.
    InstitutionKeys,
    /// Two different statements of one institution on one day.
    InstitutionConflict,
    /// A city statement is signed by the root key.
    CitySigner,
    /// A city statement's code is two digits, `01`-`99`.
    CityCode,
    /// A city lists at least one key, each valid, named by its own key id,
    /// once, with an ordered window; one statement a day.
    CityKeys,
    /// A certificate code is well formed (附件5) and written canonically.
    Code,
    /// Nothing of the name is published.
    NameMasked,
    /// The ID number shows only its last characters.
    IdMasked,
    /// The holder hashes are 32-byte base64.
    HashFormat,
    /// The hashes use the one key-derivation function.
    Kdf,
    /// The hashes use at least the privacy floor's iterations.
    Iterations,
    /// The document type is one of the list.
    IdType,
    /// The occupation code exists and the name is the one filed for it.
    OccupationName,
    /// No access-controlled (准入类) occupation or 工种.
    AccessControlled,
    /// A level digit is 1-5.
    LevelDigit,
    /// The level is the code's 16th character.
    CodeLevel,
    /// The issue year is the code's 14th-15th characters.
    CodeYear,
    /// A tier is one of the titles and sits on its level (特级技师 and
    /// 首席技师 on level 1 only).
    Tier,
    /// The issuer is in the signed directory.
    UnknownIssuer,
    /// The certificate's key is one the institution lists.
    KeyNotListed,
    /// The issue date is inside the key's window.
    KeyWindow,
    /// The issue date is inside the filing's validity.
    FilingPeriod,
    /// The institution's name is repeated exactly.
    InstitutionName,
    /// The occupation (and 工种) is in the filed scope.
    Scope,
    /// The level is inside the filed range of that occupation.
    ScopeLevel,
    /// One code, one content.
    DuplicateCode,
    /// A revocation names a certificate that verified.
    RevocationTarget,
    /// A revocation is signed by the root, or by a key of the issuer or of
    /// the issuer's city valid on its date.
    RevocationSigner,
    /// A revocation is not dated before the certificate's issue.
    RevocationDate,
    /// A review names a certificate that verified, and the SHA-256 of that
    /// certificate's exact envelope.
    ReviewTarget,
    /// A review is signed by a key that the certificate's city lists.
    ReviewSigner,
    /// A review is signed inside its key's window.
    ReviewWindow,
    /// A review was made on or before the issue date and signed on or after it.
    ReviewDates,
    /// A publisher statement is signed by the root key.
    PublisherSigner,
    /// A publisher lists at least one log key, each valid, named by its own
    /// key id, once, with an ordered window; one statement a day.
    PublisherKeys,
    /// A snapshot is signed by a log key the newest publisher statement
    /// lists, and its data date is inside that key's window.
    SnapshotSigner,
    /// A snapshot's log holds at most 2^40 entries: far above any province's
    /// (a statement a certificate), and within what a page counts exactly
    /// (a JavaScript number is exact to 2^53; its log2 is not).
    LogSize,
    /// Every file a verdict reads is the one the snapshot commits to: nothing
    /// stripped, edited, older or from another build.
    SnapshotFiles,
    /// A newer snapshot extends the log of every earlier one: the site did
    /// not go back, and no two visitors see two histories.
    LogConsistency,
}

impl Rule {
    /// Every rule, in the order of the list above.
    pub const ALL: &'static [Rule] = &[
        Rule::Envelope,
        Rule::Schema,
        Rule::Version,
        Rule::Signature,
        Rule::Date,
        Rule::NotFuture,
        Rule::Text,
        Rule::TextCharacters,
        Rule::NoneMarker,
        Rule::InstitutionSigner,
        Rule::FilingNo,
        Rule::CityKind,
        Rule::FilingDates,
        Rule::ScopeEntries,
        Rule::ScopeCatalogue,
        Rule::ScopeRange,
        Rule::InstitutionKeys,
        Rule::InstitutionConflict,
        Rule::CitySigner,
        Rule::CityCode,
        Rule::CityKeys,
        Rule::Code,
        Rule::NameMasked,
        Rule::IdMasked,
        Rule::HashFormat,
        Rule::Kdf,
        Rule::Iterations,
        Rule::IdType,
        Rule::OccupationName,
        Rule::AccessControlled,
        Rule::LevelDigit,
        Rule::CodeLevel,
        Rule::CodeYear,
        Rule::Tier,
        Rule::UnknownIssuer,
        Rule::KeyNotListed,
        Rule::KeyWindow,
        Rule::FilingPeriod,
        Rule::InstitutionName,
        Rule::Scope,
        Rule::ScopeLevel,
        Rule::DuplicateCode,
        Rule::RevocationTarget,
        Rule::RevocationSigner,
        Rule::RevocationDate,
        Rule::ReviewTarget,
        Rule::ReviewSigner,
        Rule::ReviewWindow,
        Rule::ReviewDates,
        Rule::PublisherSigner,
        Rule::PublisherKeys,
        Rule::SnapshotSigner,
        Rule::LogSize,
        Rule::SnapshotFiles,
        Rule::LogConsistency,
    ];

    /// The rule's name, as the browser and the corpus write it.
    pub fn id(self) -> &'static str {
        match self {
            Rule::Envelope => "envelope",
            Rule::Schema => "schema",
            Rule::Version => "version",
            Rule::Signature => "signature",
            Rule::Date => "date",
            Rule::NotFuture => "not-future",
            Rule::Text => "text",
            Rule::TextCharacters => "text-characters",
            Rule::NoneMarker => "none-marker",
            Rule::InstitutionSigner => "institution-signer",
            Rule::FilingNo => "filing-no",
            Rule::CityKind => "city-kind",
            Rule::FilingDates => "filing-dates",
            Rule::ScopeEntries => "scope-entries",
            Rule::ScopeCatalogue => "scope-catalogue",
            Rule::ScopeRange => "scope-range",
            Rule::InstitutionKeys => "institution-keys",
            Rule::InstitutionConflict => "institution-conflict",
            Rule::CitySigner => "city-signer",
            Rule::CityCode => "city-code",
            Rule::CityKeys => "city-keys",
            Rule::Code => "code",
            Rule::NameMasked => "name-masked",
            Rule::IdMasked => "id-masked",
            Rule::HashFormat => "hash-format",
            Rule::Kdf => "kdf",
            Rule::Iterations => "iterations",
            Rule::IdType => "id-type",
            Rule::OccupationName => "occupation-name",
            Rule::AccessControlled => "access-controlled",
            Rule::LevelDigit => "level-digit",
            Rule::CodeLevel => "code-level",
            Rule::CodeYear => "code-year",
            Rule::Tier => "tier",
            Rule::UnknownIssuer => "unknown-issuer",
            Rule::KeyNotListed => "key-not-listed",
            Rule::KeyWindow => "key-window",
            Rule::FilingPeriod => "filing-period",
            Rule::InstitutionName => "institution-name",
            Rule::Scope => "scope",
            Rule::ScopeLevel => "scope-level",
            Rule::DuplicateCode => "duplicate-code",
            Rule::RevocationTarget => "revocation-target",
            Rule::RevocationSigner => "revocation-signer",
            Rule::RevocationDate => "revocation-date",
            Rule::ReviewTarget => "review-target",
            Rule::ReviewSigner => "review-signer",
            Rule::ReviewWindow => "review-window",
            Rule::ReviewDates => "review-dates",
            Rule::PublisherSigner => "publisher-signer",
            Rule::PublisherKeys => "publisher-keys",
            Rule::SnapshotSigner => "snapshot-signer",
            Rule::LogSize => "log-size",
            Rule::SnapshotFiles => "snapshot-files",
            Rule::LogConsistency => "log-consistency",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_is_listed_once_with_its_own_name() {
        let ids: std::collections::BTreeSet<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        assert_eq!(ids.len(), Rule::ALL.len());
    }
}
