//! `/cohort status | preview`: what an admin needs to trust the schedule: where the cohort is,
//! its module plan, the next nudges, the outcome of the last ones with Discord's reason when it
//! refused, and what a day will show.

use crate::domain::plural;
use poise::CreateReply;

use super::setup::upcoming_nudges;
use crate::bot::commands::org::summary_channel_warning;
use crate::bot::commands::support::{admin_reply, autocomplete_cohort, cohort_named, timestamp};
use crate::bot::errors::user_error;
use crate::bot::render::{self, clip, NudgeView};
use crate::bot::{Context, Error};
use crate::content::model::Track;
use crate::domain::local_time::local_date;
use crate::domain::PracticeCalendar;
use crate::store::{Cohort, Delivery, DeliveryStatus, StoredSummary, SummaryStatus};

/// How many past deliveries status shows.
const RECENT: u32 = 5;
/// How many past weekly summaries status shows.
const RECENT_SUMMARIES: u32 = 2;

fn outcome(delivery: &Delivery) -> String {
    let when = delivery
        .finished_at
        .map(|t| format!(" {}", timestamp(t, 'f')))
        .unwrap_or_default();
    let why = delivery
        .reason
        .as_deref()
        .map(|r| format!(": {r}"))
        .unwrap_or_default();
    match delivery.status {
        DeliveryStatus::Sent if delivery.late => format!("late, sent{when}"),
        DeliveryStatus::Sent => format!("sent{when}"),
        DeliveryStatus::Sending => "sending…".to_owned(),
        DeliveryStatus::Skipped => format!("skipped{why}"),
        DeliveryStatus::Failed => {
            let code = delivery
                .error_code
                .map(|c| format!(" (Discord {c})"))
                .unwrap_or_default();
            let retry = delivery
                .retry_at
                .map(|t| format!("; retrying {}", timestamp(t, 'R')))
                .unwrap_or_default();
            format!("failed{why}{code}{retry}")
        }
    }
}

/// A cohort's schedule, next nudges, members and the last deliveries.
#[poise::command(slash_command, ephemeral)]
pub async fn status(
    ctx: Context<'_>,
    #[description = "The cohort"]
    #[autocomplete = "autocomplete_cohort"]
    cohort: String,
) -> Result<(), Error> {
    let found = cohort_named(ctx, &cohort).await?;
    let data = ctx.data();
    let calendar = data.store.calendar(&found).await?;
    let members = data.store.member_count(found.id).await?;
    let track = data.curriculum.track(&found.track);
    let track_title = track.map_or(found.track.clone(), |t| t.title.clone());
    let mut text = format!(
        "**{}** · {track_title} v{} · from {}\nChannel: {} · {} at {} {} · {}\n",
        found.name,
        found.track_version,
        found.start.format("%a %-d %b %Y"),
        found
            .channel_id
            .map_or("not set".to_owned(), |c| format!("<#{c}>")),
        found.week,
        found.send_time,
        found.timezone.name(),
        plural::count(members, "member", "members"),
    );
    if let Some(track) = track {
        text.push_str(&where_and_plan(ctx, &found, track, &calendar));
        text.push_str(&crate::bot::flows::plan_admin::status_lines(data, &found, track).await?);
    }
    if let Some(reason) = &found.stopped_reason {
        text.push_str(&format!("State: **deliveries stopped**. {reason}\n"));
    } else if calendar.pauses.iter().any(|p| p.until.is_none()) {
        text.push_str("State: **paused** (`/cohort resume` to restart)\n");
    } else {
        let upcoming = upcoming_nudges(ctx, &found, 3).await?;
        let list: Vec<String> = upcoming
            .iter()
            .map(|(_, due)| timestamp(*due, 'F'))
            .collect();
        match (found.channel_id, list.is_empty()) {
            (None, _) => text.push_str("State: waiting for a channel (`/cohort channel`)\n"),
            (_, true) => text.push_str("Next nudges: none scheduled\n"),
            (_, false) => text.push_str(&format!("Next nudges: {}\n", list.join(" · "))),
        }
    }
    let recent = data.store.recent_deliveries(found.id, RECENT).await?;
    if recent.is_empty() {
        text.push_str("No nudges yet.");
    } else {
        text.push_str("Last nudges:");
        for delivery in &recent {
            text.push_str(&format!(
                "\n• {} (day {}): {}",
                delivery.practice_date.format("%a %-d %b"),
                delivery.day_number,
                outcome(delivery)
            ));
        }
    }
    text.push('\n');
    text.push_str(&summary_lines(ctx, &found).await?);
    admin_reply(ctx, text).await
}

