//! `/progress`: the person's own practice, kindly: where the cohort is ("Day 23 · Advocacy ·
//! Everyday Allyship Practice"), a streak that forgives a missed day a week,
//! consistency over the last 28 practice days, quizzes by module, commitments, and what is next.
//! Days are counted in the person's local time (their `/settings` zone, else the cohort's).

use crate::domain::plural;
use std::collections::BTreeSet;

use poise::serenity_prelude as serenity;

use super::membership::not_in_a_cohort;
use super::Answer;
use crate::bot::commands::support::timestamp;
use crate::bot::render::{self, ACCENT};
use crate::bot::{Data, Error};
use crate::domain::local_time::local_date;
use crate::domain::streak::{consistency, streak};
use crate::scheduler::planning::Timing;

/// How far back practice days are looked at; a streak longer than this shows as this.
const LOOKBACK_DAYS: i64 = 400;

pub async fn progress(data: &Data, guild: Option<u64>, user: u64) -> Result<Answer, Error> {
    let Some(guild) = guild else {
        return Ok(not_in_a_cohort());
    };
    let Some(cohort) = data.store.current_cohort(guild, user).await? else {
        return Ok(not_in_a_cohort());
    };
    let now = data.clock.now();
    let zone = data
        .store
        .participant_settings(user)
        .await?
        .zone_or(cohort.timezone);
    let today = local_date(now, zone);
    let calendar = data.store.calendar(&cohort).await?;

    let earliest = cohort
        .start
        .max(today - chrono::Duration::days(LOOKBACK_DAYS));
    let practice_days: Vec<_> = earliest
        .iter_days()
        .take_while(|d| *d <= today)
        .filter(|d| calendar.is_practice_day(*d))
        .collect();
    let since = now - chrono::Duration::days(LOOKBACK_DAYS + 1);
    let practised: BTreeSet<_> = data
        .store
        .practice_activity(user, since)
        .await?
        .into_iter()
        .map(|t| local_date(t, zone))
        .collect();
    let run = streak(&practice_days, &practised, today);
    let steady = consistency(&practice_days, &practised, today);

    let quiz = data.store.quiz_progress(user).await?;
    let commitments = data.store.commitment_progress(user).await?;
    let reviews = data.store.quiz_due_next(user, 3).await?;
    let timing = Timing {
        calendar: &calendar,
        time: cohort.send_time,
        zone: cohort.timezone,
    };

    let streak_text = match (run.days, run.forgiven) {
        (0, _) => "Not started yet: any practice today starts one.".to_owned(),
        (days, 0) => format!(
            "**{days}** practice {} in a row.",
            plural::noun(days, "day", "days")
        ),
        (days, forgiven) => format!(
            "**{days}** practice {}, with {} forgiven (one a week is fine).",
            plural::noun(days, "day", "days"),
            plural::count(forgiven, "missed day", "missed days")
        ),
    };
    let consistency_text = if steady.out_of == 0 {
        "Your first practice day is still ahead.".to_owned()
    } else {
        format!(
            "{} of the last {} practice days ({}%).",
            steady.practised,
            steady.out_of,
            steady.percent()
        )
    };
    let quiz_text = if quiz.quizzes_taken == 0 {
        "None yet: `/quiz` takes three minutes.".to_owned()
    } else {
        let modules: Vec<String> = quiz
            .modules
            .iter()
            .map(|m| {
                format!(
                    "Module {}: {} of {} best answers",
                    m.module, m.best, m.answered
                )
            })
            .collect();
        format!(
            "{} taken.\n{}",
            plural::count(quiz.quizzes_taken, "quiz", "quizzes"),
            modules.join("\n")
        )
    };
    let commitment_text = if commitments.made == 0 {
        "None yet: `/commit` turns an idea into a \"When…, I will…\" plan.".to_owned()
    } else {
        format!(
            "{} made · {} tried · {} didn't apply · {} open",
            commitments.made, commitments.kept, commitments.not_applicable, commitments.open
        )
    };
    let mut next = Vec::new();
    if let Some((_, due)) = timing.next_due(now) {
        next.push(format!("Next nudge {}", timestamp(due, 'F')));
    }
    if let Some(review) = reviews.first() {
        next.push(if review.due <= today {
            "Quiz questions are ready for review: `/quiz`".to_owned()
        } else {
            format!(
                "Quiz questions come back on {}",
                review.due.format("%a %-d %b")
            )
        });
    }
    if let Some(checkin) = commitments.next_checkin {
        next.push(if checkin <= now {
            "A check-in is waiting: `/checkin`".to_owned()
        } else {
            format!("Next check-in {}", timestamp(checkin, 'F'))
        });
    }
    let track = data.curriculum.track(&cohort.track);
    let cohort_day = (0..21).find_map(|back| {
        calendar.day_number(local_date(now, cohort.timezone) - chrono::Duration::days(back))
    });
    let certification = match track {
        Some(track) => {
            super::certificate::progress_section(data, track, &cohort, &calendar, user, cohort_day)
                .await?
        }
        None => None,
    };
    if let Some(step) = certification.as_ref().and_then(|c| c.next.clone()) {
        next.push(step);
    }
    let mut embed = serenity::CreateEmbed::new()
        .title(format!("Your practice in {}", cohort.name))
        .colour(ACCENT);
    if let Some(track) = data.curriculum.track(&cohort.track) {
        let cohort_today = local_date(now, cohort.timezone);
        embed = embed.description(render::day_line(track, &cohort, &calendar, cohort_today));
    }
    let embed = embed
        .field("Streak", streak_text, false)
        .field("Consistency", consistency_text, false)
        .field("Quizzes", quiz_text, false)
        .field("Commitments", commitment_text, false);
    let (embed, buttons) = match certification {
        Some(section) => (
            embed.field("Certification", section.field, false),
            section.buttons,
        ),
        None => (embed, Vec::new()),
    };
    let embed = embed
        .field(
            "Next",
            if next.is_empty() {
                "Nothing scheduled.".to_owned()
            } else {
                next.join("\n")
            },
            false,
        )
        .footer(serenity::CreateEmbedFooter::new(
            "Only you can see this. Practice, not perfection.",
        ));
    Ok(Answer {
        text: String::new(),
        embed: Some(embed),
        components: if buttons.is_empty() {
            Vec::new()
        } else {
            vec![serenity::CreateActionRow::Buttons(buttons)]
        },
    })
}
