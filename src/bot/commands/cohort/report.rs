//! `/cohort report`: the cohort's summary for the week so far, privately or posted to the
//! organisation's summary channel. Its figures stop at the end of the cohort's previous
//! practice day, so running it twice a few minutes apart cannot time one person's click.

use poise::serenity_prelude as serenity;
use poise::CreateReply;

use crate::bot::commands::org::summary_channel_warning;
use crate::bot::commands::support::{admin_reply, autocomplete_cohort, cohort_named, guild_of};
use crate::bot::errors::user_error;
use crate::bot::render::{self, SummaryEmbed, SummaryKind};
use crate::bot::{Context, Error};
use crate::report::{self, Subject};

/// A cohort's summary for the week so far (group figures only).
#[poise::command(slash_command, ephemeral)]
pub async fn report(
    ctx: Context<'_>,
    #[description = "The cohort"]
    #[autocomplete = "autocomplete_cohort"]
    cohort: String,
    #[description = "Post it to the summary channel instead of showing only you"] post: Option<
        bool,
    >,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let found = cohort_named(ctx, &cohort).await?;
    let data = ctx.data();
    let guild = guild_of(ctx)?;
    let org = data.store.org_settings(guild).await?;
    let post_to = if post.unwrap_or(false) {
        match (org.summary_channel, &org.summary_stopped) {
            (Some(channel), None) => Some(channel),
            _ => {
                let why = summary_channel_warning(&org).unwrap_or_default();
                return Err(user_error(format!("{why} Nothing was posted.")));
            }
        }
    } else {
        None
    };
    let calendar = data.store.calendar(&found).await?;
    let Some(window) = org
        .schedule
        .report_window(&calendar, found.timezone, data.clock.now())
    else {
        return admin_reply(
            ctx,
            format!(
                "**{}** has no finished practice day yet, so there is nothing to report. \
                 Figures start once its first practice day has ended.",
                found.name
            ),
        )
        .await;
    };
    let subject = Subject {
        cohort: &found,
        calendar: &calendar,
        track: data.curriculum.track(&found.track),
        k: org.k(data.settings.privacy.min_group_size),
    };
    let computed = report::compute(&data.store, &subject, window).await?;
    let weeks = report::chart_weeks(&data.store, found.id, &computed.figures).await?;
    let title = format!("{}: practice by week", found.name);
    let k = computed.figures.k;
    let chart =
        tokio::task::spawn_blocking(move || report::chart::render(&title, &weeks, k)).await??;
    let view = SummaryEmbed {
        kind: SummaryKind::SoFar,
        cohort: &found.name,
        figures: &computed.figures,
        summary_id: None,
        late_due: None,
    };
    tracing::info!(
        cohort_id = found.id,
        posted = post_to.is_some(),
        "cohort report"
    );
    match post_to {
        None => {
            let reply = CreateReply::default()
                .embed(render::summary_embed(&view))
                .attachment(serenity::CreateAttachment::bytes(chart, render::CHART_FILE))
                .ephemeral(true)
                .allowed_mentions(serenity::CreateAllowedMentions::new());
            ctx.send(reply).await?;
            Ok(())
        }
        Some(channel) => {
            let message = render::summary_message(&view, chart);
            let channel_id = serenity::ChannelId::new(channel);
            data.pacer
                .call(Some(channel), || {
                    channel_id.send_message(ctx.http(), message.clone())
                })
                .await
                .map_err(|e| {
                    user_error(format!(
                        "Discord refused the post to <#{channel}> ({e}). Check the bot's permissions there \
                         (`/org summary-channel` checks them)."
                    ))
                })?;
            admin_reply(
                ctx,
                format!(
                    "Posted **{}**'s summary so far to <#{channel}>.",
                    found.name
                ),
            )
            .await
        }
    }
}
