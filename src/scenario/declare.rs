//! One declaration per parameter.
//!
//! Each scenario section is a struct declared with [`declare!`]: for every
//! field, in one place, its type, its default, and a [`Meta`] that says its
//! unit, the values it allows, the plausible range an analyst should explore
//! when it is uncertain, and where its default comes from (a cited figure,
//! an assumption, or a setting). Its doc comment is its meaning. From the
//! declarations come the defaults when a scenario is read, the check of
//! allowed ranges, `reviewsim params`, MODEL.md's parameter table, and the
//! assumptions that sensitivity analysis explores.
//!
//! ```
//! use reviewsim::scenario::declare::{Allowed, Meta, Section, Source};
//!
//! reviewsim::declare! {
//!     /// `[example]`: a section.
//!     pub struct Example {
//!         /// Chance that something happens.
//!         chance: f64 = 0.5 => Meta::unit("probability")
//!             .allowed(Allowed::probability())
//!             .plausible(0.2, 0.8)
//!             .assumption("for the example");
//!     }
//! }
//!
//! let declarations = Example::declarations();
//! assert_eq!(declarations[0].key, "chance");
//! assert_eq!(declarations[0].meaning, "Chance that something happens.");
//! assert_eq!(declarations[0].default, "0.5");
//! assert_eq!(declarations[0].meta.plausible, Some((0.2, 0.8)));
//! assert!(matches!(declarations[0].meta.source, Source::Assumption(_)));
//! assert_eq!(Example::default().chance, 0.5);
//! ```

use std::borrow::Cow;

use super::dist::DistParam;

/// Where a parameter's default comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A public figure; the text says where: a file of the repository
    /// (`docs/calibration.md#section`, `data/…`) and the figure.
    Cited(&'static str),
    /// Estimated from data by the project: the text says from what data,
    /// how, and with what interval (a scenario's `[fitted]` table, or a
    /// constant solved at validation).
    Fitted(Cow<'static, str>),
    /// No public figure stands behind it: a modelling assumption, with the
    /// reasoning. Assumptions with a plausible range are what sensitivity
    /// analysis explores by default.
    Assumption(&'static str),
    /// A choice of the run or of the policy studied (seed, window, ids),
    /// not a claim about the world.
    Setting,
}

impl Source {
    /// A short label: `cited`, `fitted`, `assumption` or `setting`.
    pub fn label(&self) -> &'static str {
        match self {
            Source::Cited(_) => "cited",
            Source::Fitted(_) => "fitted",
            Source::Assumption(_) => "assumption",
            Source::Setting => "setting",
        }
    }

    /// The citation, the fit or the reasoning (empty for a setting).
    pub fn text(&self) -> &str {
        match self {
            Source::Cited(text) | Source::Assumption(text) => text,
            Source::Fitted(text) => text,
            Source::Setting => "",
        }
    }
}

/// The values a number allows, and how a refusal says so.
#[derive(Clone, Debug, PartialEq)]
pub struct Allowed {
    /// Smallest value.
    pub min: f64,
    /// Whether `min` itself is allowed.
    pub min_included: bool,
    /// Largest value.
    pub max: f64,
    /// Whether `max` itself is allowed.
    pub max_included: bool,
    /// The refusal's words: "must be a probability from 0 to 1".
    pub says: Cow<'static, str>,
}

impl Allowed {
    /// `[min, max]`, with the refusal's words.
    pub fn between(min: f64, max: f64, says: impl Into<Cow<'static, str>>) -> Self {
        Allowed {
            min,
            min_included: true,
            max,
            max_included: true,
            says: says.into(),
        }
    }

    /// The same without `min` itself.
    pub fn above(min: f64, max: f64, says: impl Into<Cow<'static, str>>) -> Self {
        Allowed {
            min_included: false,
            ..Allowed::between(min, max, says)
        }
    }

    /// The same without `max` itself.
    pub fn below(min: f64, max: f64, says: impl Into<Cow<'static, str>>) -> Self {
        Allowed {
            max_included: false,
            ..Allowed::between(min, max, says)
        }
    }

    /// Any finite number.
    pub fn finite(what: &'static str) -> Self {
        Allowed::between(f64::MIN, f64::MAX, what)
    }

    /// From 0 to 1.
    pub fn probability() -> Self {
        Allowed::between(0.0, 1.0, "must be a probability from 0 to 1")
    }

    /// A fraction from 0 to 1.
    pub fn fraction() -> Self {
        Allowed::between(0.0, 1.0, "must be a fraction from 0 to 1")
    }

    /// A finite number ≥ 0.
    pub fn non_negative() -> Self {
        Allowed::between(0.0, f64::MAX, "must be a finite number >= 0")
    }

    /// Days from 0 to `max`.
    pub fn days(max: f64) -> Self {
        Allowed::between(
            0.0,
            max,
            format!(
                "must be a number of days >= 0 and <= {}",
                super::error::short_number(max)
            ),
        )
    }

    /// A utility in logit choice, between −100 and 100.
    pub fn utility() -> Self {
        Allowed::between(-100.0, 100.0, "must be a utility between -100 and 100")
    }

    /// A rate per year from 0 to 10,000.
    pub fn rate_per_year() -> Self {
        Allowed::between(0.0, 1e4, "must be a rate per year >= 0 and <= 10000")
    }

    /// Whether `value` is allowed.
    pub fn admits(&self, value: f64) -> bool {
        let above = if self.min_included {
            value >= self.min
        } else {
            value > self.min
        };
        let below = if self.max_included {
            value <= self.max
        } else {
            value < self.max
        };
        value.is_finite() && above && below
    }
}

/// What a parameter's value is, as the declarations see it.
pub enum Reading<'a> {
    /// A number.
    Number(f64),
    /// An optional number.
    Maybe(Option<f64>),
    /// A distribution.
    Dist(&'a DistParam),
    /// An optional distribution.
    MaybeDist(Option<&'a DistParam>),
    /// A nested section.
    Section(&'a dyn Section),
    /// An optional nested section.
    MaybeSection(Option<&'a dyn Section>),
    /// A list of sections named by id.
    Sections(Vec<(&'a str, &'a dyn Section)>),
    /// Anything else: text, choices, lists, dates (checked by their types).
    Other,
}

/// How a field's value is read for its declaration.
pub trait Readable {
    /// The reading.
    fn reading(&self) -> Reading<'_>;
}

/// A section in a list, named by its id; entries of lists without ids are
/// named by their position (the default).
pub trait Named {
    /// Its id, or "" when entries are named by position.
    fn id(&self) -> &str {
        ""
    }
}

/// The declarations of a field's nested sections (none for a value).
pub trait Children {
    /// The declarations of the nested section's parameters.
    fn children() -> Vec<Declaration> {
        Vec::new()
    }

    /// Whether the field is a list (of named sections, when nested).
    fn is_list() -> bool {
        false
    }
}

impl Readable for f64 {
    fn reading(&self) -> Reading<'_> {
        Reading::Number(*self)
    }
}

impl Readable for u32 {
    fn reading(&self) -> Reading<'_> {
        Reading::Number(f64::from(*self))
    }
}

impl Readable for u64 {
    fn reading(&self) -> Reading<'_> {
        Reading::Number(*self as f64)
    }
}

impl Readable for Option<f64> {
    fn reading(&self) -> Reading<'_> {
        Reading::Maybe(*self)
    }
}

