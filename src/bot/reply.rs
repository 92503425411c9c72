//! Answering button and form interactions: the value typed into a form's field, a response
//! from a flow's outcome, an answer that replaces the clicked message, and an acknowledgement
//! first for work that may take a while. A leaf: it knows nothing of routing.

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
