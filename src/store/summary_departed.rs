//! What people who deleted their data had contributed to their cohorts' figures "to date",
//! kept only as anonymous counts added together. Without them a cohort's totals would drop by
//! exactly what that person did, and two summaries could be subtracted to read it off.
//!
//! `/privacy delete` folds the person's counts in ([`Store::fold_departed`], inside its own
//! transaction) before it removes their rows; [`Store::summary_tallies`] adds them back to the
//! figures to date. No id or date is kept.

use std::collections::BTreeMap;

use sqlx::AnyConnection;

use super::convert::id_to_db;
use super::summary_counts::{CohortTallies, ModuleTally, Tally};
use super::{Store, StoreResult};
use crate::domain::FourA;

/// One person's counts in one cohort, by figure name (see the migration's list).
type Counts = BTreeMap<String, u64>;

impl Store {
    /// Adds `user`'s activity in each of their cohorts to that cohort's departed counts, in the
    /// caller's transaction (the one that then deletes the rows).
    pub(crate) async fn fold_departed(tx: &mut AnyConnection, user: u64) -> StoreResult<()> {
        let cohorts: Vec<i64> =
            sqlx::query_scalar("SELECT DISTINCT cohort_id FROM memberships WHERE user_id = $1")
                .bind(id_to_db(user))
                .fetch_all(&mut *tx)
                .await?;
        for cohort in cohorts {
            let counts = Self::counts_of(tx, cohort, user).await?;
            for (figure, count) in counts.iter().filter(|(_, count)| **count > 0) {
                sqlx::query(
                    "INSERT INTO summary_departed (cohort_id, figure, count, people) VALUES ($1, $2, $3, 1)
                     ON CONFLICT (cohort_id, figure)
                     DO UPDATE SET count = summary_departed.count + excluded.count,
                       people = summary_departed.people + 1",
                )
                .bind(cohort)
                .bind(figure)
                .bind(i64::try_from(*count).unwrap_or(i64::MAX))
                .execute(&mut *tx)
                .await?;
            }
        }
        Ok(())
    }

    /// Everything `user` did in `cohort`, by figure name.
    async fn counts_of(tx: &mut AnyConnection, cohort: i64, user: u64) -> StoreResult<Counts> {
        let user = id_to_db(user);
        let mut counts = Counts::new();
        let mut add = |figure: String, count: i64| {
            *counts.entry(figure).or_default() += u64::try_from(count).unwrap_or(0);
        };
        let tried: Vec<(String, i64)> = sqlx::query_as(
            "SELECT COALESCE(t.four_a, ''), COUNT(*) FROM engagements e
             JOIN deliveries d ON d.delivery_id = e.delivery_id
             LEFT JOIN prompt_tags t ON t.prompt_id = d.prompt_id
             WHERE e.cohort_id = $1 AND e.user_id = $2 AND e.kind = 'tried' GROUP BY 1",
        )
        .bind(cohort)
        .bind(user)
        .fetch_all(&mut *tx)
        .await?;
        for (tag, count) in tried {
            add("tried".into(), count);
            if !tag.is_empty() {
                add(format!("tried:{tag}"), count);
            }
        }
        let answers: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT module, COUNT(*), SUM(CASE WHEN correct THEN 1 ELSE 0 END) FROM quiz_answers
             WHERE cohort_id = $1 AND user_id = $2 GROUP BY module",
        )
        .bind(cohort)
        .bind(user)
        .fetch_all(&mut *tx)
        .await?;
        for (module, count, best) in answers {
            add("answers".into(), count);
            add("best".into(), best);
            add(format!("module:{module}"), count);
            add(format!("module_best:{module}"), best);
        }
        for (figure, sql) in [
            (
                "quizzes",
                "SELECT COUNT(*) FROM quiz_attempts WHERE cohort_id = $1 AND user_id = $2",
            ),
            (
                "commitments",
                "SELECT COUNT(*) FROM commitments WHERE cohort_id = $1 AND user_id = $2",
            ),
            (
                "reflections",
                "SELECT COUNT(*) FROM reflections WHERE cohort_id = $1 AND user_id = $2",
            ),
            (
                "completions",
                "SELECT COUNT(*) FROM completions WHERE cohort_id = $1 AND user_id = $2",
            ),
        ] {
            let count: i64 = sqlx::query_scalar(sql)
                .bind(cohort)
                .bind(user)
                .fetch_one(&mut *tx)
                .await?;
            add(figure.into(), count);
        }
        let checkins: Vec<(String, i64)> = sqlx::query_as(
            "SELECT a.outcome, COUNT(*) FROM checkin_answers a
             JOIN commitments c ON c.commitment_id = a.commitment_id
             WHERE c.cohort_id = $1 AND a.user_id = $2
               AND a.outcome IN ('tried', 'not_yet', 'not_applicable')
             GROUP BY a.outcome",
        )
        .bind(cohort)
        .bind(user)
        .fetch_all(&mut *tx)
        .await?;
        for (outcome, count) in checkins {
            add(format!("checkin:{outcome}"), count);
        }
        let active = counts.values().any(|count| *count > 0);
        counts.insert("members".into(), 1);
        counts.insert("engaged".into(), u64::from(active));
        Ok(counts)
    }

    /// Adds the cohort's departed counts to its figures to date.
    pub(crate) async fn add_departed(
        &self,
        cohort: i64,
        out: &mut CohortTallies,
    ) -> StoreResult<()> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT figure, count, people FROM summary_departed WHERE cohort_id = $1",
        )
        .bind(cohort)
        .fetch_all(self.pool())
        .await?;
        let all = &mut out.to_date;
        for (figure, count, people) in rows {
            let extra = Tally {
                count: u64::try_from(count).unwrap_or(0),
                people: u32::try_from(people).unwrap_or(0),
            };
            let add = |tally: &mut Tally| {
                tally.count += extra.count;
                tally.people += extra.people;
            };
            let (name, detail) = figure.split_once(':').unwrap_or((figure.as_str(), ""));
            match (name, detail) {
                ("members", _) => out.departed_members += extra.people,
                ("engaged", _) => all.engaged += extra.people,
                ("tried", "") => add(&mut all.tried),
                ("tried", tag) => {
                    if let Some(i) = FourA::ALL.iter().position(|a| a.key() == tag) {
                        add(&mut all.tried_by_tag[i]);
                    }
                }
                ("quizzes", _) => add(&mut all.quizzes),
                ("answers", _) => add(&mut all.answers),
                ("best", _) => all.best += extra.count,
                ("module", number) | ("module_best", number) => {
                    let Ok(module) = number.parse::<u8>() else {
                        continue;
                    };
                    let index = match all.by_module.iter().position(|m| m.module == module) {
                        Some(i) => i,
                        None => {
                            all.by_module.push(ModuleTally {
                                module,
                                ..ModuleTally::default()
                            });
                            all.by_module.len() - 1
                        }
                    };
                    let entry = &mut all.by_module[index];
                    if name == "module" {
                        add(&mut entry.answers);
                    } else {
                        entry.best += extra.count;
                    }
                }
                ("commitments", _) => add(&mut all.commitments),
                ("checkin", outcome) => {
                    let index = match outcome {
                        "tried" => 0,
                        "not_yet" => 1,
                        _ => 2,
                    };
                    add(&mut all.checkins[index]);
                }
                ("reflections", _) => add(&mut all.reflections),
                _ => {}
            }
        }
        all.by_module.sort_by_key(|m| m.module);
        Ok(())
    }
}
