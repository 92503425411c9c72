//! `/plan propose | vote | show`: the cohort's collaborative action plan (its project module).

use poise::serenity_prelude as serenity;

use crate::bot::commands::support::respond;
use crate::bot::flows::plan;
use crate::bot::{Context, Error};
use crate::store::VoteChoice;

/// Your cohort's collaborative action plan.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("propose", "vote", "show"),
    subcommand_required
)]
pub async fn plan(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Propose an action for the plan (anonymous unless you give a name).
#[poise::command(slash_command)]
pub async fn propose(ctx: Context<'_>) -> Result<(), Error> {
    let guild = ctx.guild_id().map(serenity::GuildId::get);
    let outcome = plan::propose_form(ctx.data(), guild, ctx.author().id.get()).await?;
    respond(ctx, outcome).await
}

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum Choice {
    #[name = "support"]
    Support,
    #[name = "not_now"]
    NotNow,
}

/// Vote on a proposal; you can change your vote any time.
#[poise::command(slash_command)]
pub async fn vote(
    ctx: Context<'_>,
    #[description = "The proposal's number"]
    #[min = 1]
    #[max = 10000]
    proposal: u32,
    #[description = "support, or not_now"] choice: Choice,
) -> Result<(), Error> {
    let guild = ctx.guild_id().map(serenity::GuildId::get);
    let choice = match choice {
        Choice::Support => VoteChoice::Support,
        Choice::NotNow => VoteChoice::NotNow,
    };
    let plan::Voted { answer, refresh } =
        plan::vote_by_number(ctx.data(), guild, ctx.author().id.get(), proposal, choice).await?;
    ctx.send(answer.into_reply()).await?;
    // The proposal's post shows the new tally once the voter has their answer.
    if let Some((cohort, proposal)) = refresh {
        plan::refresh(ctx.data(), ctx.http(), &cohort, &proposal).await;
    }
    Ok(())
}

/// The plan's proposals, their tallies (once enough people voted), owners and status.
#[poise::command(slash_command)]
pub async fn show(ctx: Context<'_>) -> Result<(), Error> {
    let guild = ctx.guild_id().map(serenity::GuildId::get);
    let answer = plan::show(ctx.data(), guild, ctx.author().id.get()).await?;
    ctx.send(answer.into_reply()).await?;
    Ok(())
}
