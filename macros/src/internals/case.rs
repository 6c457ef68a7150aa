//! `#[chain(rename_all = "...")]`: the rules serde knows, applied to snake_case field names
//! and PascalCase variant names, by Unicode characters (as Python's `str.lower` and `str.upper`).

use std::fmt::{self, Display};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)] // the rules are named as users write them
pub enum RenameRule {
    LowerCase,
    UpperCase,
    PascalCase,
    CamelCase,
    SnakeCase,
    ScreamingSnakeCase,
    KebabCase,
    ScreamingKebabCase,
}

const RULES: [(&str, RenameRule); 8] = [
    ("lowercase", RenameRule::LowerCase),
    ("UPPERCASE", RenameRule::UpperCase),
    ("PascalCase", RenameRule::PascalCase),
    ("camelCase", RenameRule::CamelCase),
    ("snake_case", RenameRule::SnakeCase),
    ("SCREAMING_SNAKE_CASE", RenameRule::ScreamingSnakeCase),
    ("kebab-case", RenameRule::KebabCase),
    ("SCREAMING-KEBAB-CASE", RenameRule::ScreamingKebabCase),
];

impl RenameRule {
    pub fn from_str(name: &str) -> Result<Self, UnknownRule<'_>> {
        RULES.iter().find(|(n, _)| *n == name).map(|(_, rule)| *rule).ok_or(UnknownRule(name))
    }

    /// Applies the rule to a field name, written in snake_case.
    pub fn apply_to_field(self, field: &str) -> String {
        match self {
            RenameRule::LowerCase | RenameRule::SnakeCase => field.to_owned(),
            RenameRule::UpperCase | RenameRule::ScreamingSnakeCase => field.to_uppercase(),
            RenameRule::PascalCase => pascal(field),
            RenameRule::CamelCase => {
                let pascal = pascal(field);
                let mut chars = pascal.chars();
                chars.next().map(|first| first.to_lowercase().chain(chars).collect()).unwrap_or_default()
            }
            RenameRule::KebabCase => field.replace('_', "-"),
            RenameRule::ScreamingKebabCase => field.replace('_', "-").to_uppercase(),
        }
    }

    /// Applies the rule to a variant name, written in PascalCase.
    pub fn apply_to_variant(self, variant: &str) -> String {
        match self {
            RenameRule::PascalCase => variant.to_owned(),
            RenameRule::LowerCase => variant.to_lowercase(),
            RenameRule::UpperCase => variant.to_uppercase(),
            RenameRule::CamelCase => {
                // By characters: the first may take more than one byte (`Éclair`).
                let mut chars = variant.chars();
                chars.next().map(|first| first.to_lowercase().chain(chars).collect()).unwrap_or_default()
            }
            RenameRule::SnakeCase => snake(variant),
            RenameRule::ScreamingSnakeCase => snake(variant).to_uppercase(),
            RenameRule::KebabCase => snake(variant).replace('_', "-"),
            RenameRule::ScreamingKebabCase => snake(variant).replace('_', "-").to_uppercase(),
        }
    }
}

fn pascal(snake: &str) -> String {
    let mut out = String::new();
    let mut capitalize = true;
    for c in snake.chars() {
        if c == '_' {
            capitalize = true;
        } else if capitalize {
            out.extend(c.to_uppercase());
            capitalize = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn snake(pascal: &str) -> String {
    let mut out = String::new();
    for (i, c) in pascal.char_indices() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_lowercase());
    }
    out
}

pub struct UnknownRule<'a>(&'a str);

impl Display for UnknownRule<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown rename rule `rename_all = {:?}`, expected one of ", self.0)?;
        for (i, (name, _)) in RULES.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{name:?}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_names() {
        assert_eq!(RenameRule::CamelCase.apply_to_variant("Éclair"), "éclair");
        assert_eq!(RenameRule::CamelCase.apply_to_variant("Ünïcode"), "ünïcode");
        assert_eq!(RenameRule::SnakeCase.apply_to_variant("ÉclairAuChocolat"), "éclair_au_chocolat");
        assert_eq!(RenameRule::CamelCase.apply_to_field("crème_brûlée"), "crèmeBrûlée");
    }

    #[test]
    fn fields_and_variants() {
        assert_eq!(RenameRule::CamelCase.apply_to_field("other_field_2"), "otherField2");
        assert_eq!(RenameRule::PascalCase.apply_to_field("other_field"), "OtherField");
        assert_eq!(RenameRule::ScreamingKebabCase.apply_to_field("a_b"), "A-B");
        assert_eq!(RenameRule::SnakeCase.apply_to_variant("VeryTasty"), "very_tasty");
        assert_eq!(RenameRule::CamelCase.apply_to_variant("VeryTasty"), "veryTasty");
        assert!(RenameRule::from_str("Camel").is_err());
    }
}
