//! Gateway events that are not slash commands: the bot's own guild membership, and the routing
//! of component and modal interactions by custom_id. Routing by id from this one handler, with
//! no in-memory collectors, is what lets buttons keep working after a restart. Who acted always
//! comes from the interaction, never from the custom_id.

use poise::serenity_prelude as serenity;
use poise::FrameworkContext;

use super::components::{ComponentAction, ModalKind, STALE_BUTTON};
use super::flows::{certificate, membership, nudge, privacy, quiz, reflect, Answer, Outcome};
use super::plan_ids::{PlanButton, PlanForm};
use super::reply::{answer_slowly, field, respond_in_place, respond_in_time};
use super::{Data, Error};

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
            removed_from_guild(data, incomplete.id.get()).await?;
        }
        serenity::FullEvent::GuildDelete { incomplete, .. } => {
            // An outage on Discord's side: the guild comes back with a GUILD_CREATE.
            tracing::info!(
                guild_id = incomplete.id.get(),
                "server unavailable (a Discord outage); its cohorts carry on"
            );
        }
        serenity::FullEvent::InteractionCreate { interaction } => match interaction {
            serenity::Interaction::Component(press) => {
                let user = press.user.id.get();
                data.in_flight
                    .track(async {
                        route_component(ctx, data, press).await;
                        // Answered already: a completion it made is noticed now.
                        certificate::check_completion(data, user).await;
                    })
                    .await;
            }
            serenity::Interaction::Modal(submit) => {
                let user = submit.user.id.get();
                data.in_flight
                    .track(async {
                        route_modal(ctx, data, submit).await;
                        certificate::check_completion(data, user).await;
                    })
                    .await;
            }
            _ => {}
        },
        _ => {}
    }
    Ok(())
}

/// Removed from the guild (not an outage): nothing more can be posted there.
async fn removed_from_guild(data: &Data, guild: u64) -> Result<(), Error> {
    let now = data.clock.now();
    data.store.mark_guild_removed(guild, now).await?;
    let reason = "The bot was removed from this server.";
    let stopped = data.store.stop_guild_cohorts(guild, reason, now).await?;
    tracing::info!(guild_id = guild, stopped, "removed from guild");
    data.scheduler_wake.notify_one();
    Ok(())
}

async fn route_component(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
) {
    let user = press.user.id.get();
    let guild = press.guild_id.map(serenity::GuildId::get);
    if let Some(button) = PlanButton::parse(&press.data.custom_id) {
        return super::plan_routes::button(ctx, data, press, button).await;
    }
    let action = ComponentAction::parse(&press.data.custom_id);
    // These post to a channel or delete several things: acknowledge first (3-second deadline).
    match action {
        Some(ComponentAction::ConfirmShare { reflection }) => {
            return answer_slowly(
                ctx,
                press,
                reflect::share(data, &ctx.http, user, reflection),
            )
            .await;
        }
        Some(ComponentAction::ConfirmDelete) => {
            return answer_slowly(ctx, press, privacy::delete(data, &ctx.http, user)).await;
        }
        Some(action @ (ComponentAction::Checkin { .. } | ComponentAction::CheckinNote { .. })) => {
            return super::checkin_routes::button(ctx, data, press, action).await;
        }
        // Quiz steps replace the quiz message in place.
        Some(
            step @ (ComponentAction::Answer { .. }
            | ComponentAction::Confidence { .. }
            | ComponentAction::NextQuestion { .. }),
        ) => {
            let result = quiz::on_button(data, user, step).await;
            tracing::info!(user_id = user, ok = result.is_ok(), "quiz button");
            return respond_in_place(ctx, press, result).await;
        }
        _ => {}
    }
    let work = async {
        let result = match action {
            None => Ok(Answer::text(STALE_BUTTON).into()),
            Some(action) => component_outcome(data, guild, user, action).await,
        };
        tracing::info!(user_id = user, ok = result.is_ok(), "button");
        result
    };
    respond_in_time(ctx, press.id, &press.token, work).await;
}

async fn component_outcome(
    data: &Data,
    guild: Option<u64>,
    user: u64,
    action: ComponentAction,
) -> Result<Outcome, Error> {
    use ComponentAction as A;
    let said = |answer: Result<Answer, Error>| answer.map(Outcome::from);
    match action {
        A::Join { cohort } => said(join_button(data, guild, user, cohort, false).await),
        A::SwitchCohort { cohort } => said(join_button(data, guild, user, cohort, true).await),
        A::TriedIt { delivery } => said(nudge::tried(data, user, delivery).await),
        A::ReflectOnNudge { delivery } => reflect::open(data, guild, user, Some(delivery)).await,
        A::ReflectionConsent => reflect::consent(data, guild, user).await,
        A::ShareReflection { reflection } => {
            said(reflect::offer_share(data, user, reflection).await)
        }
        A::QuizFromNudge { delivery } => said(quiz::from_nudge(data, user, delivery).await),
        _ => Ok(Answer::text(STALE_BUTTON).into()),
    }
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
    let user = submit.user.id.get();
    let guild = submit.guild_id.map(serenity::GuildId::get);
    if let Some(form) = PlanForm::parse(&submit.data.custom_id) {
        return super::plan_routes::modal(ctx, data, submit, form).await;
    }
    let kind = ModalKind::parse(&submit.data.custom_id);
    if let Some(
        kind @ (ModalKind::Commitment | ModalKind::CheckinNote { .. } | ModalKind::NewDate { .. }),
    ) = kind
    {
        return super::checkin_routes::modal(ctx, data, submit, kind).await;
    }
    let work = async {
        let result = match kind {
            Some(ModalKind::Reflection { delivery }) => {
                let text = field(submit, "text").unwrap_or_default();
                reflect::save(data, guild, user, delivery, &text)
                    .await
                    .map(Outcome::from)
            }
            _ => Ok(Answer::text(STALE_BUTTON).into()),
        };
        tracing::info!(user_id = user, ok = result.is_ok(), "form");
        result
    };
    respond_in_time(ctx, submit.id, &submit.token, work).await;
}
