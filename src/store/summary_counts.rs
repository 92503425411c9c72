//! The raw group counts behind a cohort's summary, aggregated in SQL over indexed columns: no
//! query here returns a row per activity, only counts and distinct-people counts, for the week
//! and for the cohort to date in one pass each. The week counts the members at the cut-off;
//! "to date" counts everyone who has been a member before it, so someone leaving does not
//! change the cohort's history (someone deleting their data does: their rows are gone). The k
//! rules are applied later (`report`), never here.

use chrono::{DateTime, Utc};

use super::convert::{id_from_db, to_db_time};
use super::{Store, StoreResult};
use crate::domain::FourA;

/// Events and the distinct people behind them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub count: u64,
    pub people: u32,
}

/// Quiz answers for one module.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModuleTally {
    pub module: u8,
    pub answers: Tally,
    pub best: u64,
}

/// Everything counted over one window (the week, or to date).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WindowTallies {
    /// People with any activity at all.
    pub engaged: u32,
    pub tried: Tally,
    pub tried_by_tag: [Tally; 4],
    pub quizzes: Tally,
    pub answers: Tally,
    pub best: u64,
    pub by_module: Vec<ModuleTally>,
    pub commitments: Tally,
    /// Check-in answers: tried, not yet, didn't apply.
    pub checkins: [Tally; 3],
    pub reflections: Tally,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CohortTallies {
    /// The people the week counts: members at the cut-off.
    pub members: Vec<u64>,
    /// The people "to date" counts: everyone who has been a member before the cut-off.
    pub ever: Vec<u64>,
    /// People counted to date who have since deleted their data (their counts are in
    /// `to_date` through store::summary_departed; their ids are gone).
    pub departed_members: u32,
    pub week: WindowTallies,
    pub to_date: WindowTallies,
    /// Nudges posted in the week, by 4A tag (not a figure about people).
    pub posted_by_tag: [u64; 4],
    /// (person, 15-minute slot) pairs with any activity since the streak window began: few
    /// rows per person and day, and enough to place each in any zone's local day.
    pub active_slots: Vec<(u64, i64)>,
}

/// The span of a 15-minute slot (`at / 900` in the query below): every time zone's offset is
/// a multiple of it, so a slot never straddles a local midnight.
pub const SLOT_SECONDS: i64 = 900;

/// What a summary counts: a cohort, up to `cut` (exclusive), the week from `week_from`, and
/// activity slots from `slots_from`.
#[derive(Debug, Clone, Copy)]
pub struct CountWindow {
    pub cohort: i64,
    pub cut: DateTime<Utc>,
    pub week_from: DateTime<Utc>,
    pub slots_from: DateTime<Utc>,
}

/// The people counted: `counted`, members of $1 at $2 (the week's); `ever`, everyone who was
/// a member of $1 before $2 (to date). Every query below starts with them.
macro_rules! counted {
    () => {
        "WITH counted AS (SELECT DISTINCT user_id FROM memberships
             WHERE cohort_id = $1 AND joined_at < $2 AND (left_at IS NULL OR left_at >= $2)),
         ever AS (SELECT DISTINCT user_id FROM memberships WHERE cohort_id = $1 AND joined_at < $2) "
    };
}

/// Every kind of activity of cohort $1 before $2 as (person, instant).
macro_rules! activity {
    () => {
        "activity (user_id, at) AS (
             SELECT user_id, created_at FROM engagements WHERE cohort_id = $1 AND created_at < $2
             UNION ALL SELECT user_id, answered_at FROM quiz_answers WHERE cohort_id = $1 AND answered_at < $2
             UNION ALL SELECT user_id, created_at FROM reflections WHERE cohort_id = $1 AND created_at < $2
             UNION ALL SELECT user_id, created_at FROM commitments WHERE cohort_id = $1 AND created_at < $2
             UNION ALL SELECT a.user_id, a.answered_at FROM checkin_answers a
                 JOIN commitments c ON c.commitment_id = a.commitment_id
                 WHERE c.cohort_id = $1 AND a.answered_at < $2) "
    };
}

