//! `/cohort channel | schedule | pace`: where and when nudges go, and how fast modules move.
//! A pace change only moves days still ahead (see [`crate::domain::pace`]).

use crate::domain::plural;
use poise::serenity_prelude as serenity;

use crate::bot::commands::support::{
    admin_reply, autocomplete_cohort, cohort_named, suggestions, timestamp,
};
use crate::bot::errors::user_error;
use crate::bot::permissions::require_channel_permissions;
use crate::bot::render::{module_plan, started_day};
use crate::bot::zones::{closest, parse_zone, suggest};
use crate::bot::{Context, Error};
use crate::domain::local_time::local_date;
use crate::domain::pace::{PaceRefused, MAX_DAYS, MIN_DAYS};
use crate::domain::{SendTime, WorkWeek};
use crate::scheduler::planning::Timing;
use crate::store::Cohort;

/// Pick the channel where a cohort's daily nudges go.
#[poise::command(slash_command, ephemeral)]
pub async fn channel(
    ctx: Context<'_>,
    #[description = "The cohort"]
    #[autocomplete = "autocomplete_cohort"]
    cohort: String,
    #[description = "A text channel the bot can post in"]
    #[channel_types("Text")]
    channel: serenity::ChannelId,
) -> Result<(), Error> {
    // Permission checks are REST calls: acknowledge first so Discord's 3-second deadline holds.
    ctx.defer_ephemeral().await?;
    let found = cohort_named(ctx, &cohort).await?;
    require_channel_permissions(ctx, channel.get()).await?;
    let data = ctx.data();
    data.store
        .set_channel(found.id, channel.get(), data.clock.now())
        .await?;
    data.scheduler_wake.notify_one();
    tracing::info!(
        cohort_id = found.id,
        channel_id = channel.get(),
        "cohort channel set"
    );
    let restarted = if found.stopped_reason.is_some() {
        " Deliveries have restarted."
    } else {
        ""
    };
    let next = next_nudges_line(ctx, found.id).await?;
    admin_reply(
        ctx,
        format!(
            "Nudges for **{}** will go to <#{}>.{restarted}\n{next}",
            found.name,
            channel.get()
        ),
    )
    .await
}

async fn autocomplete_timezone(
    _ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    suggestions(suggest(partial, 25).into_iter().map(str::to_owned))
}

/// Set when a cohort's nudges go out, in its own time zone.
#[poise::command(slash_command, ephemeral)]
pub async fn schedule(
    ctx: Context<'_>,
    #[description = "The cohort"]
    #[autocomplete = "autocomplete_cohort"]
    cohort: String,
    #[description = "Time of day, HH:MM on a 24-hour clock"]
    #[max_length = 10]
    time: String,
    #[description = "IANA time zone, like Europe/London"]
    #[autocomplete = "autocomplete_timezone"]
    #[max_length = 64]
    timezone: String,
    #[description = "mon-fri (default), sun-thu, daily, or days like mon,wed,fri"]
    #[max_length = 60]
    days: Option<String>,
) -> Result<(), Error> {
    let found = cohort_named(ctx, &cohort).await?;
    let time =
        SendTime::parse(&time).map_err(|e| user_error(format!("{e}. Nothing was changed.")))?;
    let zone = parse_zone(&timezone).ok_or_else(|| {
        user_error(format!(
            "`{}` isn't an IANA time zone. Did you mean {}? Nothing was changed.",
            crate::bot::render::clip(timezone.trim(), 60),
            closest(&timezone)
        ))
    })?;
    let week = match days {
        Some(text) => {
            WorkWeek::parse(&text).map_err(|e| user_error(format!("{e}. Nothing was changed.")))?
        }
        None => WorkWeek::MON_FRI,
    };
    let data = ctx.data();
    data.store.set_schedule(found.id, time, zone, week).await?;
    data.scheduler_wake.notify_one();
    tracing::info!(cohort_id = found.id, "cohort schedule set");
    let next = next_nudges_line(ctx, found.id).await?;
    admin_reply(
        ctx,
        format!(
            "**{}** practises {week} at {time} {}.\n{next}",
            found.name,
            zone.name()
        ),
    )
    .await
}

