//! `/cohort invite`: a message with a Join button in the cohort's channel.

use poise::serenity_prelude as serenity;

use crate::bot::commands::support::{admin_reply, autocomplete_cohort, cohort_named};
use crate::bot::components::ComponentAction;
use crate::bot::errors::user_error;
use crate::bot::permissions::require_channel_permissions;
use crate::bot::render::ACCENT;
use crate::bot::{Context, Error};
use crate::store::Cohort;

fn invite_message(cohort: &Cohort, track_title: &str) -> serenity::CreateMessage {
    let embed = serenity::CreateEmbed::new()
        .title(format!("Join the {} cohort", cohort.name))
        .colour(ACCENT)
        .description(format!(
            "A few minutes of allyship practice each working day, from the {track_title}: one short prompt at \
             {} ({}), quick quizzes with explanations, and private reflections only you can read.\n\n\
             Click **Join** to take part. You can leave any time with `/leave`, and `/privacy` shows what is kept.",
            cohort.send_time,
            cohort.timezone.name()
        ));
    let join = serenity::CreateButton::new(ComponentAction::Join { cohort: cohort.id }.to_string())
        .label("Join")
        .style(serenity::ButtonStyle::Success);
    serenity::CreateMessage::new()
        .embed(embed)
        .components(vec![serenity::CreateActionRow::Buttons(vec![join])])
        .allowed_mentions(serenity::CreateAllowedMentions::new())
}

/// Post a message with a Join button in the cohort's channel.
#[poise::command(slash_command, ephemeral)]
pub async fn invite(
    ctx: Context<'_>,
    #[description = "The cohort"]
    #[autocomplete = "autocomplete_cohort"]
    cohort: String,
) -> Result<(), Error> {
    // Permission checks and the post are REST calls: acknowledge first (3-second deadline).
    ctx.defer_ephemeral().await?;
    let found = cohort_named(ctx, &cohort).await?;
    let channel = found.channel_id.ok_or_else(|| {
        user_error(format!(
            "**{}** has no channel yet. Set one with `/cohort channel` first.",
            found.name
        ))
    })?;
    require_channel_permissions(ctx, channel).await?;
    let data = ctx.data();
    let title = data
        .curriculum
        .track(&found.track)
        .map_or(found.track.clone(), |t| t.title.clone());
    let message = invite_message(&found, &title);
    let target = serenity::ChannelId::new(channel);
    data.pacer
        .call(Some(channel), || {
            target.send_message(ctx.http(), message.clone())
        })
        .await?;
    tracing::info!(cohort_id = found.id, channel_id = channel, "invite posted");
    admin_reply(
        ctx,
        format!(
            "Posted a Join button for **{}** in <#{channel}>.",
            found.name
        ),
    )
    .await
}
