//! `/cohort …`: creating and running cohorts. Manage Server only: registered with that default
//! permission, and checked again here from the interaction, so a guild's command override that
//! shows /cohort to others cannot let them change anything.

mod calendar;
mod invite;
mod plan;
mod report;
mod setup;
mod status;

use crate::domain::plural;
use std::hash::{Hash, Hasher};

use poise::serenity_prelude as serenity;

use crate::bot::commands::support::{
    admin_reply, autocomplete_cohort, cohort_named, guild_of, parse_date, timestamp,
};
use crate::bot::errors::user_error;
use crate::bot::render::clip;
use crate::bot::{Context, Error};
use crate::domain::local_time::local_date;
use crate::store::{CreateOutcome, NewCohort};

use super::support::admin_only;

/// Create and run cohorts (Manage Server).
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    check = "admin_only",
    subcommands(
        "create",
        "list",
        "setup::channel",
        "setup::schedule",
        "setup::pace",
        "calendar::pause",
        "calendar::resume",
        "calendar::holiday",
        "invite::invite",
        "status::status",
        "status::preview",
        "report::report",
        "plan::plan",
        "archive"
    ),
    subcommand_required
)]
pub async fn cohort(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// The loaded tracks as choices: "Everyday Allyship Practice · Open-ended daily practice…",
/// with the track id as the value.
async fn autocomplete_track(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let wanted = partial.trim().to_lowercase();
    let choices = ctx
        .data()
        .curriculum
        .tracks
        .iter()
        .filter(|t| t.id.contains(&wanted) || t.title.to_lowercase().contains(&wanted))
        .take(25)
        .map(|t| {
            let line = match &t.summary {
                Some(summary) => format!("{} · {}", t.title, summary.trim()),
                None => t.title.clone(),
            };
            serenity::AutocompleteChoice::new(clip(&line, 100), t.id.clone())
        })
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Create a cohort: a group that goes through a track together.
#[poise::command(slash_command, ephemeral)]
pub async fn create(
    ctx: Context<'_>,
    #[description = "A name, unique in this server"]
    #[min_length = 1]
    #[max_length = 50]
    name: String,
    #[description = "everyday (open-ended daily practice), accomplice or organization"]
    #[autocomplete = "autocomplete_track"]
    #[max_length = 32]
    track: String,
    #[description = "First practice day, YYYY-MM-DD (default: today)"]
    #[max_length = 20]
    start: Option<String>,
) -> Result<(), Error> {
    let data = ctx.data();
    let guild = guild_of(ctx)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(user_error("Cohort names are 1 to 50 characters."));
    }
    let now = data.clock.now();
    let today = local_date(now, chrono_tz::UTC);
    let start = match start {
        Some(text) => parse_date(&text)?,
        None => today,
    };
    if (start - today).num_days().abs() > 366 {
        return Err(user_error(
            "Pick a start date within a year of today (YYYY-MM-DD). Nothing was created.",
        ));
    }
    let wanted = track.trim().to_lowercase();
    let track = data.curriculum.track(&wanted).ok_or_else(|| {
        let known: Vec<String> = data
            .curriculum
            .tracks
            .iter()
            .map(|t| format!("`{}`", t.id))
            .collect();
        user_error(format!(
            "There's no track called `{}` here. Pick one of {}. Nothing was created.",
            clip(&wanted, 32),
            known.join(", ")
        ))
    })?;
    let seed = cohort_seed(guild, name, now.timestamp());
    let (plan, pace) = track.new_cohort_plan(seed);
    let new = NewCohort {
        guild_id: guild,
        name,
        track: &track.id,
        track_version: &track.version,
        plan: &plan,
        pace: &pace,
        seed,
        start,
        created_by: ctx.author().id.get(),
    };
    match data.store.create_cohort(new, now).await? {
        CreateOutcome::NameTaken => Err(user_error(format!(
            "A cohort called **{name}** already exists here. Pick another name, or see `/cohort list`."
        ))),
        CreateOutcome::Created(cohort) => {
            tracing::info!(cohort_id = cohort.id, guild_id = guild, "cohort created");
            let shape = if track.is_open() {
                "open-ended, one prompt each practice day".to_owned()
            } else {
                format!(
                    "{} over {}; `/cohort status` shows the module plan",
                    plural::count(pace.module_count(), "module", "modules"),
                    plural::count(pace.total(), "practice day", "practice days")
                )
            };
            admin_reply(
                ctx,
                format!(
                    "Created **{}** on {} (version {}), starting {}: {shape}.\nNext: `/cohort channel` to pick where \
                     nudges go, `/cohort schedule` to set the time and time zone, then `/cohort invite`.",
                    cohort.name,
                    track.title,
                    cohort.track_version,
                    cohort.start.format("%a %-d %b %Y")
                ),
            )
            .await
        }
    }
}

/// A cohort's prompt order is seeded by where and when it was created: stable, and different
/// for every cohort.
fn cohort_seed(guild: u64, name: &str, created: i64) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (guild, name.to_lowercase(), created).hash(&mut hasher);
    hasher.finish()
}

/// List this server's cohorts.
#[poise::command(slash_command, ephemeral)]
pub async fn list(ctx: Context<'_>) -> Result<(), Error> {
    let data = ctx.data();
    let guild = guild_of(ctx)?;
    let cohorts = data.store.cohorts_in_guild(guild).await?;
    if cohorts.is_empty() {
        return admin_reply(ctx, "No cohorts yet. Start one with `/cohort create`.").await;
    }
    // Room is kept for the stopped-cohort warnings admin_reply adds under the list.
    const LIST_BUDGET: usize = 1300;
    let counts = data.store.member_counts(guild).await?;
    let mut lines: Vec<String> = Vec::new();
    let mut length = 0;
    for (shown, cohort) in cohorts.iter().enumerate() {
        if length > LIST_BUDGET {
            lines.push(format!(
                "…and {} more. `/cohort status` shows any one of them.",
                cohorts.len() - shown
            ));
            break;
        }
        let members = counts.get(&cohort.id).copied().unwrap_or(0);
        let channel = cohort
            .channel_id
            .map_or("no channel yet".to_owned(), |c| format!("<#{c}>"));
        lines.push(format!(
            "**{}**: {} · {} · {channel} · {} {} ({})",
            cohort.name,
            cohort.track,
            plural::count(members, "member", "members"),
            cohort.week,
            cohort.send_time,
            cohort.timezone.name()
        ));
        length += lines.last().map_or(0, |l| l.chars().count() + 1);
    }
    let org = data.store.org_settings(guild).await?;
    if let Some(warning) = crate::bot::commands::org::summary_channel_warning(&org) {
        lines.push(String::new());
        lines.push(warning);
    }
    admin_reply(ctx, lines.join("\n")).await
}

/// Archive a cohort: its nudges stop and its members are released.
#[poise::command(slash_command, ephemeral)]
pub async fn archive(
    ctx: Context<'_>,
    #[description = "The cohort"]
    #[autocomplete = "autocomplete_cohort"]
    cohort: String,
) -> Result<(), Error> {
    let found = cohort_named(ctx, &cohort).await?;
    let now = ctx.data().clock.now();
    ctx.data().store.archive_cohort(found.id, now).await?;
    ctx.data().scheduler_wake.notify_one();
    tracing::info!(cohort_id = found.id, "cohort archived");
    admin_reply(
        ctx,
        format!(
            "Archived **{}** at {}. Its nudges have stopped; members keep their own data and can join another cohort.",
            found.name,
            timestamp(now, 'f')
        ),
    )
    .await
}
