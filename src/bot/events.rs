//! Gateway events that are not slash commands: the bot's own guild membership, and the routing
//! of component and modal interactions by custom_id. Routing by id from this one handler, with
//! no in-memory collectors, is what lets buttons keep working after a restart. Who acted always
//! comes from the interaction, never from the custom_id.

use poise::serenity_prelude as serenity;
use poise::FrameworkContext;

use super::components::ComponentAction;
use super::errors::{reply_to_interaction, UserError, GENERIC_FAILURE};
use super::flows::{membership, nudge, quiz, Answer};
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
        Some(ComponentAction::Join { cohort }) => {
            join_button(data, guild, user, cohort, false).await
        }
        Some(ComponentAction::SwitchCohort { cohort }) => {
            join_button(data, guild, user, cohort, true).await
        }
        Some(ComponentAction::TriedIt { delivery }) => nudge::tried(data, user, delivery).await,
        Some(ComponentAction::ReflectOnNudge { .. }) => Ok(Answer::text(
            "Reflections from the nudge are coming soon. Thanks for practising!",
        )),
        Some(ComponentAction::QuizFromNudge { delivery }) => {
            quiz::from_nudge(data, user, delivery).await
        }
        Some(
            action @ (ComponentAction::Answer { .. }
            | ComponentAction::Confidence { .. }
            | ComponentAction::NextQuestion { .. }),
        ) => {
            let result = quiz::on_button(data, user, action).await;
            tracing::info!(user_id = user, ok = result.is_ok(), "quiz button");
            return respond_in_place(ctx, press, result).await;
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

async fn route_modal(ctx: &serenity::Context, _data: &Data, submit: &serenity::ModalInteraction) {
    tracing::info!(user_id = submit.user.id.get(), "unknown modal");
    reply_to_interaction(&ctx.http, submit.id, &submit.token, STALE_BUTTON).await;
}

/// Sends an answer (or the error's user-facing text) as the ephemeral response.
async fn respond(
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

/// Shows an answer in place of the message whose button was clicked. A refusal or failure
/// comes as a separate ephemeral message, leaving that message as it was.
async fn respond_in_place(
    ctx: &serenity::Context,
    press: &serenity::ComponentInteraction,
    result: Result<Answer, Error>,
) {
    let answer = match result {
        Ok(answer) => answer,
        Err(error) => return respond(ctx, press.id, &press.token, Err(error)).await,
    };
    if let Err(e) = ctx
        .http
        .create_interaction_response(press.id, &press.token, &answer.into_update(), Vec::new())
        .await
    {
        tracing::warn!(error = %e, "could not update a message in place");
    }
}
