//! `[population]`: how many persons, their households and their categorical
//! attributes; and the multipliers by attribute category that other sections give.

use crate::error::FieldPath;
use crate::kinds::Level;
use crate::model::Categorical;
use crate::raw::Named;
use crate::validate::{Checker, MAX_HOUSEHOLD, MAX_PERSONS};
use serde::Serialize;
use std::collections::HashMap;

/// The tables as written in the scenario file (re-exported by [`crate::raw`]).
pub mod raw {
    use crate::kinds::Level;
    use crate::raw::Named;
    use serde::{Deserialize, Serialize};

    /// `[population]`: who lives in the synthetic country.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Population {
        /// Number of persons.
        pub persons: u64,
        /// Shape k of the Gamma(k, 1/k) multiplier (mean 1, variance 1/k) applied to every
        /// behaviour rate of a person. Absent: everyone has multiplier 1.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub heterogeneity_shape: Option<f64>,
        /// Whom the regime scores: attribute → the categories it scores (e.g.
        /// `{ age = ["15-59", "60+"] }`). Records (genuine, false and misattributed) land
        /// only on these persons. Absent: everyone is scored.
        #[serde(default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
        pub scored: Named<Vec<String>>,
        /// Propensity groups: group name → Gamma shape k of the multiplier (mean 1,
        /// variance 1/k) that the behaviours naming the group (`propensity = "GROUP"`)
        /// share, drawn per person independently of the global multiplier and of the
        /// other groups. Behaviours naming no group keep the global multiplier.
        #[serde(default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
        pub propensity_groups: Named<f64>,
        /// Household sizes.
        #[serde(default)]
        pub households: Households,
        /// Categorical attributes (region, age band, group, ...).
        #[serde(default)]
        pub attributes: Vec<Attribute>,
    }

    /// `[population.households]`: the household size distribution.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Households {
        /// Household size (as a string key, `"1"`, `"2"`, ...) → share of households.
        pub sizes: Named<f64>,
    }

    impl Default for Households {
        fn default() -> Self {
            Households {
                sizes: [("1".to_string(), 1.0)].into_iter().collect(),
            }
        }
    }

    /// `[[population.attributes]]`: one categorical attribute.
    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    pub struct Attribute {
        /// Attribute name (`region`, `age`, `group`).
        pub id: String,
        /// Whether every member of a household shares the category.
        #[serde(default)]
        pub level: Level,
        /// Category → share of the population (shares sum to 1).
        pub categories: Named<f64>,
        /// The category disparate-impact ratios are taken against (one of
        /// `categories`; absent: the largest eligible category).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reference: Option<String>,
    }
}

/// A categorical attribute of persons.
#[derive(Debug, Clone, Serialize)]
pub struct Attribute {
    /// Attribute name.
    pub id: String,
    /// Person- or household-level.
    pub level: Level,
    /// Categories and shares.
    pub categories: Categorical<String>,
    /// The stated reference category of disparate impact (None: not stated).
    pub reference: Option<usize>,
}

/// A set of persons given by attribute categories: a person belongs to it when, for
/// every attribute it names, the person's category is one of those listed (an attribute
/// it does not name allows every category). With no attribute named, everyone belongs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Categories {
    /// `allowed[attribute][category]`; empty: everyone.
    pub allowed: Vec<Vec<bool>>,
}

impl Categories {
    /// Whether everyone belongs (no attribute named).
    pub fn everyone(&self) -> bool {
        self.allowed.is_empty()
    }

    /// Whether a person with these attribute categories (one per attribute, in the
    /// model's order) belongs.
    #[inline]
    pub fn contains(&self, attrs: &[u8]) -> bool {
        self.allowed
            .iter()
            .zip(attrs)
            .all(|(cats, &c)| cats.get(c as usize).copied().unwrap_or(false))
    }
}

/// The population as compiled.
pub(crate) struct Compiled<'s> {
    /// Number of persons.
    pub(crate) persons: u64,
    /// Global heterogeneity shape (None: no heterogeneity).
    pub(crate) heterogeneity_shape: Option<f64>,
    /// Household sizes and their shares.
    pub(crate) household_sizes: Categorical<u32>,
    /// The persons the regime scores.
    pub(crate) scored: Categories,
    /// Propensity groups by name: (index, Gamma shape).
    pub(crate) groups: HashMap<String, (usize, f64)>,
    /// Categorical attributes.
    pub(crate) attributes: Vec<Attribute>,
    /// The attributes by name, for other sections' multipliers.
    pub(crate) names: Attributes<'s>,
}

/// The attributes by name, to resolve multipliers by attribute category.
pub(crate) struct Attributes<'s> {
    /// The attributes as written (their categories, in the file's order).
    raw: &'s [raw::Attribute],
    /// Attribute name → index.
    pub(crate) index: HashMap<String, usize>,
}

