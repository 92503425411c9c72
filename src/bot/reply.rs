//! Answering button and form interactions: the value typed into a form's field, a response
//! from a flow's outcome, an answer that replaces the clicked message, and an acknowledgement
//! first for work that takes (or may take) a while. A leaf: it knows nothing of routing.

use std::time::Duration;

use poise::serenity_prelude as serenity;

use super::errors::answer_for;
use super::flows::{Answer, Outcome};
use super::Error;

/// The value typed into a modal's text input `custom_id`.
pub fn field(submit: &serenity::ModalInteraction, custom_id: &str) -> Option<String> {
    let inputs = submit
        .data
        .components
        .iter()
        .flat_map(|row| &row.components);
    inputs.into_iter().find_map(|component| match component {
        serenity::ActionRowComponent::InputText(input) if input.custom_id == custom_id => {
            input.value.clone()
        }
        _ => None,
    })
}

/// Acknowledges at once ("thinking...", only the clicker sees it), then fills in the answer.
pub(super) async fn answer_slowly(
    ctx: &serenity::Context,
    press: &serenity::ComponentInteraction,
    work: impl std::future::Future<Output = Result<Answer, Error>>,
) {
    let defer = serenity::CreateInteractionResponse::Defer(
        serenity::CreateInteractionResponseMessage::new().ephemeral(true),
    );
    if let Err(e) = press.create_response(&ctx.http, defer).await {
        tracing::warn!(error = %crate::bot::redact::redact_tokens(&e.to_string()), "could not acknowledge an interaction");
        return;
    }
    let answer = work.await.unwrap_or_else(|error| answer_for(&error));
    if let Err(e) = press.edit_response(&ctx.http, answer.into_edit()).await {
        tracing::warn!(error = %crate::bot::redact::redact_tokens(&e.to_string()), "could not answer an interaction");
    }
}

/// How long a button's or form's work may run before the interaction is acknowledged first:
/// well inside Discord's 3 seconds, with room for the acknowledgement's own round trip.
const ACKNOWLEDGE_AFTER: Duration = Duration::from_millis(1500);

/// Answers with `work`'s outcome, in time: if it is not ready after [`ACKNOWLEDGE_AFTER`] (the
/// database is locked by another writer, say), the interaction is acknowledged first (only the
/// person sees "thinking…") and the answer fills it in when it is ready.
pub(super) async fn respond_in_time(
    ctx: &serenity::Context,
    id: serenity::InteractionId,
    token: &str,
    work: impl std::future::Future<Output = Result<Outcome, Error>>,
) {
    tokio::pin!(work);
    let quick = tokio::select! {
        result = &mut work => Some(result),
        () = tokio::time::sleep(ACKNOWLEDGE_AFTER) => None,
    };
    if let Some(result) = quick {
        return respond(ctx, id, token, result).await;
    }
    let defer = serenity::CreateInteractionResponse::Defer(
        serenity::CreateInteractionResponseMessage::new().ephemeral(true),
    );
    if let Err(e) = ctx
        .http
        .create_interaction_response(id, token, &defer, Vec::new())
        .await
    {
        tracing::warn!(error = %crate::bot::redact::redact_tokens(&e.to_string()), "could not acknowledge an interaction");
    }
    tracing::info!(
        interaction_id = id.get(),
        "slow interaction acknowledged first"
    );
    let answer = match work.await {
        Ok(Outcome::Say(answer)) => *answer,
        // A form can only be the first answer: this one comes too late for that.
        Ok(Outcome::Form(_)) => {
            Answer::text("That took a moment too long to open the form. Press the button again.")
        }
        Err(error) => answer_for(&error),
    };
    if let Err(e) = ctx
        .http
        .edit_original_interaction_response(token, &answer.into_edit(), Vec::new())
        .await
    {
        tracing::warn!(error = %crate::bot::redact::redact_tokens(&e.to_string()), "could not answer an interaction");
    }
}

/// Sends an outcome (or the error's user-facing text) as the interaction's response.
pub(super) async fn respond(
    ctx: &serenity::Context,
    id: serenity::InteractionId,
    token: &str,
    result: Result<Outcome, Error>,
) {
    let outcome = result.unwrap_or_else(|error| answer_for(&error).into());
    if let Err(e) = ctx
        .http
        .create_interaction_response(id, token, &outcome.into_response(), Vec::new())
        .await
    {
        tracing::warn!(error = %crate::bot::redact::redact_tokens(&e.to_string()), "could not answer an interaction");
    }
}

/// Shows an answer in place of the message whose button was clicked. A refusal or failure
/// comes as a separate ephemeral message, leaving that message as it was.
pub(super) async fn respond_in_place(
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
        tracing::warn!(error = %crate::bot::redact::redact_tokens(&e.to_string()), "could not update a message in place");
    }
}
