//! Gateway events that are not slash commands: guild membership of the bot, and the routing of
//! component and modal interactions by custom_id, which is what lets buttons outlive a restart.

use poise::serenity_prelude as serenity;
use poise::FrameworkContext;

use super::errors::reply_to_interaction;
use super::{Data, Error};

pub const STALE_BUTTON: &str =
    "This button is no longer valid. Run the command again for a fresh one.";

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
            tracing::info!(guild_id = incomplete.id.get(), "removed from guild");
            data.store
                .mark_guild_removed(incomplete.id.get(), data.clock.now())
                .await?;
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
    _data: &Data,
    press: &serenity::ComponentInteraction,
) {
    tracing::info!(user_id = press.user.id.get(), "unknown component");
    reply_to_interaction(&ctx.http, press.id, &press.token, STALE_BUTTON).await;
}

async fn route_modal(ctx: &serenity::Context, _data: &Data, submit: &serenity::ModalInteraction) {
    tracing::info!(user_id = submit.user.id.get(), "unknown modal");
    reply_to_interaction(&ctx.http, submit.id, &submit.token, STALE_BUTTON).await;
}