impl Readable for DistParam {
    fn reading(&self) -> Reading<'_> {
        Reading::Dist(self)
    }
}

impl Readable for Option<DistParam> {
    fn reading(&self) -> Reading<'_> {
        Reading::MaybeDist(self.as_ref())
    }
}

impl<T: Section> Readable for Option<T> {
    fn reading(&self) -> Reading<'_> {
        Reading::MaybeSection(self.as_ref().map(|s| s as &dyn Section))
    }
}

impl<T: Section + Named> Readable for Vec<T> {
    fn reading(&self) -> Reading<'_> {
        Reading::Sections(self.iter().map(|s| (s.id(), s as &dyn Section)).collect())
    }
}

impl<T: Children> Children for Option<T> {
    fn children() -> Vec<Declaration> {
        T::children()
    }
}

impl<T: Children> Children for Vec<T> {
    fn children() -> Vec<Declaration> {
        T::children()
    }

    fn is_list() -> bool {
        true
    }
}

/// Values read as [`Reading::Other`]: their type says what is allowed.
#[macro_export]
macro_rules! plain_values {
    ($($ty:ty),* $(,)?) => {
        $(
            impl $crate::scenario::declare::Readable for $ty {
                fn reading(&self) -> $crate::scenario::declare::Reading<'_> {
                    $crate::scenario::declare::Reading::Other
                }
            }
        )*
    };
}

/// Values with no nested sections (options and lists of them follow).
#[macro_export]
macro_rules! leaf_values {
    ($($ty:ty),* $(,)?) => {
        $(impl $crate::scenario::declare::Children for $ty {})*
    };
}

plain_values!(
    bool,
    String,
    Option<String>,
    Option<bool>,
    super::day::Date,
    super::day::DayRef,
    Option<super::day::DayRef>,
    std::collections::BTreeMap<String, f64>,
    Vec<String>,
);

leaf_values!(
    f64,
    u32,
    u64,
    bool,
    String,
    DistParam,
    super::day::Date,
    super::day::DayRef,
    std::collections::BTreeMap<String, f64>,
);

