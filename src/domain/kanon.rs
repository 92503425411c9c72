//! k-anonymity for the organisation's summaries: which group figures may be shown. The rules,
//! as docs/PRIVACY.md states them:
//!
//! 1. A figure computed from fewer than k people is not shown ("fewer than k people"). A zero
//!    is shown: it is computed from no one ("no activity this week").
//! 2. A count of people *not* doing something is shown only when both it and its complement
//!    are at least k.
//! 3. Figures "to date", and changes from the previous week, are withheld when the people they
//!    count differ from those the previous weekly summary counted by 1 to k-1 people: two
//!    consecutive summaries can then not be subtracted to reveal what one person did. (Someone
//!    who deletes their data stays in the totals as anonymous counts, store::summary_departed,
//!    so a deletion changes neither.)
//! 4. Rates are rounded to whole multiples of 5 %.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

/// A figure as a summary may show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "shown", content = "value")]
pub enum Shown<T> {
    Value(T),
    /// Computed from fewer than k people (rule 1), or its complement is (rule 2).
    TooFew,
}

impl<T: Copy> Shown<T> {
    pub fn value(self) -> Option<T> {
        match self {
            Shown::Value(v) => Some(v),
            Shown::TooFew => None,
        }
    }

    /// The same verdict for another value (a figure shown exactly when this one is).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Shown<U> {
        match self {
            Shown::Value(v) => Shown::Value(f(v)),
            Shown::TooFew => Shown::TooFew,
        }
    }
}

/// The rules for one organisation: its k (`/org settings min_group_size`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub k: u32,
}

impl Rules {
    /// `value` (a count of events, such as prompts tried) that `people` contributed to.
    pub fn count(self, value: u64, people: u32) -> Shown<u64> {
        if people == 0 || people >= self.k {
            Shown::Value(value)
        } else {
            Shown::TooFew
        }
    }

    /// How many of a group did something.
    pub fn people(self, doing: u32) -> Shown<u32> {
        if doing == 0 || doing >= self.k {
            Shown::Value(doing)
        } else {
            Shown::TooFew
        }
    }

    /// How many of a group did *not* do something: both sides must reach k (rule 2).
    pub fn people_not(self, not_doing: u32, doing: u32) -> Shown<u32> {
        if not_doing == 0 || (not_doing >= self.k && doing >= self.k) {
            Shown::Value(not_doing)
        } else {
            Shown::TooFew
        }
    }

    /// `part` of `whole` as a percentage rounded to 5, when at least k people stand behind
    /// both the part and the whole.
    pub fn rate(self, part: u64, whole: u64, people: u32) -> Shown<u8> {
        match round_to_five(part, whole) {
            Some(percent) if people >= self.k => Shown::Value(percent),
            _ => Shown::TooFew,
        }
    }

    /// Whether figures to date may be shown, given whom the previous summary counted (`None`:
    /// there was none) and whom this one counts (rule 3).
    pub fn may_show_to_date(self, last: Option<&Counted>, now: &Counted) -> bool {
        let Some(last) = last else {
            return true;
        };
        let changed = last.difference(now);
        changed == 0 || changed >= self.k
    }
}

/// `part / whole` as a whole percentage rounded to the nearest multiple of 5; `None` for an
/// empty whole.
pub fn round_to_five(part: u64, whole: u64) -> Option<u8> {
    if whole == 0 {
        return None;
    }
    let part = part.min(whole);
    // Twentieths, rounded half up: (part * 20 / whole) + 0.5.
    let twentieths = (part * 40 + whole) / (2 * whole);
    Some((twentieths * 5) as u8)
}

/// The people behind a set of figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counted {
    pub ids: HashSet<u64>,
}

impl Counted {
    pub fn of(ids: impl IntoIterator<Item = u64>) -> Self {
        Counted {
            ids: ids.into_iter().collect(),
        }
    }

    /// How many people are in one set and not the other.
    pub fn difference(&self, other: &Counted) -> u32 {
        let one_way = self.ids.difference(&other.ids).count();
        let other_way = other.ids.difference(&self.ids).count();
        (one_way + other_way) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K5: Rules = Rules { k: 5 };

    #[test]
    fn a_figure_from_fewer_than_k_people_is_not_shown() {
        assert_eq!(K5.count(12, 4), Shown::TooFew);
        assert_eq!(K5.count(12, 5), Shown::Value(12));
        assert_eq!(K5.people(4), Shown::TooFew);
        assert_eq!(K5.people(5), Shown::Value(5));
        assert_eq!(K5.rate(4, 4, 4), Shown::TooFew);
    }

    #[test]
    fn a_zero_is_about_no_one_and_is_shown() {
        assert_eq!(K5.count(0, 0), Shown::Value(0));
        assert_eq!(K5.people(0), Shown::Value(0));
    }

    #[test]
    fn a_count_of_people_not_doing_something_needs_k_on_both_sides() {
        assert_eq!(K5.people_not(6, 4), Shown::TooFew);
        assert_eq!(K5.people_not(4, 6), Shown::TooFew);
        assert_eq!(K5.people_not(5, 5), Shown::Value(5));
    }

    #[test]
    fn rates_are_rounded_to_multiples_of_five() {
        assert_eq!(round_to_five(1, 3), Some(35)); // 33.3 %
        assert_eq!(round_to_five(2, 3), Some(65)); // 66.7 %
        assert_eq!(round_to_five(7, 8), Some(90)); // 87.5 % rounds half up
        assert_eq!(round_to_five(5, 5), Some(100));
        assert_eq!(round_to_five(0, 9), Some(0));
        assert_eq!(round_to_five(1, 0), None);
        for whole in 1..60u64 {
            for part in 0..=whole {
                let rate = round_to_five(part, whole).unwrap();
                assert_eq!(rate % 5, 0);
                let exact = part as f64 * 100.0 / whole as f64;
                assert!(
                    (f64::from(rate) - exact).abs() <= 2.5 + 1e-9,
                    "{part}/{whole}"
                );
            }
        }
    }

    #[test]
    fn figures_to_date_wait_until_the_people_counted_are_the_same_or_differ_by_k() {
        let before = Counted::of(1..=6);
        assert!(K5.may_show_to_date(None, &before), "the first time");
        assert!(K5.may_show_to_date(Some(&before), &Counted::of(1..=6)));
        assert!(
            !K5.may_show_to_date(Some(&before), &Counted::of(1..=7)),
            "one joined"
        );
        assert!(
            !K5.may_show_to_date(Some(&before), &Counted::of(2..=6)),
            "one left"
        );
        assert!(
            !K5.may_show_to_date(Some(&before), &Counted::of([1, 2, 3, 4, 5, 99])),
            "one left and one joined: two people"
        );
        assert!(
            K5.may_show_to_date(Some(&before), &Counted::of(1..=11)),
            "five joined"
        );
    }
}
