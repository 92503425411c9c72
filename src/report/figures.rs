//! A summary's figures as they may be shown: raw counts in, the k rules applied (see
//! domain::kanon), group figures out. This is what is stored with a weekly summary and what
//! every rendering (embed, chart, `/cohort report`) reads; nothing here can name a person.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::kanon::{Rules, Shown};
use crate::domain::FourA;
use crate::store::{Tally, WindowTallies};

/// The figures of one summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub k: u32,
    /// The local days the week covers (inclusive).
    pub from: NaiveDate,
    pub until: NaiveDate,
    /// Where the cohort is in its program ("Day 12 · Module 3 of 7 · …").
    pub position: String,
    pub members: Shown<u32>,
    pub week: Activity,
    pub to_date: ToDate,
    /// The cohort started within this week, so its figures to date are the week's.
    #[serde(default)]
    pub first_week: bool,
    /// The median of members' forgiving streaks, in practice days.
    pub median_streak: Shown<u32>,
    /// Change from the previous summary's week, in percentage points.
    pub change: Option<Change>,
    /// One line for the organisation, when the figures support one.
    pub reading: Option<String>,
    /// On a certification track: how many people have completed it by the end of the week
    /// (a figure to date: withheld with the others, and shown only from k people).
    #[serde(default)]
    pub completions: Option<Shown<u32>>,
    /// The published action plan's actions by status (about actions, not people).
    #[serde(default)]
    pub plan: Option<PlanStatus>,
}

/// A published action plan's actions, by status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanStatus {
    pub actions: u32,
    /// (status label, actions), in the plan's order of statuses.
    pub by_status: Vec<(String, u32)>,
    pub looking_for_owner: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "figures")]
pub enum ToDate {
    Shown(Activity),
    /// The people counted changed by fewer than k since figures to date were last shown.
    Withheld,
}

/// What the counted people did over one window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    /// People with any practice at all.
    pub engaged: Shown<u32>,
    /// Share of members who engaged, rounded to 5 %.
    pub participation: Shown<u8>,
    pub tried: Shown<u64>,
    pub tried_by_a: Vec<(FourA, Shown<u64>)>,
    pub quizzes: Shown<u64>,
    /// Share of quiz answers that were the best answer, rounded to 5 %.
    pub best_rate: Shown<u8>,
    pub best_by_module: Vec<(u8, Shown<u8>)>,
    pub commitments: Shown<u64>,
    pub checkins: Checkins,
    pub reflections: Shown<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkins {
    pub tried: Shown<u64>,
    pub not_yet: Shown<u64>,
    pub not_applicable: Shown<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub participation: Option<i16>,
    pub best_rate: Option<i16>,
}

impl Activity {
    /// Applies the k rules to one window's counts; `members` is how many people are counted.
    pub fn from_tallies(rules: Rules, members: u32, t: &WindowTallies) -> Activity {
        let enough_members = members >= rules.k;
        let engaged = if enough_members {
            rules.people(t.engaged)
        } else {
            Shown::TooFew
        };
        let count = |tally: Tally| rules.count(tally.count, tally.people);
        let rate = |part: u64, whole: Tally| rules.rate(part, whole.count, whole.people);
        let [tried_it, not_yet, not_applicable] = t.checkins;
        // "Not yet" and "didn't apply" count people not doing something: rule 2 needs k on
        // both sides, the other side being those who tried.
        let not_doing = |tally: Tally| match rules.people_not(tally.people, tried_it.people) {
            Shown::Value(_) => Shown::Value(tally.count),
            Shown::TooFew => Shown::TooFew,
        };
        Activity {
            engaged,
            // Shown exactly when the count of people is: the members (at least k) behind it.
            participation: match engaged {
                Shown::Value(n) => rules.rate(u64::from(n), u64::from(members), members),
                Shown::TooFew => Shown::TooFew,
            },
            tried: count(t.tried),
            tried_by_a: FourA::ALL
                .iter()
                .zip(t.tried_by_tag)
                .map(|(a, tally)| (*a, count(tally)))
                .collect(),
            quizzes: count(t.quizzes),
            best_rate: rate(t.best, t.answers),
            best_by_module: t
                .by_module
                .iter()
                .map(|m| (m.module, rate(m.best, m.answers)))
                .collect(),
            commitments: count(t.commitments),
            checkins: Checkins {
                tried: count(tried_it),
                not_yet: not_doing(not_yet),
                not_applicable: not_doing(not_applicable),
            },
            reflections: count(t.reflections),
        }
    }

