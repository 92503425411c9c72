//! What a person sees when something goes wrong. A [`UserError`] carries text written for them
//! (what happened and what to do instead); anything else is ours: it is logged with its cause
//! chain and the person gets a short generic apology. Nothing the person typed is logged.

use poise::serenity_prelude as serenity;
use poise::{CreateReply, FrameworkError};

use super::flows::Answer;
use super::{Context, Data, Error};

/// A refusal whose message is safe and useful to show to the person who acted.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UserError(pub String);

pub fn user_error(message: impl Into<String>) -> Error {
    UserError(message.into()).into()
}

pub const GENERIC_FAILURE: &str =
    "Something went wrong on our side and it has been logged. Please try again in a minute.";

/// What the person is shown for a failed button or form: the refusal's own text, or (logged
/// with its cause chain) the generic apology.
pub fn answer_for(error: &Error) -> Answer {
    match error.downcast_ref::<UserError>() {
        Some(refusal) => Answer::text(refusal.0.clone()),
        None => {
            tracing::error!(error.cause_chain = %crate::bot::redact::loggable(error), "interaction failed");
            Answer::text(GENERIC_FAILURE)
        }
    }
}

pub async fn on_error(error: FrameworkError<'_, Data, Error>) {
    match error {
        FrameworkError::Command { error, ctx, .. } => {
            ctx.data().in_flight.leave();
            report_command_error(ctx, &error).await;
        }
        FrameworkError::CommandPanic { ctx, .. } => {
            ctx.data().in_flight.leave();
            tracing::error!(command = %ctx.command().qualified_name, "command panicked");
            reply(ctx, GENERIC_FAILURE).await;
        }
        FrameworkError::CommandStructureMismatch { ctx, .. } => {
            ctx.data().in_flight.leave();
            tracing::warn!(command = %ctx.command().qualified_name, "Discord sent a command shape we did not register");
            reply(ctx.into(), GENERIC_FAILURE).await;
        }
        FrameworkError::ArgumentParse { ctx, .. } => {
            // pre_command already counted this command as running.
            ctx.data().in_flight.leave();
            // The input is not logged: it may be anything the person typed.
            tracing::info!(command = %ctx.command().qualified_name, "argument did not parse");
            reply(
                ctx,
                "One of the options didn't look right. Check it and try again.",
            )
            .await;
        }
        FrameworkError::CommandCheckFailed { ctx, error, .. } => match error {
            Some(error) => report_command_error(ctx, &error).await,
            None => reply(ctx, "You can't use this command here.").await,
        },
        FrameworkError::GuildOnly { ctx, .. } => {
            reply(
                ctx,
                "This command works inside a server. Run it in your organisation's server.",
            )
            .await;
        }
        FrameworkError::Setup { error, .. } => {
            tracing::error!(error.cause_chain = %crate::bot::redact::loggable(&error), "bot set-up failed")
        }
        FrameworkError::EventHandler { error, event, .. } => {
            tracing::error!(event = event.snake_case_name(), error.cause_chain = %crate::bot::redact::loggable(&error), "event handler failed");
        }
        other => tracing::warn!(error = %other, "framework error"),
    }
}

async fn report_command_error(ctx: Context<'_>, error: &Error) {
    let command = &ctx.command().qualified_name;
    if let Some(refusal) = error.downcast_ref::<UserError>() {
        tracing::info!(%command, user_id = ctx.author().id.get(), "command refused");
        reply(ctx, &refusal.0).await;
    } else {
        tracing::error!(%command, error.cause_chain = %crate::bot::redact::loggable(error), "command failed");
        reply(ctx, GENERIC_FAILURE).await;
    }
}

async fn reply(ctx: Context<'_>, text: &str) {
    let message = CreateReply::default().content(text).ephemeral(true);
    if let Err(e) = ctx.send(message).await {
        tracing::warn!(error = %crate::bot::redact::redact_tokens(&e.to_string()), "could not deliver an error reply");
    }
}

/// Answers a component or modal interaction with an ephemeral message, logging (not raising)
/// a failure to deliver it.
pub async fn reply_to_interaction(
    http: &serenity::Http,
    interaction_id: serenity::InteractionId,
    token: &str,
    text: &str,
) {
    let response = serenity::CreateInteractionResponse::Message(
        serenity::CreateInteractionResponseMessage::new()
            .content(text)
            .ephemeral(true),
    );
    if let Err(e) = http
        .create_interaction_response(interaction_id, token, &response, Vec::new())
        .await
    {
        tracing::warn!(error = %crate::bot::redact::redact_tokens(&e.to_string()), "could not answer an interaction");
    }
}
