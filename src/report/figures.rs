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
        // The member count is shown, so the people who practised also tell how many did not:
        // rule 2 applies to both sides, except at the ends (nobody, or everybody).
        let everyone_or_no_one = t.engaged == 0 || t.engaged == members;
        let engaged = match rules.people_not(members.saturating_sub(t.engaged), t.engaged) {
            _ if !enough_members => Shown::TooFew,
            _ if everyone_or_no_one => Shown::Value(t.engaged),
            Shown::Value(_) => Shown::Value(t.engaged),
            Shown::TooFew => Shown::TooFew,
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
            tried_by_a: by_tag(count, &t.tried_by_tag),
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

    /// Hides every figure that `earlier` (the previous summary's figures to date) hid. Those
    /// figures to date are this summary's minus its week: a figure hidden then would otherwise
    /// be one subtraction away.
    pub fn hide_what_was_hidden(&mut self, earlier: &Activity) {
        fn hide<T>(now: &mut Shown<T>, then: &Shown<T>) {
            if matches!(then, Shown::TooFew) {
                *now = Shown::TooFew;
            }
        }
        hide(&mut self.engaged, &earlier.engaged);
        hide(&mut self.participation, &earlier.participation);
        hide(&mut self.tried, &earlier.tried);
        for ((_, now), (_, then)) in self.tried_by_a.iter_mut().zip(&earlier.tried_by_a) {
            hide(now, then);
        }
        hide(&mut self.quizzes, &earlier.quizzes);
        hide(&mut self.best_rate, &earlier.best_rate);
        for (module, now) in &mut self.best_by_module {
            if let Some((_, then)) = earlier.best_by_module.iter().find(|(m, _)| m == module) {
                hide(now, then);
            }
        }
        hide(&mut self.commitments, &earlier.commitments);
        hide(&mut self.checkins.tried, &earlier.checkins.tried);
        hide(&mut self.checkins.not_yet, &earlier.checkins.not_yet);
        hide(
            &mut self.checkins.not_applicable,
            &earlier.checkins.not_applicable,
        );
        hide(&mut self.reflections, &earlier.reflections);
    }

    /// True when nobody did anything in the window (and there are enough members to say so).
    pub fn is_quiet(&self) -> bool {
        self.engaged == Shown::Value(0)
    }
}

/// Prompts tried by 4A tag. The total is shown beside them, so one hidden tag would be the total
/// minus the others: if any tag is hidden, every tag is.
fn by_tag(count: impl Fn(Tally) -> Shown<u64>, tallies: &[Tally; 4]) -> Vec<(FourA, Shown<u64>)> {
    let shown: Vec<Shown<u64>> = tallies.iter().map(|t| count(*t)).collect();
    let any_hidden = shown.contains(&Shown::TooFew);
    FourA::ALL
        .iter()
        .zip(shown)
        .map(|(a, value)| (*a, if any_hidden { Shown::TooFew } else { value }))
        .collect()
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
        let week = Activity::from_tallies(K5, 11, &busy_week());
        assert_eq!(week.engaged, Shown::Value(6));
        assert_eq!(week.participation, Shown::Value(55)); // 6 of 11 is 54.5 %
        assert_eq!(week.tried, Shown::Value(14));
        // Action, Advocacy and Accountability come from fewer than 5 people: every tag is hidden,
        // or Awareness would reveal their sum.
        assert!(week.tried_by_a.iter().all(|(_, v)| *v == Shown::TooFew));
        assert_eq!(week.best_rate, Shown::Value(70)); // 15 of 21 is 71 %
        assert_eq!(week.checkins.tried, Shown::Value(5));
        assert_eq!(week.checkins.not_yet, Shown::TooFew);
        assert_eq!(week.reflections, Shown::Value(9));
    }

    #[test]
    fn how_many_practised_is_shown_only_when_those_who_did_not_are_none_or_k() {
        let mut week = busy_week();
        for (members, engaged, shown) in [
            (8, 6, false), // 2 did not
            (11, 6, true), // 5 did not
            (6, 6, true),  // everyone
            (8, 0, true),  // no one
            (9, 4, false), // fewer than k practised
        ] {
            week.engaged = engaged;
            let activity = Activity::from_tallies(K5, members, &week);
            assert_eq!(
                activity.engaged.value().is_some(),
                shown,
                "{engaged} of {members}"
            );
            assert_eq!(activity.participation.value().is_some(), shown);
        }
    }

    #[test]
    fn a_tag_shows_only_when_every_tag_can() {
        let mut week = busy_week();
        week.tried_by_tag = [tally(5, 5), tally(6, 5), tally(0, 0), tally(7, 6)];
        let shown = Activity::from_tallies(K5, 11, &week);
        let values: Vec<Option<u64>> = shown.tried_by_a.iter().map(|(_, v)| v.value()).collect();
        assert_eq!(values, [Some(5), Some(6), Some(0), Some(7)]);
    }

    #[test]
    fn a_figure_to_date_that_the_previous_summary_hid_stays_hidden() {
        let before = Activity::from_tallies(K5, 11, &busy_week());
        let mut bigger = busy_week();
        bigger.reflections = tally(12, 7);
        bigger.quizzes = tally(9, 5);
        let mut earlier = before.clone();
        earlier.reflections = Shown::TooFew;
        let mut now = Activity::from_tallies(K5, 11, &bigger);
        now.hide_what_was_hidden(&earlier);
        assert_eq!(now.reflections, Shown::TooFew, "hidden then, hidden now");
        assert_eq!(now.quizzes, Shown::Value(9), "shown then, shown now");
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
        let this = Activity::from_tallies(K5, 11, &busy_week());
        let mut quieter = busy_week();
        quieter.engaged = 5;
        let before = Activity::from_tallies(K5, 11, &quieter);
        let change = Change::between(&this, &before).unwrap();
        assert_eq!(change.participation, Some(55 - 45)); // 5 of 11 is 45.5 %, rounded to 45
        let mut few = busy_week();
        few.engaged = 2;
        few.answers = tally(3, 2);
        let hidden = Activity::from_tallies(K5, 11, &few);
        assert_eq!(Change::between(&this, &hidden), None);
    }
}
