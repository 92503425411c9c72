//! Where a cohort is and what lies ahead, in words: the practice-day line `/progress`,
//! `/cohort status` and summaries show ("Day 23 · Advocacy · Everyday Allyship Practice"), and
//! a certification cohort's module plan (module, practice days, dates) for `/cohort status`,
//! `/cohort preview` and `/cohort pace`. Pure, and free of Discord: the caller brings the
//! calendar and the day.

use chrono::NaiveDate;

use crate::content::model::Track;
use crate::domain::quiz::current_day;
use crate::domain::{plural, Pace, PracticeCalendar, Stage};
use crate::store::Cohort;

fn short(date: NaiveDate) -> String {
    date.format("%a %-d %b").to_string()
}

/// "Day 23 · Advocacy · Everyday Allyship Practice" for an open-ended program, "Day 12 ·
/// Awareness · Module 3: Specific Dimensions of Allyship II" for a certification track: the
/// practice day `today` belongs to (day 1 before the start) and its prompt's A.
pub fn day_line(
    track: &Track,
    cohort: &Cohort,
    calendar: &PracticeCalendar,
    today: NaiveDate,
) -> String {
    let day = current_day(calendar, today);
    let known = |id: &str| track.prompt(id).is_some();
    let planned = cohort.plan.day_among(day, &cohort.pace, known);
    let four_a = planned
        .as_ref()
        .and_then(|p| track.prompt(&p.prompt_id))
        .map(|(_, prompt)| format!(" · {}", prompt.four_a.name()))
        .unwrap_or_default();
    let stage = planned.map_or(Stage::Open, |p| p.stage);
    let place = match stage {
        Stage::Open => track.title.clone(),
        Stage::Module(number) => {
            let title = track.module(number).map_or("", |m| m.title.as_str());
            format!("Module {number}: {title}")
        }
        Stage::Review => format!("Review of the {}", track.title),
    };
    let starts = calendar
        .date_of_day(1)
        .filter(|first| *first > today)
        .map(|first| format!(" (starts {})", short(first)))
        .unwrap_or_default();
    format!("Day {day}{four_a} · {place}{starts}")
}

/// The practice day `today` belongs to, once the cohort has started.
pub fn started_day(calendar: &PracticeCalendar, today: NaiveDate) -> Option<u32> {
    calendar
        .date_of_day(1)
        .filter(|first| *first <= today)
        .map(|_| current_day(calendar, today))
}

/// One line per module (number, title, practice days, dates), then when review begins. The
/// module under way on practice day `current` is marked. Dates a pause leaves open are not shown.
pub fn module_plan(
    track: &Track,
    pace: &Pace,
    calendar: &PracticeCalendar,
    current: Option<u32>,
) -> Vec<String> {
    let mut lines = Vec::new();
    for (index, days) in pace.days().iter().enumerate() {
        let number = u8::try_from(index + 1).unwrap_or(u8::MAX);
        let Some((first, last)) = pace.span(number) else {
            continue;
        };
        let title = track.module(number).map_or("", |m| m.title.as_str());
        let dates = match (calendar.date_of_day(first), calendar.date_of_day(last)) {
            (Some(from), Some(to)) if from == to => format!(" · {}", short(from)),
            (Some(from), Some(to)) => format!(" · {} – {}", short(from), short(to)),
            _ => String::new(),
        };
        let now = if current.is_some_and(|day| (first..=last).contains(&day)) {
            " ← now"
        } else {
            ""
        };
        lines.push(format!(
            "{number}. {title}: {}, days {first}–{last}{dates}{now}",
            plural::count(*days, "practice day", "practice days")
        ));
    }
    let review = pace.total() + 1;
    let when = calendar
        .date_of_day(review)
        .map(|d| format!(", {}", short(d)))
        .unwrap_or_default();
    lines.push(format!("Then review from day {review}{when}."));
    lines
}

/// What an open-ended program draws from, in one sentence.
pub fn open_program_line(track: &Track) -> String {
    let modules: Vec<String> = track
        .modules
        .iter()
        .map(|m| match &m.source {
            Some(source) => format!("{} ({}, module {})", m.title, source.title, m.number),
            None => m.title.clone(),
        })
        .collect();
    format!(
        "Open-ended: one prompt each practice day from {}; the 4 As rotate and no prompt repeats until all have been used.",
        modules.join(" and ")
    )
}