/// Everything said of a parameter but its name, meaning and value.
#[derive(Clone, Debug, PartialEq)]
pub struct Meta {
    /// Unit, or kind of value.
    pub unit: &'static str,
    /// Must be written in the scenario (no default).
    pub required: bool,
    /// What a number allows (checked at validation).
    pub allowed: Option<Allowed>,
    /// The range an analyst should explore when the value is uncertain.
    pub plausible: Option<(f64, f64)>,
    /// Explore the plausible range on a log scale (it spans orders of
    /// magnitude).
    pub log_scale: bool,
    /// Where the default comes from.
    pub source: Source,
    /// A nested section or a list of them, not a parameter.
    pub nested: bool,
}

impl Meta {
    /// A parameter in `unit`; a setting until said otherwise.
    pub fn unit(unit: &'static str) -> Self {
        Meta {
            unit,
            required: false,
            allowed: None,
            plausible: None,
            log_scale: false,
            source: Source::Setting,
            nested: false,
        }
    }

    /// A nested section, or a list of them.
    pub fn nested() -> Self {
        Meta {
            nested: true,
            ..Meta::unit("")
        }
    }

    /// Must be written.
    pub fn required(self) -> Self {
        Meta {
            required: true,
            ..self
        }
    }

    /// The values allowed.
    pub fn allowed(self, allowed: Allowed) -> Self {
        Meta {
            allowed: Some(allowed),
            ..self
        }
    }

    /// The plausible range.
    pub fn plausible(self, low: f64, high: f64) -> Self {
        Meta {
            plausible: Some((low, high)),
            ..self
        }
    }

    /// The plausible range, explored on a log scale.
    pub fn plausible_log(self, low: f64, high: f64) -> Self {
        Meta {
            plausible: Some((low, high)),
            log_scale: true,
            ..self
        }
    }

    /// The default is a public figure, cited where `text` says.
    pub fn cited(self, text: &'static str) -> Self {
        Meta {
            source: Source::Cited(text),
            ..self
        }
    }

    /// The value is estimated from data, as `text` says.
    pub fn fitted(self, text: &'static str) -> Self {
        Meta {
            source: Source::Fitted(Cow::Borrowed(text)),
            ..self
        }
    }

    /// The default is an assumption, for the reason `text` gives.
    pub fn assumption(self, text: &'static str) -> Self {
        Meta {
            source: Source::Assumption(text),
            ..self
        }
    }
}

/// A declared section.
pub trait Section: std::fmt::Debug {
    /// This value's parameters, each with its declaration.
    fn declared(&self) -> Vec<Declared<'_>>;

    /// The declarations of the section's type, with their defaults and the
    /// declarations of nested sections.
    fn declarations() -> Vec<Declaration>
    where
        Self: Sized;
}

/// A parameter with its value, as [`Section::declared`] gives it.
pub struct Declared<'a> {
    /// Its key.
    pub key: &'static str,
    /// Unit, range, source.
    pub meta: Meta,
    /// Its value.
    pub reading: Reading<'a>,
}

/// A parameter's declaration without a value: for listings, tables and
/// sensitivity analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct Declaration {
    /// Its key in its section.
    pub key: &'static str,
    /// Its meaning (the field's doc comment).
    pub meaning: String,
    /// Unit, range, source.
    pub meta: Meta,
    /// Its default as written in a scenario; empty when it must be written
    /// or is absent by default.
    pub default: String,
    /// The declarations of a nested section or list.
    pub children: Vec<Declaration>,
    /// A list: of named sections when nested (paths name entries by id).
    pub list: bool,
}