impl Attributes<'_> {
    /// Multipliers by attribute category, `[attribute][category]`, defaulting to 1.
    pub(crate) fn multipliers(
        &self,
        ck: &mut Checker<'_>,
        path: &FieldPath,
        map: &Named<Named<f64>>,
    ) -> Vec<Vec<f64>> {
        let (attrs, attr_index) = (self.raw, &self.index);
        let mut out: Vec<Vec<f64>> = attrs
            .iter()
            .map(|a| vec![1.0; a.categories.len()])
            .collect();
        for (attr, cats) in map {
            if !attr_index.contains_key(attr) {
                // Reported once; its categories cannot be checked against anything.
                ck.lookup(path.key(attr), "attribute", attr_index, attr);
                continue;
            }
            let a = ck.lookup(path.key(attr), "attribute", attr_index, attr);
            let Some(attribute) = attrs.get(a) else {
                continue;
            };
            for (cat, &factor) in cats {
                let p = path.key(attr).key(cat);
                let factor = ck.non_negative(p.clone(), "multiplier", factor);
                match attribute.categories.get_index_of(cat) {
                    Some(c) => out[a][c] = factor,
                    None => {
                        let known: Vec<&str> =
                            attribute.categories.keys().map(String::as_str).collect();
                        ck.fail(
                            p,
                            format!(
                                "attribute `{attr}` has no category `{cat}` (its categories: {})",
                                known.join(", ")
                            ),
                        );
                    }
                }
            }
        }
        out
    }

    /// A set of persons by attribute categories (see [`Categories`]): `map` is attribute
    /// → the categories that belong, each list non-empty.
    pub(crate) fn categories(
        &self,
        ck: &mut Checker<'_>,
        path: &FieldPath,
        map: &Named<Vec<String>>,
    ) -> Categories {
        if map.is_empty() {
            return Categories::default();
        }
        let mut allowed: Vec<Vec<bool>> = self
            .raw
            .iter()
            .map(|a| vec![true; a.categories.len()])
            .collect();
        for (attr, cats) in map {
            let a = ck.lookup(path.key(attr), "attribute", &self.index, attr);
            let Some(attribute) = self.raw.get(a).filter(|_| self.index.contains_key(attr)) else {
                continue;
            };
            if cats.is_empty() {
                ck.fail(
                    path.key(attr),
                    format!(
                        "list at least one category of `{attr}` (an empty list would leave nobody)"
                    ),
                );
            }
            let mut row = vec![false; attribute.categories.len()];
            for (k, cat) in cats.iter().enumerate() {
                match attribute.categories.get_index_of(cat) {
                    Some(c) => row[c] = true,
                    None => {
                        let known: Vec<&str> =
                            attribute.categories.keys().map(String::as_str).collect();
                        ck.fail(
                            path.key(attr).index(k),
                            format!(
                                "attribute `{attr}` has no category `{cat}` (its categories: {})",
                                known.join(", ")
                            ),
                        );
                    }
                }
            }
            allowed[a] = row;
        }
        Categories { allowed }
    }
}

/// Checks the population (persons, household sizes, attributes) and compiles it.
pub(crate) fn compile<'s>(ck: &mut Checker<'_>, population: &'s raw::Population) -> Compiled<'s> {
    let pop = FieldPath::keys(&["population"]);
    let persons = population.persons;
    if !(1..=MAX_PERSONS).contains(&persons) {
        ck.fail(
            pop.key("persons"),
            format!("{persons} persons is not allowed: it must be 1 to {MAX_PERSONS} (person ids are 32-bit)"),
        );
    }
    let heterogeneity_shape = population
        .heterogeneity_shape
        .map(|k| ck.positive(pop.key("heterogeneity_shape"), "Gamma shape", k));
    let hh = pop.key("households").key("sizes");
    let shares = ck.shares(&hh, "household size shares", &population.households.sizes);
    let mut sizes = Vec::new();
    for key in population.households.sizes.keys() {
        match key.parse::<u32>() {
            Ok(n) if (1..=MAX_HOUSEHOLD).contains(&(n as u64)) => sizes.push(n),
            _ => {
                ck.fail(
                    hh.key(key),
                    format!("household size `{key}` is not allowed: sizes are whole numbers from 1 to 100, written as keys like \"3\""),
                );
                sizes.push(1);
            }
        }
    }
    let household_sizes = Categorical::new(sizes, shares);

    let apath = pop.key("attributes");
    let attr_index = ck.ids(
        &apath,
        "attribute",
        population.attributes.iter().map(|a| a.id.as_str()),
    );
    let mut attributes = Vec::new();
    for (i, a) in population.attributes.iter().enumerate() {
        let shares = ck.shares(
            &apath.index(i).key("categories"),
            "category shares",
            &a.categories,
        );
        if a.categories.len() > 255 {
            ck.fail(
                apath.index(i).key("categories"),
                "at most 255 categories per attribute",
            );
        }
        let reference = a.reference.as_ref().and_then(|r| {
            let c = a.categories.get_index_of(r);
            if c.is_none() {
                let known: Vec<&str> = a.categories.keys().map(String::as_str).collect();
                ck.fail(
                    apath.index(i).key("reference"),
                    format!(
                        "reference category `{r}` is not a category of attribute `{}` (its categories: {})",
                        a.id,
                        known.join(", ")
                    ),
                );
            }
            c
        });
        attributes.push(Attribute {
            id: a.id.clone(),
            level: a.level,
            categories: Categorical::new(a.categories.keys().cloned().collect(), shares),
            reference,
        });
    }
    let names = Attributes {
        raw: &population.attributes,
        index: attr_index,
    };
    let scored = names.categories(ck, &pop.key("scored"), &population.scored);
    let gpath = pop.key("propensity_groups");
    let groups = population
        .propensity_groups
        .iter()
        .enumerate()
        .map(|(g, (name, &k))| {
            let k = ck.positive(gpath.key(name), "Gamma shape", k);
            (name.clone(), (g, k))
        })
        .collect();
    Compiled {
        persons,
        heterogeneity_shape,
        household_sizes,
        scored,
        groups,
        attributes,
        names,
    }
}
