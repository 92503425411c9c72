//! Cohort summaries for the organisation: the figures (counted in SQL by the store, then put
//! through the k rules), the one-line reading, and the chart. Used by the scheduler for the
//! weekly post and by `/cohort report`; knows nothing of Discord.

pub mod certificate;
pub mod chart;
pub mod figures;
pub mod position;
pub mod reading;
pub mod standing;
pub mod streaks;

use chrono::NaiveDate;

use crate::content::model::Track;
use crate::domain::kanon::{Counted, Rules, Shown};
use crate::domain::summary_week::{midnight, Window};
use crate::domain::PracticeCalendar;
use crate::store::{Cohort, CountWindow, Store, StoreError, StoredSummary};

pub use chart::ChartWeek;
pub use figures::{Activity, Change, Figures, PlanStatus, ToDate};

/// A summary just computed, with whom its figures to date counted (the weekly claim records
/// them as the cohort's baseline; `/cohort report` only compares with it).
#[derive(Debug, Clone)]
pub struct Computed {
    pub figures: Figures,
    pub counted: Vec<u64>,
}

/// What a summary is about.
pub struct Subject<'a> {
    pub cohort: &'a Cohort,
    pub calendar: &'a PracticeCalendar,
    pub track: Option<&'a Track>,
    pub k: u32,
}

/// Computes a cohort's summary over `window` (the week; figures to date end with it too).
pub async fn compute(
    store: &Store,
    subject: &Subject<'_>,
    window: Window,
) -> Result<Computed, StoreError> {
    let cohort = subject.cohort;
    let zone = cohort.timezone;
    let rules = Rules { k: subject.k };
    let streaks_from = window.until - chrono::Duration::weeks(streaks::STREAK_WEEKS);
    let tallies = store
        .summary_tallies(CountWindow {
            cohort: cohort.id,
            cut: window.ends,
            week_from: window.starts,
            slots_from: midnight(streaks_from, zone),
        })
        .await?;
    let members = tallies.members.len() as u32;
    let week = Activity::from_tallies(rules, members, &tallies.week);
    let baseline = store.summary_baseline(cohort.id).await?;
    let ever = Counted::of(tallies.ever.iter().copied());
    let previous = previous_figures(store, cohort.id, window.from).await?;
    let to_date = if rules.may_show_to_date(baseline.as_ref(), &ever) {
        let people = tallies.ever.len() as u32 + tallies.departed_members;
        let mut all = Activity::from_tallies(rules, people, &tallies.to_date);
        if let Some(ToDate::Shown(earlier)) = previous.as_ref().map(|p| &p.to_date) {
            all.hide_what_was_hidden(earlier);
        }
        ToDate::Shown(all)
    } else {
        ToDate::Withheld
    };
    let change = match (&to_date, &previous) {
        (ToDate::Shown(_), Some(before)) => Change::between(&week, &before.week),
        _ => None,
    };
    let median_streak = match rules.people(members) {
        Shown::Value(_) => streaks::median_streak(
            &tallies.members,
            &tallies.active_slots,
            subject.calendar,
            zone,
            window.until,
        )
        .map_or(Shown::TooFew, Shown::Value),
        Shown::TooFew => Shown::TooFew,
    };
    let posted: Vec<_> = crate::domain::FourA::ALL
        .iter()
        .copied()
        .zip(tallies.posted_by_tag)
        .collect();
    let certification = subject.track.and_then(|t| t.certification).is_some();
    let completions = if !certification {
        None
    } else if to_date == ToDate::Withheld {
        Some(Shown::TooFew)
    } else {
        let done = store.completion_count_by(cohort.id, window.ends).await?;
        let people = tallies.ever.len() as u32 + tallies.departed_members;
        // The member count is shown: those who completed also tell how many have not (rule 2).
        Some(match rules.people_not(people.saturating_sub(done), done) {
            _ if done == 0 || done == people => Shown::Value(done),
            shown => shown.map(|_| done),
        })
    };
    let plan = plan_status(store, cohort.id).await?;
    let figures = Figures {
        completions,
        plan,
        k: subject.k,
        from: window.from,
        until: window.until,
        position: position(subject, window.until),
        members: rules.people(members),
        reading: reading::reading(&week, &posted, change),
        week,
        to_date,
        first_week: window.from <= subject.calendar.start,
        median_streak,
        change,
    };
    Ok(Computed {
        figures,
        counted: tallies.ever,
    })
}

/// A published plan's actions by status, or `None` when the cohort has none published.
async fn plan_status(store: &Store, cohort: i64) -> Result<Option<PlanStatus>, StoreError> {
    let counts = store.action_counts(cohort).await?;
    if counts.is_empty() {
        return Ok(None);
    }
    let label = |status: crate::store::ActionStatus| match status {
        crate::store::ActionStatus::Planned => "planned",
        crate::store::ActionStatus::Tried => "first step taken",
        crate::store::ActionStatus::NotYet => "not yet",
        crate::store::ActionStatus::Blocked => "blocked",
    };
    Ok(Some(PlanStatus {
        actions: counts.iter().map(|(_, n, _)| n).sum(),
        by_status: counts
            .iter()
            .map(|(status, n, _)| (label(*status).to_owned(), *n))
            .collect(),
        looking_for_owner: counts.iter().map(|(_, _, unowned)| unowned).sum(),
    }))
}

/// The figures of the latest summary stored for a week before the one starting `from`.
async fn previous_figures(
    store: &Store,
    cohort: i64,
    from: NaiveDate,
) -> Result<Option<Figures>, StoreError> {
    let week_of = from + chrono::Duration::days(7);
    Ok(store
        .summaries_before(cohort, week_of)
        .await?
        .last()
        .and_then(stored_figures))
}

/// The figures stored with a weekly summary (`None` if they cannot be read: a later version
/// may have changed them, and a chart gap is better than a failed summary).
pub fn stored_figures(summary: &StoredSummary) -> Option<Figures> {
    serde_json::from_str(&summary.figures).ok()
}

/// The chart's weeks: every stored summary before this one, then this one.
pub async fn chart_weeks(
    store: &Store,
    cohort: i64,
    current: &Figures,
) -> Result<Vec<ChartWeek>, StoreError> {
    let week_of = current.until + chrono::Duration::days(1);
    let mut weeks: Vec<ChartWeek> = store
        .summaries_before(cohort, week_of)
        .await?
        .iter()
        .filter_map(stored_figures)
        .filter(|f| f.from < current.from)
        .map(|f| chart_week(&f))
        .collect();
    weeks.push(chart_week(current));
    Ok(weeks)
}

fn chart_week(figures: &Figures) -> ChartWeek {
    ChartWeek {
        from: figures.from,
        participation: figures.week.participation.value(),
        best_rate: figures.week.best_rate.value(),
    }
}

/// Where the cohort is at the end of `until`: "Day 5 · Action · Module 1: …".
fn position(subject: &Subject<'_>, until: NaiveDate) -> String {
    if until < subject.calendar.start {
        return "Not started yet".to_owned();
    }
    match subject.track {
        Some(track) => position::day_line(track, subject.cohort, subject.calendar, until),
        None => format!(
            "Day {}",
            crate::domain::quiz::current_day(subject.calendar, until)
        ),
    }
}
