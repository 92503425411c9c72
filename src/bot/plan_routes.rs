//! Discord glue for the action plan's and the certificate's buttons and forms, routed here by
//! custom_id from `events`. Votes, volunteering and sharing post or edit channel messages, so
//! they answer in time (acknowledging first when slow); the certificate form's answer carries
//! the PNG, so it is acknowledged first and filled in with the file.

use poise::serenity_prelude as serenity;

use super::errors::answer_for;
use super::flows::plan::ProposalForm;
use super::flows::{certificate, plan, Outcome};
use super::plan_ids::{PlanButton, PlanForm};
use super::reply::{field, respond_in_time};
use super::Data;

pub(super) async fn button(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
    action: PlanButton,
) {
    let user = press.user.id.get();
    if let PlanButton::Vote { proposal, choice } = action {
        return vote(ctx, data, press, proposal, choice).await;
    }
    let work = async {
        let result = match action {
            PlanButton::Vote { .. } => {
                Ok(super::flows::Answer::text(super::components::STALE_BUTTON).into())
            }
            PlanButton::Volunteer { proposal } => plan::volunteer_form(data, user, proposal).await,
            PlanButton::Certificate { completion } => {
                certificate::form(data, user, completion).await
            }
            PlanButton::Share { completion } => {
                certificate::share(data, &ctx.http, user, completion)
                    .await
                    .map(Outcome::from)
            }
        };
        tracing::info!(
            user_id = user,
            ok = result.is_ok(),
            "plan or certificate button"
        );
        result
    };
    respond_in_time(ctx, press.id, &press.token, work).await;
}

/// A vote: answered first, then the proposal's post shows the new tally (edits of one channel
/// are paced at one a second, and a voter must not wait for them).
async fn vote(
    ctx: &serenity::Context,
    data: &Data,
    press: &serenity::ComponentInteraction,
    proposal: i64,
    choice: crate::store::VoteChoice,
) {
    let user = press.user.id.get();
    let mut refresh = None;
    let work = async {
        let result = plan::vote(data, user, proposal, choice).await.map(|voted| {
            refresh = voted.refresh;
            Outcome::from(voted.answer)
        });
        tracing::info!(user_id = user, ok = result.is_ok(), "plan vote button");
        result
    };
    respond_in_time(ctx, press.id, &press.token, work).await;
    if let Some((cohort, proposal)) = refresh {
        plan::refresh(data, &ctx.http, &cohort, &proposal).await;
    }
}

pub(super) async fn modal(
    ctx: &serenity::Context,
    data: &Data,
    submit: &serenity::ModalInteraction,
    form: PlanForm,
) {
    let user = submit.user.id.get();
    let guild = submit.guild_id.map(serenity::GuildId::get);
    let value = |name: &str| field(submit, name).unwrap_or_default();
    if let PlanForm::Certificate { completion } = form {
        return certificate_form(ctx, data, submit, completion, &value("name")).await;
    }
    let work = async {
        let result = match form {
            PlanForm::Propose => {
                let typed = ProposalForm {
                    what: value("what"),
                    who: value("who"),
                    step: value("step"),
                    date: value("date"),
                    name: value("name"),
                };
                plan::submit(data, &ctx.http, guild, user, typed).await
            }
            PlanForm::Volunteer { proposal } => {
                plan::volunteer(data, &ctx.http, user, proposal, &value("name")).await
            }
            // Answered above, with its file.
            PlanForm::Certificate { .. } => {
                Ok(super::flows::Answer::text(super::components::STALE_BUTTON))
            }
        };
        tracing::info!(user_id = user, ok = result.is_ok(), "plan form");
        result.map(Outcome::from)
    };
    respond_in_time(ctx, submit.id, &submit.token, work).await;
}

/// The name for a certificate was sent: acknowledged at once (drawing takes a moment), then
/// the answer with the PNG attached, or the refusal with the name handed back.
async fn certificate_form(
    ctx: &serenity::Context,
    data: &Data,
    submit: &serenity::ModalInteraction,
    completion: i64,
    name: &str,
) {
    let user = submit.user.id.get();
    let defer = serenity::CreateInteractionResponse::Defer(
        serenity::CreateInteractionResponseMessage::new().ephemeral(true),
    );
    if let Err(e) = submit.create_response(&ctx.http, defer).await {
        tracing::warn!(error = %super::redact::redact_tokens(&e.to_string()), "could not acknowledge a certificate form");
        return;
    }
    let edit = match certificate::issue(data, &ctx.http, user, completion, name).await {
        Ok(Ok(issued)) => {
            issued
                .answer
                .into_edit()
                .new_attachment(serenity::CreateAttachment::bytes(
                    issued.png,
                    "certificate.png",
                ))
        }
        Ok(Err(refusal)) => refusal.into_edit(),
        Err(error) => answer_for(&error).with_text_back(name.trim()).into_edit(),
    };
    if let Err(e) = submit.edit_response(&ctx.http, edit).await {
        tracing::warn!(error = %super::redact::redact_tokens(&e.to_string()), "could not send a certificate");
    }
}
