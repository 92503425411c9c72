//! How far one person is from certification on their cohort's track: the store's raw rows
//! sorted into modules by the cohort's calendar and pace, then weighed against the track's
//! criteria (`domain::certification`). Only ever shown to the person themselves.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Duration, NaiveDate};

use crate::content::model::Track;
use crate::domain::certification::{self, Evidence, ModuleEvidence, Standing, TrackCriteria};
use crate::domain::local_time::local_date;
use crate::domain::PracticeCalendar;
use crate::store::{Cohort, Store, StoreError};

/// A person's standing, with what it was weighed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonStanding {
    pub criteria: TrackCriteria,
    pub standing: Standing,
    pub modules: Vec<ModuleEvidence>,
}

/// How far back a reflection written on a day off looks for the practice day it belongs to.
const DAYS_OFF: i64 = 21;

/// The practice day `date` belongs to: itself, or the last practice day before it.
fn practice_day(calendar: &PracticeCalendar, date: NaiveDate) -> Option<u32> {
    (0..DAYS_OFF).find_map(|back| calendar.day_number(date - Duration::days(back)))
}

/// `user`'s standing in `cohort`, or `None` when the track has no certification.
pub async fn standing(
    store: &Store,
    track: &Track,
    cohort: &Cohort,
    calendar: &PracticeCalendar,
    user: u64,
) -> Result<Option<PersonStanding>, StoreError> {
    let Some(criteria) = track.certification else {
        return Ok(None);
    };
    let raw = store
        .certification_evidence(user, cohort.id, &track.id)
        .await?;
    let module_of = |date: NaiveDate| {
        practice_day(calendar, date).and_then(|day| cohort.pace.module_of_day(day))
    };
    // Engaged days: a tried prompt, or a reflection, counted once per practice day.
    let mut engaged: BTreeMap<u8, BTreeSet<NaiveDate>> = BTreeMap::new();
    let mut reflections: BTreeMap<u8, u32> = BTreeMap::new();
    for date in &raw.tried_dates {
        if let Some(module) = module_of(*date) {
            engaged.entry(module).or_default().insert(*date);
        }
    }
    for (nudge_date, written) in &raw.reflections {
        let date = nudge_date.unwrap_or_else(|| local_date(*written, cohort.timezone));
        let Some(day) = practice_day(calendar, date) else {
            continue;
        };
        if let Some(module) = cohort.pace.module_of_day(day) {
            *reflections.entry(module).or_default() += 1;
            if let Some(date) = calendar.date_of_day(day) {
                engaged.entry(module).or_default().insert(date);
            }
        }
    }
    let mut modules = Vec::new();
    let mut weighed = Vec::new();
    for module in &track.modules {
        let number = module.number;
        let done = ModuleEvidence {
            number,
            days: cohort.pace.days_of(number).unwrap_or(module.days),
            engaged_days: engaged.get(&number).map_or(0, |d| d.len() as u32),
            quiz_items: module.quiz.len() as u32,
            quiz_best: module
                .quiz
                .iter()
                .filter(|q| raw.best_items.contains(&q.id))
                .count() as u32,
            reflections: reflections.get(&number).copied().unwrap_or(0),
        };
        modules.push(done);
        weighed.push((
            module.criteria.unwrap_or(certification::DEFAULT_MODULE),
            done,
        ));
    }
    let evidence = Evidence {
        modules: weighed,
        commitments_checked_in: raw.commitments_checked_in,
        proposed: raw.proposed,
        voted: raw.voted,
        owned: raw.owned,
    };
    Ok(Some(PersonStanding {
        criteria,
        standing: certification::standing(&criteria, &evidence),
        modules,
    }))
}
