// The module `strings.js`, which is no file of this folder: the build writes
// it into each page's script with the string table of the page's language
// (generator/site/i18n.rs, `strings_module`). Typed from the English table,
// so a word the scripts use and the table lacks fails the type check; the
// Chinese table has the same keys (a Rust test compares them) but `code`,
// which only a page that does not show the Rust side's messages needs.
type Script = typeof import('../i18n/en.json')['script'];

export const TABLE: {
  lang: string;
  /** Names of cities and kinds in the page's language, by their Chinese name. */
  cities: Partial<Record<string, string>>;
  kinds: Partial<Record<string, string>>;
  levels?: string[] | null;
  script: Omit<Script, 'code' | 'reasons' | 'reviewRefused'> & {
    /** What is wrong with a code; `expected` by the error's `expectedKey`, if the table says it. */
    code?: Omit<Script['code'], 'expected'> & { expected: Partial<Record<string, string>> };
    reasons: Partial<Record<string, string>>;
    /** Why a review was refused, by the rule that refused it; `default` for the others. */
    reviewRefused: Partial<Record<string, string>> & { default: string };
  };
};
