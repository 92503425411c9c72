//! Discord glue for commitments and check-ins: the buttons and forms routed here by custom_id
//! from `events`, and the check-ins shown after a person's command when they waited (DMs
//! closed, reminders off). Who acted always comes from the interaction.

use poise::serenity_prelude as serenity;

use super::commands::support::NothingFollows;
use super::components::{ComponentAction, ModalKind, STALE_BUTTON};
use super::flows::checkin;
use super::flows::Outcome;
use super::flows::{commitments, Answer};
use super::reply::{field, respond_in_time};
use super::{Context, Data};

/// A check-in button was pressed.
pub(super) async fn button(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
    action: ComponentAction,
) {
    let user = press.user.id.get();
    let work = async {
        let result = match action {
            ComponentAction::Checkin {
                commitment,
                outcome,
            } => checkin::answer(data, user, commitment, outcome).await,
            ComponentAction::CheckinNote { commitment } => {
                checkin::note_form(data, user, commitment).await
            }
            _ => Ok(Answer::text(STALE_BUTTON).into()),
        };
        tracing::info!(user_id = user, ok = result.is_ok(), "check-in button");
        result
    };
    respond_in_time(ctx, press.id, &press.token, work).await;
}

/// A commitment, note or new-date form was sent.
pub(super) async fn modal(
    ctx: &serenity::Context,
    data: &Data,
    submit: &serenity::ModalInteraction,
    kind: ModalKind,
) {
    let user = submit.user.id.get();
    let guild = submit.guild_id.map(serenity::GuildId::get);
    let field = |name: &str| field(submit, name).unwrap_or_default();
    let work = async {
        let result = match kind {
            ModalKind::Commitment => {
                commitments::submit(
                    data,
                    guild,
                    user,
                    &field("when"),
                    &field("will"),
                    &field("days"),
                )
                .await
            }
            ModalKind::CheckinNote { commitment } => {
                checkin::save_note(data, user, commitment, &field("note")).await
            }
            ModalKind::NewDate { commitment } => {
                checkin::new_date(data, user, commitment, &field("days")).await
            }
            ModalKind::Reflection { .. } => Ok(Answer::text(STALE_BUTTON)),
        };
        tracing::info!(user_id = user, ok = result.is_ok(), "commitment form");
        result.map(Outcome::from)
    };
    respond_in_time(ctx, submit.id, &submit.token, work).await;
}

/// After a command: check-ins that waited for this person appear as a private followup.
pub(super) async fn show_waiting(ctx: Context<'_>) {
    if ctx.invocation_data::<NothingFollows>().await.is_some() {
        return;
    }
    let data = ctx.data();
    let user = ctx.author().id.get();
    match checkin::take_waiting(data, user).await {
        Ok(None) => {}
        Ok(Some((answer, shown))) => match ctx.send(answer.into_reply()).await {
            Ok(_) => tracing::info!(
                user_id = user,
                count = shown.len(),
                "waiting check-ins shown"
            ),
            Err(e) => {
                // A failed followup's error can carry its webhook URL, which holds the token.
                tracing::warn!(error = %super::redact::redact_tokens(&e.to_string()), "could not show waiting check-ins; they keep waiting");
                let now = data.clock.now();
                if let Err(e) = data.store.restore_waiting(user, &shown, now).await {
                    tracing::error!(error.cause_chain = ?e, "could not put check-ins back to wait");
                }
            }
        },
        Err(e) => tracing::error!(error.cause_chain = ?e, "could not load waiting check-ins"),
    }
}
