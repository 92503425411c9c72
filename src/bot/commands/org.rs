//! `/org …`: the organisation's summary settings. Manage Server only, like `/cohort`:
//! registered with that default permission and checked again from the interaction.

use poise::serenity_prelude as serenity;

use super::support::{admin_only, admin_reply, guild_of};
use crate::bot::errors::user_error;
use crate::bot::permissions::require_channel_permissions;
use crate::bot::{Context, Error};
use crate::domain::summary_week::parse_weekday;
use crate::domain::SendTime;
use crate::store::{OrgSettings, SettingsChange};

/// Organisation settings: where and when cohort summaries go (Manage Server).
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    check = "admin_only",
    subcommands("summary_channel", "settings"),
    subcommand_required
)]
pub async fn org(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Pick the channel where weekly cohort summaries go.
#[poise::command(slash_command, ephemeral, rename = "summary-channel")]
pub async fn summary_channel(
    ctx: Context<'_>,
    #[description = "A text channel the bot can post in (admins' eyes only, ideally)"]
    #[channel_types("Text")]
    channel: serenity::ChannelId,
) -> Result<(), Error> {
    // Permission checks are REST calls: acknowledge first so Discord's 3-second deadline holds.
    ctx.defer_ephemeral().await?;
    let guild = guild_of(ctx)?;
    require_channel_permissions(ctx, channel.get()).await?;
    let data = ctx.data();
    let before = data.store.org_settings(guild).await?;
    data.store
        .set_summary_channel(guild, channel.get(), data.clock.now())
        .await?;
    data.scheduler_wake.notify_one();
    tracing::info!(
        guild_id = guild,
        channel_id = channel.get(),
        "summary channel set"
    );
    let restarted = if before.summary_stopped.is_some() {
        " Summaries have restarted."
    } else {
        ""
    };
    let settings = data.store.org_settings(guild).await?;
    admin_reply(
        ctx,
        format!(
            "Weekly cohort summaries will go to <#{}>.{restarted}\n{}",
            channel.get(),
            describe(&settings, data.settings.privacy.min_group_size)
        ),
    )
    .await
}

/// Show or change k, and the day and time of weekly summaries.
#[poise::command(slash_command, ephemeral)]
pub async fn settings(
    ctx: Context<'_>,
    #[description = "Smallest group a summary figure may describe, 3 to 10 (default 5)"]
    #[min = 3]
    #[max = 10]
    min_group_size: Option<u32>,
    #[description = "Day summaries go out: mon, tue, wed, thu, fri, sat or sun"]
    #[max_length = 20]
    summary_day: Option<String>,
    #[description = "Time summaries go out, HH:MM in each cohort's own time zone"]
    #[max_length = 10]
    summary_time: Option<String>,
) -> Result<(), Error> {
    let guild = guild_of(ctx)?;
    let data = ctx.data();
    let configured = data.settings.privacy.min_group_size;
    let change = parse_change(min_group_size, summary_day, summary_time)?;
    let settings = if change.min_group_size.is_none()
        && change.summary_day.is_none()
        && change.summary_time.is_none()
    {
        data.store.org_settings(guild).await?
    } else {
        let changed = data
            .store
            .change_org_settings(guild, change, data.clock.now())
            .await?;
        data.scheduler_wake.notify_one();
        tracing::info!(guild_id = guild, "organisation settings changed");
        changed
    };
    admin_reply(ctx, describe(&settings, configured)).await
}

/// Validates every option before anything changes, so a bad one changes nothing.
fn parse_change(
    min_group_size: Option<u32>,
    summary_day: Option<String>,
    summary_time: Option<String>,
) -> Result<SettingsChange, Error> {
    if let Some(k) = min_group_size {
        if !(3..=10).contains(&k) {
            return Err(user_error(
                "`min_group_size` is 3 to 10 (5 is the default). Nothing was changed.",
            ));
        }
    }
    let summary_day = match summary_day {
        Some(text) => Some(parse_weekday(&text).ok_or_else(|| {
            user_error(format!(
                "`{}` isn't a day. Use mon, tue, wed, thu, fri, sat or sun. Nothing was changed.",
                crate::bot::render::clip(text.trim(), 20)
            ))
        })?),
        None => None,
    };
    let summary_time = match summary_time {
        Some(text) => Some(
            SendTime::parse(&text).map_err(|e| user_error(format!("{e}. Nothing was changed.")))?,
        ),
        None => None,
    };
    Ok(SettingsChange {
        min_group_size,
        summary_day,
        summary_time,
    })
}

/// The organisation's summary settings in words.
pub fn describe(settings: &OrgSettings, configured_k: u32) -> String {
    let k = settings.k(configured_k);
    let channel = match (settings.summary_channel, &settings.summary_stopped) {
        (None, _) => "not set (`/org summary-channel`): summaries are not posted".to_owned(),
        (Some(c), Some(stopped)) => format!("<#{c}>, **stopped**: {stopped}"),
        (Some(c), None) => format!("<#{c}>"),
    };
    format!(
        "Summary channel: {channel}\nWeekly summaries: {} at {}, in each cohort's own time zone\n\
         Smallest group shown (k): {k}{}",
        weekday_name(settings.schedule.day),
        settings.schedule.time,
        if settings.min_group_size.is_none() {
            " (the default)"
        } else {
            ""
        }
    )
}

fn weekday_name(day: chrono::Weekday) -> &'static str {
    match day {
        chrono::Weekday::Mon => "Mondays",
        chrono::Weekday::Tue => "Tuesdays",
        chrono::Weekday::Wed => "Wednesdays",
        chrono::Weekday::Thu => "Thursdays",
        chrono::Weekday::Fri => "Fridays",
        chrono::Weekday::Sat => "Saturdays",
        chrono::Weekday::Sun => "Sundays",
    }
}

/// The line `/cohort status` and `/cohort list` add when summaries have nowhere to go.
pub fn summary_channel_warning(settings: &OrgSettings) -> Option<String> {
    match (&settings.summary_channel, &settings.summary_stopped) {
        (None, _) => Some(
            "No summary channel is set, so weekly cohort summaries are not posted: `/org summary-channel`."
                .to_owned(),
        ),
        (Some(_), Some(stopped)) => Some(format!("⚠️ Weekly summaries have stopped. {stopped}")),
        _ => None,
    }
}