/// The weekly summaries: where and when they go, and the outcome of the last ones.
async fn summary_lines(ctx: Context<'_>, cohort: &Cohort) -> Result<String, Error> {
    let data = ctx.data();
    let org = data.store.org_settings(cohort.guild_id).await?;
    let (_, next) = org.schedule.next_after(cohort.timezone, data.clock.now());
    let mut text = match summary_channel_warning(&org) {
        Some(warning) => warning,
        None => format!("Next weekly summary: {}", timestamp(next, 'F')),
    };
    for summary in data
        .store
        .recent_summaries(cohort.id, RECENT_SUMMARIES)
        .await?
    {
        text.push_str(&format!(
            "\n• summary for the week to {}: {}",
            (summary.week_of - chrono::Duration::days(1)).format("%a %-d %b"),
            summary_outcome(&summary)
        ));
    }
    Ok(text)
}

fn summary_outcome(summary: &StoredSummary) -> String {
    let when = summary
        .finished_at
        .map(|t| format!(" {}", timestamp(t, 'f')))
        .unwrap_or_default();
    let why = summary
        .reason
        .as_deref()
        .map(|r| format!(": {r}"))
        .unwrap_or_default();
    match summary.status {
        SummaryStatus::Sent if summary.late => format!("late, sent{when}"),
        SummaryStatus::Sent => format!("sent{when}"),
        SummaryStatus::Sending => "sending…".to_owned(),
        SummaryStatus::Skipped => format!("not posted{why}"),
        SummaryStatus::Failed => {
            let code = summary
                .error_code
                .map(|c| format!(" (Discord {c})"))
                .unwrap_or_default();
            let retry = summary
                .retry_at
                .map(|t| format!("; retrying {}", timestamp(t, 'R')))
                .unwrap_or_default();
            format!("failed{why}{code}{retry}")
        }
    }
}

/// "Today: Day 23 · Advocacy · …", then the module plan of a certification cohort or what an
/// open-ended program draws from.
fn where_and_plan(
    ctx: Context<'_>,
    cohort: &Cohort,
    track: &Track,
    calendar: &PracticeCalendar,
) -> String {
    let today = local_date(ctx.data().clock.now(), cohort.timezone);
    let mut text = format!(
        "Today: {}\n",
        render::day_line(track, cohort, calendar, today)
    );
    text.push_str(&plan_text(
        track,
        cohort,
        calendar,
        render::started_day(calendar, today),
    ));
    text
}

/// A certification cohort's module plan, or the sentence saying what an open-ended program is.
fn plan_text(
    track: &Track,
    cohort: &Cohort,
    calendar: &PracticeCalendar,
    current: Option<u32>,
) -> String {
    if cohort.plan.is_open() {
        return format!("{}\n", render::open_program_line(track));
    }
    let lines = render::module_plan(track, &cohort.pace, calendar, current);
    format!("Module plan:\n{}\n", lines.join("\n"))
}

/// Show the nudge a cohort gets on a practice day (only you see it).
#[poise::command(slash_command, ephemeral)]
pub async fn preview(
    ctx: Context<'_>,
    #[description = "The cohort"]
    #[autocomplete = "autocomplete_cohort"]
    cohort: String,
    #[description = "Practice day number (default: the next one)"]
    #[min = 1]
    #[max = 1000]
    day: Option<u32>,
) -> Result<(), Error> {
    let found = cohort_named(ctx, &cohort).await?;
    let data = ctx.data();
    let calendar = data.store.calendar(&found).await?;
    let day = match day {
        Some(day) => day,
        None => match upcoming_nudges(ctx, &found, 1).await?.first() {
            Some((date, _)) => calendar.day_number(*date).unwrap_or(1),
            None => 1,
        },
    };
    let track = data
        .curriculum
        .track(&found.track)
        .ok_or_else(|| user_error("This cohort's track isn't loaded."))?;
    let plan = found
        .plan
        .day_among(day, &found.pace, |id| track.prompt(id).is_some())
        .ok_or_else(|| user_error("This cohort has no prompts."))?;
    let (module, prompt) = track
        .prompt(&plan.prompt_id)
        .ok_or_else(|| user_error("That day's prompt is no longer in the curriculum."))?;
    let view = NudgeView {
        track,
        stage: plan.stage,
        prompt_module: module,
        prompt,
        day,
        delivery: 0,
        late_due: None,
    };
    let when = calendar
        .date_of_day(day)
        .map(|d| format!(" ({})", d.format("%a %-d %b %Y")))
        .unwrap_or_default();
    let today = local_date(data.clock.now(), found.timezone);
    let plan_text = plan_text(
        track,
        &found,
        &calendar,
        render::started_day(&calendar, today),
    );
    let reply = CreateReply::default()
        .content(clip(
            &format!(
                "Preview of **{}**, practice day {day}{when}. Not posted.\n{plan_text}",
                found.name
            ),
            2000,
        ))
        .embed(render::nudge_embed(&view))
        .ephemeral(true);
    ctx.send(reply).await?;
    Ok(())
}
