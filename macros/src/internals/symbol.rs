//! The names the `#[chain(...)]` attribute understands.

pub const CHAIN: &str = "chain";
pub const ALIAS: &str = "alias";
pub const CRATE: &str = "crate";
pub const DEFAULT: &str = "default";
pub const DENY_UNKNOWN_FIELDS: &str = "deny_unknown_fields";
pub const RENAME: &str = "rename";
pub const RENAME_ALL: &str = "rename_all";
pub const SKIP: &str = "skip";
pub const LITERAL: &str = "literal";
pub const TAG: &str = "tag";
pub const TITLE: &str = "title";
pub const EXTRA: &str = "extra";
pub const FIELD_ALIAS: &str = "field_alias";
pub const GE: &str = "ge";
pub const REQUIRED: &str = "required";
pub const DEFAULT_FACTORY: &str = "default_factory";
pub const GT: &str = "gt";
pub const LE: &str = "le";
pub const LT: &str = "lt";
pub const MULTIPLE_OF: &str = "multiple_of";
pub const MIN_LENGTH: &str = "min_length";
pub const MAX_LENGTH: &str = "max_length";
pub const PATTERN: &str = "pattern";
