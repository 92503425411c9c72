//! What command handlers share: the admin check, ephemeral replies, cohort lookup and
//! autocomplete, and parsing of dates.

use chrono::{DateTime, NaiveDate, Utc};
use poise::serenity_prelude as serenity;
use poise::CreateReply;

use crate::bot::errors::user_error;
use crate::bot::{Context, Error};
use crate::store::Cohort;

/// Manage Server (or Administrator), read from the interaction itself: a guild's command
/// permission overrides may show /cohort to others, but cannot make them admins here.
pub fn can_manage_guild(ctx: Context<'_>) -> bool {
    match ctx {
        poise::Context::Application(app) => app
            .interaction
            .member
            .as_ref()
            .and_then(|m| m.permissions)
            .is_some_and(|p| p.manage_guild() || p.administrator()),
        poise::Context::Prefix(_) => false,
    }
}

/// The check on every admin command.
pub async fn admin_only(ctx: Context<'_>) -> Result<bool, Error> {
    if can_manage_guild(ctx) {
        Ok(true)
    } else {
        tracing::info!(user_id = ctx.author().id.get(), command = %ctx.command().qualified_name, "admin command refused");
        Err(user_error("Only people with the **Manage Server** permission can run or change cohorts and organisation settings. Nothing was changed."))
    }
}

pub fn guild_of(ctx: Context<'_>) -> Result<u64, Error> {
    ctx.guild_id().map(serenity::GuildId::get).ok_or_else(|| {
        user_error("This command works inside your organisation's server, not in DMs.")
    })
}

/// Marks a command after which waiting check-ins are not shown: it answered with a form (a
/// message would land behind it), or its answer already lists them (`/checkin`). They keep
/// for the person's next command.
pub struct NothingFollows;

/// Sends a flow's outcome: an ephemeral reply, or a form as the command's first response.
pub async fn respond(ctx: Context<'_>, outcome: crate::bot::flows::Outcome) -> Result<(), Error> {
    match (outcome, ctx) {
        (crate::bot::flows::Outcome::Say(answer), _) => {
            ctx.send(answer.into_reply()).await?;
        }
        (crate::bot::flows::Outcome::Form(modal), poise::Context::Application(app)) => {
            // The submission arrives later as its own interaction, routed by custom_id, so it
            // survives a restart (no in-memory collector).
            let response = serenity::CreateInteractionResponse::Modal(modal);
            app.interaction
                .create_response(ctx.http(), response)
                .await?;
            // Tell poise the command has answered, so nothing tries to answer it again.
            app.has_sent_initial_response
                .store(true, std::sync::atomic::Ordering::SeqCst);
            ctx.set_invocation_data(NothingFollows).await;
        }
        (crate::bot::flows::Outcome::Form(_), poise::Context::Prefix(_)) => {}
    }
    Ok(())
}

/// An ephemeral, mention-free reply.
pub async fn reply(ctx: Context<'_>, text: impl Into<String>) -> Result<(), Error> {
    let message = CreateReply::default()
        .content(crate::bot::render::clip(&text.into(), 2000))
        .ephemeral(true)
        .allowed_mentions(serenity::CreateAllowedMentions::new());
    ctx.send(message).await?;
    Ok(())
}

/// An admin reply, followed by a warning for every cohort of the guild whose deliveries have
/// stopped, so an admin learns of it on their next /cohort command.
pub async fn admin_reply(ctx: Context<'_>, text: impl Into<String>) -> Result<(), Error> {
    let mut text = text.into();
    let cohorts = ctx.data().store.cohorts_in_guild(guild_of(ctx)?).await?;
    let stopped: Vec<_> = cohorts
        .into_iter()
        .filter(|c| c.stopped_reason.is_some())
        .collect();
    for cohort in stopped.iter().take(3) {
        let reason = cohort.stopped_reason.as_deref().unwrap_or_default();
        text.push_str(&format!(
            "\n\n⚠️ **{}**: nudges have stopped. {reason}",
            cohort.name
        ));
    }
    if stopped.len() > 3 {
        text.push_str(&format!(
            "\n\n⚠️ {} more cohorts have stopped; `/cohort status` says why.",
            stopped.len() - 3
        ));
    }
    reply(ctx, text).await
}

pub async fn cohort_named(ctx: Context<'_>, name: &str) -> Result<Cohort, Error> {
    ctx.data()
        .store
        .cohort_named(guild_of(ctx)?, name)
        .await?
        .ok_or_else(|| {
            user_error(format!(
                "There's no cohort called **{}** in this server. `/cohort list` shows them.",
                crate::bot::render::clip(name.trim(), 60)
            ))
        })
}

/// Autocomplete suggestions from plain names.
pub fn suggestions(
    names: impl IntoIterator<Item = String>,
) -> serenity::CreateAutocompleteResponse {
    let choices = names
        .into_iter()
        .take(25)
        .map(serenity::AutocompleteChoice::from)
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Autocomplete for a cohort name option.
pub async fn autocomplete_cohort(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let Ok(guild) = guild_of(ctx) else {
        return suggestions(Vec::new());
    };
    let wanted = partial.trim().to_lowercase();
    match ctx.data().store.cohorts_in_guild(guild).await {
        Ok(cohorts) => suggestions(
            cohorts
                .into_iter()
                .map(|c| c.name)
                .filter(|name| name.to_lowercase().contains(&wanted)),
        ),
        Err(e) => {
            tracing::warn!(error = %crate::bot::redact::redact_tokens(&e.to_string()), "cohort autocomplete failed");
            suggestions(Vec::new())
        }
    }
}

pub fn parse_date(text: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        user_error(format!(
            "`{}` is not a date. Write dates as YYYY-MM-DD, like 2026-12-24.",
            crate::bot::render::clip(text.trim(), 40)
        ))
    })
}

/// A Discord timestamp: each reader sees it in their own time zone.
pub fn timestamp(instant: DateTime<Utc>, style: char) -> String {
    format!("<t:{}:{style}>", instant.timestamp())
}