/// Set how many practice days the modules last: every module, or one.
#[poise::command(slash_command, ephemeral)]
pub async fn pace(
    ctx: Context<'_>,
    #[description = "The cohort"]
    #[autocomplete = "autocomplete_cohort"]
    cohort: String,
    #[description = "Practice days, 1 to 30 (for every module, or the one named)"]
    #[min = 1]
    #[max = 30]
    days_per_module: u32,
    #[description = "Only this module (1-7); leave out to set every module"]
    #[min = 1]
    #[max = 7]
    module: Option<u8>,
) -> Result<(), Error> {
    if !(MIN_DAYS..=MAX_DAYS).contains(&days_per_module) {
        return Err(user_error("A module lasts 1 to 30 practice days."));
    }
    let found = cohort_named(ctx, &cohort).await?;
    let data = ctx.data();
    if found.plan.is_open() {
        return Err(user_error(format!(
            "**{}** is on an open-ended program: one prompt each practice day, with no modules to pace. \
             `/cohort schedule` sets which days it practises. Nothing was changed.",
            found.name
        )));
    }
    let next = next_practice_day(ctx, &found).await?;
    let change = found
        .pace
        .change(module, days_per_module, next)
        .map_err(|refused| user_error(refusal(refused)))?;
    data.store.set_pace(found.id, &change.pace).await?;
    tracing::info!(cohort_id = found.id, "cohort pace set");
    let what = match module {
        Some(number) => format!(
            "Module {number} of **{}** now lasts {}",
            found.name,
            plural::count(
                change.pace.days_of(number).unwrap_or(days_per_module),
                "practice day",
                "practice days"
            )
        ),
        None => format!(
            "Every module of **{}** still ahead now lasts {}",
            found.name,
            plural::count(days_per_module, "practice day", "practice days")
        ),
    };
    let kept = change
        .kept
        .map(|(number, had)| {
            format!(
                " Module {number} has already had {}, so it keeps those and the next module starts with day {next}.",
                plural::count(had, "practice day", "practice days")
            )
        })
        .unwrap_or_default();
    let calendar = data.store.calendar(&found).await?;
    let today = local_date(data.clock.now(), found.timezone);
    let current = started_day(&calendar, today);
    let plan = data
        .curriculum
        .track(&found.track)
        .map(|track| module_plan(track, &change.pace, &calendar, current).join("\n"))
        .unwrap_or_default();
    admin_reply(
        ctx,
        format!("{what}, from practice day {next} on; days already delivered keep their prompts.{kept}\n{plan}"),
    )
    .await
}

fn refusal(refused: PaceRefused) -> String {
    match refused {
        PaceRefused::NoSuchModule { modules } => format!(
            "This track has {}. Nothing was changed.",
            plural::count(modules, "module", "modules")
        ),
        PaceRefused::Ended { module, last_day } => format!(
            "Module {module} ended with practice day {last_day}, so its days can't change any more. \
             Nothing was changed."
        ),
        PaceRefused::AllEnded { last_day } => format!(
            "Every module ended by practice day {last_day}, and the cohort is reviewing the track now, \
             so there is no pace left to set. Nothing was changed."
        ),
    }
}

/// The first practice day not yet delivered: after the latest nudge, and not before the next
/// one due.
async fn next_practice_day(ctx: Context<'_>, cohort: &Cohort) -> Result<u32, Error> {
    let data = ctx.data();
    let calendar = data.store.calendar(cohort).await?;
    let timing = Timing {
        calendar: &calendar,
        time: cohort.send_time,
        zone: cohort.timezone,
    };
    let after_latest = data
        .store
        .recent_deliveries(cohort.id, 1)
        .await?
        .first()
        .map_or(1, |d| d.day_number + 1);
    let coming = timing
        .next_due(data.clock.now())
        .and_then(|(date, _)| calendar.day_number(date))
        .unwrap_or(1);
    Ok(after_latest.max(coming))
}

/// "Next nudges: …" for a cohort, as Discord timestamps each reader sees in their own zone.
pub async fn next_nudges_line(ctx: Context<'_>, cohort: i64) -> Result<String, Error> {
    let data = ctx.data();
    let Some(cohort) = data.store.cohort(cohort).await? else {
        return Ok(String::new());
    };
    let upcoming = upcoming_nudges(ctx, &cohort, 3).await?;
    if cohort.channel_id.is_none() {
        return Ok("No channel yet: set one with `/cohort channel`.".into());
    }
    if upcoming.is_empty() {
        return Ok("No nudges are scheduled (the cohort is paused).".into());
    }
    let list: Vec<String> = upcoming
        .iter()
        .map(|(_, due)| timestamp(*due, 'F'))
        .collect();
    Ok(format!("Next nudges: {}.", list.join(" · ")))
}

pub async fn upcoming_nudges(
    ctx: Context<'_>,
    cohort: &Cohort,
    count: usize,
) -> Result<Vec<(chrono::NaiveDate, chrono::DateTime<chrono::Utc>)>, Error> {
    let data = ctx.data();
    let calendar = data.store.calendar(cohort).await?;
    let timing = Timing {
        calendar: &calendar,
        time: cohort.send_time,
        zone: cohort.timezone,
    };
    let latest_done = data
        .store
        .recent_deliveries(cohort.id, 1)
        .await?
        .first()
        .map(|d| d.due_at);
    let after = latest_done.map_or(data.clock.now(), |due| due.max(data.clock.now()));
    Ok(timing.upcoming(after, count))
}
