//! Gateway events that are not slash commands: the bot's own guild membership, and the routing
//! of component and modal interactions by custom_id. Routing by id from this one handler, with
//! no in-memory collectors, is what lets buttons keep working after a restart. Who acted always
//! comes from the interaction, never from the custom_id.

use poise::serenity_prelude as serenity;
use poise::FrameworkContext;

use super::components::{ComponentAction, ModalKind};
use super::errors::{reply_to_interaction, UserError, GENERIC_FAILURE};
use super::flows::{membership, nudge, Answer};
use super::{Data, Error};

pub const STALE_BUTTON: &str =
    "This button is no longer valid. Run the command again for a fresh one.";
const ENDED: &str = "This cohort isn't open any more. `/join` shows the ones you can join.";

pub async fn handle(
    framework: FrameworkContext<'_, Data, Error>,
    event: &serenity::FullEvent,
) -> Result<(), Error> {
    let data = framework.user_data;
    let ctx = framework.serenity_context;
    match event {
        serenity::FullEvent::GuildCreate { guild, .. } => {
            data.store
                .upsert_guild(guild.id.get(), data.clock.now())
                .await?;
        }
        serenity::FullEvent::GuildDelete { incomplete, .. } if !incomplete.unavailable => {
            // Removed from the guild (not an outage): nothing more can be posted there.
            let now = data.clock.now();
            data.store
                .mark_guild_removed(incomplete.id.get(), now)
                .await?;
            let stopped = data
                .store
                .stop_guild_cohorts(
                    incomplete.id.get(),
                    "The bot was removed from this server.",
                    now,
                )
                .await?;
            tracing::info!(
                guild_id = incomplete.id.get(),
                stopped,
                "removed from guild"
            );
            data.scheduler_wake.notify_one();
        }
        serenity::FullEvent::InteractionCreate { interaction } => match interaction {
            serenity::Interaction::Component(press) => {
                data.in_flight
                    .track(route_component(ctx, data, press))
                    .await;
            }
            serenity::Interaction::Modal(submit) => {
                data.in_flight.track(route_modal(ctx, data, submit)).await;
            }
            _ => {}
        },
        _ => {}
    }
    Ok(())
}

async fn route_component(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
) {
    let user = press.user.id.get();
    let guild = press.guild_id.map(serenity::GuildId::get);
    let result = match ComponentAction::parse(&press.data.custom_id) {
        None => Ok(Answer::text(STALE_BUTTON)),
        Some(action @ (ComponentAction::Checkin { .. } | ComponentAction::CheckinNote { .. })) => {
            return super::checkin_routes::button(ctx, data, press, action).await;
        }
        Some(ComponentAction::Join { cohort }) => {
            join_button(data, guild, user, cohort, false).await
        }
        Some(ComponentAction::SwitchCohort { cohort }) => {
            join_button(data, guild, user, cohort, true).await
        }
        Some(ComponentAction::TriedIt { delivery }) => nudge::tried(data, user, delivery).await,
        Some(ComponentAction::ReflectOnNudge { .. } | ComponentAction::QuizFromNudge { .. }) => {
            Ok(Answer::text(
                "Reflections and quizzes from the nudge are coming soon. Thanks for practising!",
            ))
        }
        Some(_) => Ok(Answer::text(STALE_BUTTON)),
    };
    tracing::info!(user_id = user, ok = result.is_ok(), "button");
    respond(ctx, press.id, &press.token, result).await;
}

async fn join_button(
    data: &Data,
    guild: Option<u64>,
    user: u64,
    cohort: i64,
    switch: bool,
) -> Result<Answer, Error> {
    let Some(guild) = guild else {
        return Ok(Answer::text(ENDED));
    };
    let found = data
        .store
        .cohort(cohort)
        .await?
        .filter(|c| c.guild_id == guild && !c.archived);
    let Some(found) = found else {
        return Ok(Answer::text(ENDED));
    };
    if switch {
        membership::switch(data, guild, user, &found).await
    } else {
        membership::join(data, guild, user, &found).await
    }
}

async fn route_modal(ctx: &serenity::Context, data: &Data, submit: &serenity::ModalInteraction) {
    if let Some(
        kind @ (ModalKind::Commitment | ModalKind::CheckinNote { .. } | ModalKind::NewDate { .. }),
    ) = ModalKind::parse(&submit.data.custom_id)
    {
        return super::checkin_routes::modal(ctx, data, submit, kind).await;
    }
    tracing::info!(user_id = submit.user.id.get(), "unknown modal");
    reply_to_interaction(&ctx.http, submit.id, &submit.token, STALE_BUTTON).await;
}

/// Sends an answer (or the error's user-facing text) as the ephemeral response.
pub(super) async fn respond(
    ctx: &serenity::Context,
    id: serenity::InteractionId,
    token: &str,
    result: Result<Answer, Error>,
) {
    let answer = match result {
        Ok(answer) => answer,
        Err(error) => match error.downcast_ref::<UserError>() {
            Some(refusal) => Answer::text(refusal.0.clone()),
            None => {
                tracing::error!(error.cause_chain = ?error, "interaction failed");
                Answer::text(GENERIC_FAILURE)
            }
        },
    };
    if let Err(e) = ctx
        .http
        .create_interaction_response(id, token, &answer.into_response(), Vec::new())
        .await
    {
        tracing::warn!(error = %e, "could not answer an interaction");
    }
}