    /// True when nobody did anything in the window (and there are enough members to say so).
    pub fn is_quiet(&self) -> bool {
        self.engaged == Shown::Value(0)
    }
}

impl Change {
    /// This week against the previous summary's week, where both were shown.
    pub fn between(this: &Activity, previous: &Activity) -> Option<Change> {
        let points = |now: Shown<u8>, before: Shown<u8>| {
            Some(i16::from(now.value()?) - i16::from(before.value()?))
        };
        let change = Change {
            participation: points(this.participation, previous.participation),
            best_rate: points(this.best_rate, previous.best_rate),
        };
        (change.participation.is_some() || change.best_rate.is_some()).then_some(change)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ModuleTally;

    const K5: Rules = Rules { k: 5 };

    fn tally(count: u64, people: u32) -> Tally {
        Tally { count, people }
    }

    fn busy_week() -> WindowTallies {
        WindowTallies {
            engaged: 6,
            tried: tally(14, 6),
            tried_by_tag: [tally(5, 5), tally(4, 4), tally(3, 3), tally(2, 2)],
            quizzes: tally(7, 5),
            answers: tally(21, 5),
            best: 15,
            by_module: vec![ModuleTally {
                module: 1,
                answers: tally(21, 5),
                best: 15,
            }],
            commitments: tally(6, 5),
            checkins: [tally(5, 5), tally(2, 2), tally(0, 0)],
            reflections: tally(9, 6),
        }
    }

    #[test]
    fn each_figure_needs_k_people_behind_it() {
        let week = Activity::from_tallies(K5, 8, &busy_week());
        assert_eq!(week.engaged, Shown::Value(6));
        assert_eq!(week.participation, Shown::Value(75));
        assert_eq!(week.tried, Shown::Value(14));
        assert_eq!(week.tried_by_a[0], (FourA::Awareness, Shown::Value(5)));
        assert_eq!(week.tried_by_a[1], (FourA::Action, Shown::TooFew));
        assert_eq!(week.best_rate, Shown::Value(70)); // 15 of 21 is 71 %
        assert_eq!(week.checkins.tried, Shown::Value(5));
        assert_eq!(week.checkins.not_yet, Shown::TooFew);
        assert_eq!(week.reflections, Shown::Value(9));
    }

    #[test]
    fn with_fewer_members_than_k_nothing_is_shown() {
        let mut four = busy_week();
        four.engaged = 4;
        for tally in [&mut four.tried, &mut four.quizzes, &mut four.reflections] {
            tally.people = 4;
        }
        let week = Activity::from_tallies(K5, 4, &four);
        assert_eq!(week.engaged, Shown::TooFew);
        assert_eq!(week.participation, Shown::TooFew);
        assert_eq!(week.tried, Shown::TooFew);
        assert_eq!(week.reflections, Shown::TooFew);
    }

    #[test]
    fn a_change_needs_both_weeks_shown() {
        let this = Activity::from_tallies(K5, 8, &busy_week());
        let mut quieter = busy_week();
        quieter.engaged = 5;
        let before = Activity::from_tallies(K5, 8, &quieter);
        let change = Change::between(&this, &before).unwrap();
        assert_eq!(change.participation, Some(75 - 65)); // 5 of 8 is 62.5 %, rounded to 65
        let mut few = busy_week();
        few.engaged = 2;
        few.answers = tally(3, 2);
        let hidden = Activity::from_tallies(K5, 8, &few);
        assert_eq!(Change::between(&this, &hidden), None);
    }
}