/// Count, people, and the same two for the week (from $3, current members only), of rows whose
/// time column is `$at`. The rows are those of `ever` (to date).
macro_rules! both_windows {
    ($at:literal, $user:literal) => {
        concat!(
            "COUNT(*), COUNT(DISTINCT ",
            $user,
            "), SUM(CASE WHEN ",
            this_week!($at, $user),
            " THEN 1 ELSE 0 END), COUNT(DISTINCT CASE WHEN ",
            this_week!($at, $user),
            " THEN ",
            $user,
            " END)"
        )
    };
}

/// Count and people, to date and for the week, of the rows of `$table` (a table with
/// `cohort_id` and `user_id`) whose time column is `$at`.
macro_rules! row_tally {
    ($table:literal, $at:literal) => {
        concat!(
            counted!(),
            "SELECT ",
            both_windows!($at, "user_id"),
            " FROM ",
            $table,
            " WHERE cohort_id = $1 AND ",
            $at,
            " < $2 AND user_id IN (SELECT user_id FROM ever)"
        )
    };
}

/// True for this week's rows of current members.
macro_rules! this_week {
    ($at:literal, $user:literal) => {
        concat!(
            $at,
            " >= $3 AND ",
            $user,
            " IN (SELECT user_id FROM counted)"
        )
    };
}

/// Whom a window counts: the members at the cut-off, or everyone who has been one.
#[derive(Debug, Clone, Copy)]
enum Population {
    Current,
    Ever,
}

type FourCounts = (i64, i64, Option<i64>, i64);

fn tallies((count, people, week_count, week_people): FourCounts) -> (Tally, Tally) {
    let tally = |count: i64, people: i64| Tally {
        count: u64::try_from(count).unwrap_or(0),
        people: u32::try_from(people).unwrap_or(0),
    };
    (
        tally(count, people),
        tally(week_count.unwrap_or(0), week_people),
    )
}

impl Store {
    /// Every raw count for one cohort's summary.
    pub async fn summary_tallies(&self, window: CountWindow) -> StoreResult<CohortTallies> {
        let mut out = CohortTallies {
            members: self.people(window, Population::Current).await?,
            ever: self.people(window, Population::Ever).await?,
            ..CohortTallies::default()
        };
        self.count_engaged(window, &mut out).await?;
        self.count_tried(window, &mut out).await?;
        self.count_quizzes(window, &mut out).await?;
        self.count_commitments(window, &mut out).await?;
        self.count_reflections(window, &mut out).await?;
        self.add_departed(window.cohort, &mut out).await?;
        out.posted_by_tag = self.posted_by_tag(window).await?;
        out.active_slots = self.active_slots(window).await?;
        Ok(out)
    }

    async fn people(&self, w: CountWindow, who: Population) -> StoreResult<Vec<u64>> {
        let sql = match who {
            Population::Current => concat!(counted!(), "SELECT user_id FROM counted"),
            Population::Ever => concat!(counted!(), "SELECT user_id FROM ever"),
        };
        let ids: Vec<i64> = sqlx::query_scalar(sql)
            .bind(w.cohort)
            .bind(to_db_time(w.cut))
            .fetch_all(self.pool())
            .await?;
        Ok(ids.into_iter().map(id_from_db).collect())
    }

    async fn count_engaged(&self, w: CountWindow, out: &mut CohortTallies) -> StoreResult<()> {
        let (all, week): (i64, i64) = sqlx::query_as(concat!(
            counted!(),
            ", ",
            activity!(),
            "SELECT COUNT(DISTINCT user_id), COUNT(DISTINCT CASE WHEN ",
            this_week!("at", "user_id"),
            " THEN user_id END)
             FROM activity WHERE user_id IN (SELECT user_id FROM ever)"
        ))
        .bind(w.cohort)
        .bind(to_db_time(w.cut))
        .bind(to_db_time(w.week_from))
        .fetch_one(self.pool())
        .await?;
        out.to_date.engaged = u32::try_from(all).unwrap_or(0);
        out.week.engaged = u32::try_from(week).unwrap_or(0);
        Ok(())
    }