/// A doc comment's lines as one line.
pub fn meaning(doc: &[&str]) -> String {
    doc.iter()
        .map(|line| line.trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The default of `key` in a section's default value, as written in TOML.
pub fn default_text(defaults: &Option<toml::Table>, key: &str, meta: &Meta) -> String {
    if meta.required || meta.nested {
        return String::new();
    }
    defaults
        .as_ref()
        .and_then(|table| table.get(key))
        .map(crate::scenario::render)
        .unwrap_or_default()
}

/// Declares a section: a struct whose fields are its parameters, each with
/// its type, default and [`Meta`], and whose doc comments are their
/// meanings; `derived` fields are worked out at validation and not read
/// from the scenario. See the [module documentation](self).
#[macro_export]
macro_rules! declare {
    (
        $(#[$outer:meta])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $field:ident : $ty:ty = $default:expr => $meta:expr;
            )*
        }
        $(
            derived {
                $(
                    $(#[doc = $ddoc:literal])*
                    $dfield:ident : $dty:ty,
                )*
            }
        )?
    ) => {
        $(#[$outer])*
        #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct $name {
            $(
                $(#[doc = $doc])*
                #[serde(skip_serializing_if = "reviewsim::scenario::declare::is_absent")]
                pub $field: $ty,
            )*
            $($(
                $(#[doc = $ddoc])*
                #[serde(skip)]
                pub $dfield: $dty,
            )*)?
        }

        impl Default for $name {
            fn default() -> Self {
                $name {
                    $($field: $default,)*
                    $($($dfield: Default::default(),)*)?
                }
            }
        }

        impl $crate::scenario::declare::Section for $name {
            fn declared(&self) -> Vec<$crate::scenario::declare::Declared<'_>> {
                vec![$(
                    $crate::scenario::declare::Declared {
                        key: stringify!($field),
                        meta: $meta,
                        reading: $crate::scenario::declare::Readable::reading(&self.$field),
                    },
                )*]
            }

            fn declarations() -> Vec<$crate::scenario::declare::Declaration> {
                let defaults = toml::Table::try_from(Self::default()).ok();
                vec![$({
                    let meta: $crate::scenario::declare::Meta = $meta;
                    $crate::scenario::declare::Declaration {
                        key: stringify!($field),
                        meaning: $crate::scenario::declare::meaning(&[$($doc),*]),
                        default: $crate::scenario::declare::default_text(
                            &defaults, stringify!($field), &meta),
                        children: <$ty as $crate::scenario::declare::Children>::children(),
                        list: <$ty as $crate::scenario::declare::Children>::is_list(),
                        meta,
                    }
                },)*]
            }
        }

        impl $crate::scenario::declare::Readable for $name {
            fn reading(&self) -> $crate::scenario::declare::Reading<'_> {
                $crate::scenario::declare::Reading::Section(self)
            }
        }

        impl $crate::scenario::declare::Absent for $name {}

        impl $crate::scenario::declare::Children for $name {
            fn children() -> Vec<$crate::scenario::declare::Declaration> {
                <Self as $crate::scenario::declare::Section>::declarations()
            }
        }
    };
}

/// Whether a field is left out of the resolved scenario: an absent option.
pub fn is_absent<T: Absent>(value: &T) -> bool {
    value.absent()
}

/// Values that may be absent from a scenario.
pub trait Absent {
    /// Whether this value is absent.
    fn absent(&self) -> bool {
        false
    }
}

impl<T> Absent for Option<T> {
    fn absent(&self) -> bool {
        self.is_none()
    }
}

impl<T> Absent for Vec<T> {}

/// Present whenever set.
#[macro_export]
macro_rules! always_present {
    ($($ty:ty),* $(,)?) => {
        $(impl $crate::scenario::declare::Absent for $ty {})*
    };
}

always_present!(
    f64,
    u32,
    u64,
    bool,
    String,
    DistParam,
    super::day::Date,
    super::day::DayRef,
    std::collections::BTreeMap<String, f64>,
);

/// The declaration of a parameter path (`review.tracks.threat.capacity`:
/// the segment after a list of named sections is an id, not a key).
pub fn declaration_at<'d>(declarations: &'d [Declaration], path: &str) -> Option<&'d Declaration> {
    let mut level = declarations;
    let mut segments = path.split('.').peekable();
    while let Some(key) = segments.next() {
        let declaration = level.iter().find(|d| d.key == key)?;
        if segments.peek().is_none() {
            return Some(declaration);
        }
        if declaration.list && declaration.meta.nested {
            segments.next();
        }
        level = &declaration.children;
    }
    None
}

/// The first key that a scenario must write and does not: the path of the
/// table it is missing from (empty for the top level), and the key. The
/// table is the scenario file's, after `extends` and overrides.
pub fn missing_required(
    table: &toml::Table,
    declarations: &[Declaration],
    path: &str,
) -> Option<(String, &'static str)> {
    for declaration in declarations {
        let at = if path.is_empty() {
            declaration.key.to_string()
        } else {
            format!("{path}.{}", declaration.key)
        };
        match table.get(declaration.key) {
            None if declaration.meta.required => return Some((path.to_string(), declaration.key)),
            Some(toml::Value::Table(inner)) if declaration.meta.nested => {
                if let Some(found) = missing_required(inner, &declaration.children, &at) {
                    return Some(found);
                }
            }
            Some(toml::Value::Array(items)) if declaration.meta.nested => {
                for (index, item) in items.iter().enumerate() {
                    let Some(inner) = item.as_table() else {
                        continue;
                    };
                    let element = match inner.get("id").and_then(toml::Value::as_str) {
                        Some(id) if !id.is_empty() && !id.contains('.') => format!("{at}.{id}"),
                        _ => format!("{at}[{index}]"),
                    };
                    if let Some(found) = missing_required(inner, &declaration.children, &element) {
                        return Some(found);
                    }
                }
            }
            _ => {}
        }
    }
    None
}
