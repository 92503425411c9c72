//! `/cohort plan open | publish | remove`: the admin's side of a cohort's action plan.

use crate::bot::commands::support::{admin_reply, autocomplete_cohort, cohort_named};
use crate::bot::flows::plan_admin;
use crate::bot::{Context, Error};

/// A cohort's collaborative action plan (its project module).
#[poise::command(
    slash_command,
    subcommands("open", "publish", "remove"),
    subcommand_required
)]
pub async fn plan(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Open the cohort's action plan now, before it reaches its project module.
#[poise::command(slash_command, ephemeral)]
pub async fn open(
    ctx: Context<'_>,
    #[description = "The cohort"]
    #[autocomplete = "autocomplete_cohort"]
    cohort: String,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let found = cohort_named(ctx, &cohort).await?;
    let said = plan_admin::open(ctx.data(), ctx.http(), &found).await?;
    admin_reply(ctx, said).await
}

/// Publish the plan: the top actions go to the organisation's summary channel, once.
#[poise::command(slash_command, ephemeral)]
pub async fn publish(
    ctx: Context<'_>,
    #[description = "The cohort"]
    #[autocomplete = "autocomplete_cohort"]
    cohort: String,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let found = cohort_named(ctx, &cohort).await?;
    let said = plan_admin::publish(ctx.data(), ctx.http(), &found).await?;
    admin_reply(ctx, said).await
}

/// Remove a proposal (its proposer is told privately).
#[poise::command(slash_command, ephemeral)]
pub async fn remove(
    ctx: Context<'_>,
    #[description = "The cohort"]
    #[autocomplete = "autocomplete_cohort"]
    cohort: String,
    #[description = "The proposal's number"]
    #[min = 1]
    #[max = 10000]
    proposal: u32,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let found = cohort_named(ctx, &cohort).await?;
    let said = plan_admin::remove(ctx.data(), ctx.http(), &found, proposal).await?;
    admin_reply(ctx, said).await
}