    async fn count_tried(&self, w: CountWindow, out: &mut CohortTallies) -> StoreResult<()> {
        let rows: Vec<(String, i64, i64, Option<i64>, i64)> = sqlx::query_as(concat!(
            counted!(),
            ", tried AS (SELECT e.user_id, e.created_at, COALESCE(t.four_a, '') AS four_a
                 FROM engagements e JOIN deliveries d ON d.delivery_id = e.delivery_id
                 LEFT JOIN prompt_tags t ON t.prompt_id = d.prompt_id
                 WHERE e.cohort_id = $1 AND e.created_at < $2 AND e.kind = 'tried'
                   AND e.user_id IN (SELECT user_id FROM ever))
             SELECT '*', ",
            both_windows!("created_at", "user_id"),
            " FROM tried
             UNION ALL SELECT four_a, ",
            both_windows!("created_at", "user_id"),
            " FROM tried GROUP BY four_a"
        ))
        .bind(w.cohort)
        .bind(to_db_time(w.cut))
        .bind(to_db_time(w.week_from))
        .fetch_all(self.pool())
        .await?;
        for (tag, count, people, week_count, week_people) in rows {
            let (all, week) = tallies((count, people, week_count, week_people));
            if tag == "*" {
                (out.to_date.tried, out.week.tried) = (all, week);
            } else if let Some(index) = FourA::ALL.iter().position(|a| a.key() == tag) {
                out.to_date.tried_by_tag[index] = all;
                out.week.tried_by_tag[index] = week;
            }
        }
        Ok(())
    }

    async fn count_quizzes(&self, w: CountWindow, out: &mut CohortTallies) -> StoreResult<()> {
        type ModuleRow = (i64, i64, i64, Option<i64>, i64, Option<i64>, Option<i64>);
        let rows: Vec<ModuleRow> = sqlx::query_as(concat!(
            counted!(),
            ", answers AS (SELECT module, user_id, answered_at, correct FROM quiz_answers
                 WHERE cohort_id = $1 AND answered_at < $2 AND user_id IN (SELECT user_id FROM ever))
             SELECT -1, ",
            both_windows!("answered_at", "user_id"),
            ", SUM(CASE WHEN correct THEN 1 ELSE 0 END),
               SUM(CASE WHEN correct AND ",
            this_week!("answered_at", "user_id"),
            " THEN 1 ELSE 0 END) FROM answers
             UNION ALL SELECT module, ",
            both_windows!("answered_at", "user_id"),
            ", SUM(CASE WHEN correct THEN 1 ELSE 0 END),
               SUM(CASE WHEN correct AND ",
            this_week!("answered_at", "user_id"),
            " THEN 1 ELSE 0 END) FROM answers GROUP BY module"
        ))
        .bind(w.cohort)
        .bind(to_db_time(w.cut))
        .bind(to_db_time(w.week_from))
        .fetch_all(self.pool())
        .await?;
        for (module, count, people, week_count, week_people, best, week_best) in rows {
            let (all, week) = tallies((count, people, week_count, week_people));
            let (best, week_best) = (
                u64::try_from(best.unwrap_or(0)).unwrap_or(0),
                u64::try_from(week_best.unwrap_or(0)).unwrap_or(0),
            );
            match u8::try_from(module) {
                Ok(module) => {
                    let tally = |answers, best| ModuleTally {
                        module,
                        answers,
                        best,
                    };
                    out.to_date.by_module.push(tally(all, best));
                    if week.count > 0 {
                        out.week.by_module.push(tally(week, week_best));
                    }
                }
                Err(_) => {
                    (out.to_date.answers, out.week.answers) = (all, week);
                    (out.to_date.best, out.week.best) = (best, week_best);
                }
            }
        }
        (out.to_date.quizzes, out.week.quizzes) = self
            .row_tally(w, row_tally!("quiz_attempts", "started_at"))
            .await?;
        Ok(())
    }

    async fn count_commitments(&self, w: CountWindow, out: &mut CohortTallies) -> StoreResult<()> {
        (out.to_date.commitments, out.week.commitments) = self
            .row_tally(w, row_tally!("commitments", "created_at"))
            .await?;
        let rows: Vec<(String, i64, i64, Option<i64>, i64)> = sqlx::query_as(concat!(
            counted!(),
            "SELECT a.outcome, ",
            both_windows!("a.answered_at", "a.user_id"),
            " FROM checkin_answers a JOIN commitments c ON c.commitment_id = a.commitment_id
             WHERE c.cohort_id = $1 AND a.answered_at < $2
               AND a.outcome IN ('tried', 'not_yet', 'not_applicable')
               AND a.user_id IN (SELECT user_id FROM ever)
             GROUP BY a.outcome"
        ))
        .bind(w.cohort)
        .bind(to_db_time(w.cut))
        .bind(to_db_time(w.week_from))
        .fetch_all(self.pool())
        .await?;
        for (outcome, count, people, week_count, week_people) in rows {
            let index = match outcome.as_str() {
                "tried" => 0,
                "not_yet" => 1,
                _ => 2,
            };
            (out.to_date.checkins[index], out.week.checkins[index]) =
                tallies((count, people, week_count, week_people));
        }
        Ok(())
    }

    async fn count_reflections(&self, w: CountWindow, out: &mut CohortTallies) -> StoreResult<()> {
        (out.to_date.reflections, out.week.reflections) = self
            .row_tally(w, row_tally!("reflections", "created_at"))
            .await?;
        Ok(())
    }

    /// Runs a statement made by `row_tally!`: (to date, this week).
    async fn row_tally(&self, w: CountWindow, sql: &'static str) -> StoreResult<(Tally, Tally)> {
        let counts: FourCounts = sqlx::query_as(sql)
            .bind(w.cohort)
            .bind(to_db_time(w.cut))
            .bind(to_db_time(w.week_from))
            .fetch_one(self.pool())
            .await?;
        Ok(tallies(counts))
    }

    async fn posted_by_tag(&self, w: CountWindow) -> StoreResult<[u64; 4]> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT COALESCE(t.four_a, ''), COUNT(*) FROM deliveries d
             LEFT JOIN prompt_tags t ON t.prompt_id = d.prompt_id
             WHERE d.cohort_id = $1 AND d.status = 'sent' AND d.due_at >= $3 AND d.due_at < $2
             GROUP BY 1",
        )
        .bind(w.cohort)
        .bind(to_db_time(w.cut))
        .bind(to_db_time(w.week_from))
        .fetch_all(self.pool())
        .await?;
        let mut posted = [0; 4];
        for (tag, count) in rows {
            if let Some(index) = FourA::ALL.iter().position(|a| a.key() == tag) {
                posted[index] = u64::try_from(count).unwrap_or(0);
            }
        }
        Ok(posted)
    }

    async fn active_slots(&self, w: CountWindow) -> StoreResult<Vec<(u64, i64)>> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(concat!(
            counted!(),
            ", ",
            activity!(),
            "SELECT user_id, at / 900 AS slot FROM activity
             WHERE at >= $3 AND user_id IN (SELECT user_id FROM counted)
             GROUP BY user_id, slot"
        ))
        .bind(w.cohort)
        .bind(to_db_time(w.cut))
        .bind(to_db_time(w.slots_from))
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(user, slot)| (id_from_db(user), slot))
            .collect())
    }

    /// Refreshes each prompt's 4A tag from the loaded curriculum (at start-up).
    pub async fn sync_prompt_tags(&self, tags: &[(String, FourA)]) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        for (prompt, tag) in tags {
            sqlx::query(
                "INSERT INTO prompt_tags (prompt_id, four_a) VALUES ($1, $2)
                 ON CONFLICT (prompt_id) DO UPDATE SET four_a = $2",
            )
            .bind(prompt)
            .bind(tag.key())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
