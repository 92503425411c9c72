//! The scheduler's posts for certification and the action plan, over serenity: the published
//! plan (posted once, then edited as statuses change) and the completion notice DM. Sealed
//! texts and names are opened here, at the moment of rendering.

use poise::serenity_prelude as serenity;

use super::outbound::DiscordOutbound;
use super::plan_ids::PlanButton;
use super::render::plan::{owners_line, plan_embed, ActionView, ProposalTexts};
use super::sealed;
use crate::scheduler::{NoticeOut, PlanOut, PostError};
use crate::store::{SealedColumn, PLAN_OWNER};

fn undecryptable(what: &str) -> PostError {
    PostError::Rejected {
        code: 0,
        message: format!("{what} could not be decrypted"),
    }
}

fn embed(outbound: &DiscordOutbound, plan: &PlanOut) -> Result<serenity::CreateEmbed, PostError> {
    let mut actions = Vec::new();
    for action in &plan.actions {
        let json = sealed::opened(
            &outbound.cipher,
            SealedColumn::ProposalText,
            action.proposal_id,
            PLAN_OWNER,
            &action.sealed_text,
        )
        .map_err(|_| undecryptable("a proposal"))?;
        let texts: ProposalTexts =
            serde_json::from_str(&json).map_err(|_| undecryptable("a proposal"))?;
        let mut named = Vec::new();
        let mut unnamed = 0;
        for (owner, user, name) in &action.owners {
            match name {
                Some(sealed_name) => named.push(
                    sealed::opened(
                        &outbound.cipher,
                        SealedColumn::OwnerName,
                        *owner,
                        *user,
                        sealed_name,
                    )
                    .map_err(|_| undecryptable("an owner's name"))?,
                ),
                None => unnamed += 1,
            }
        }
        actions.push(ActionView {
            rank: action.rank,
            texts,
            target: action.target_date,
            owners: owners_line(&named, unnamed),
            status: action.status,
        });
    }
    Ok(plan_embed(plan.plan_id, &plan.cohort_name, &actions))
}

pub(super) async fn post(outbound: &DiscordOutbound, plan: &PlanOut) -> Result<u64, PostError> {
    let message = serenity::CreateMessage::new()
        .embed(embed(outbound, plan)?)
        .allowed_mentions(serenity::CreateAllowedMentions::new())
        .nonce(serenity::Nonce::String(plan.nonce.clone()))
        .enforce_nonce(true);
    let channel = serenity::ChannelId::new(plan.channel_id);
    let posted = outbound
        .pacer
        .call(Some(plan.channel_id), || {
            channel.send_message(&outbound.http, message.clone())
        })
        .await?;
    Ok(posted.id.get())
}

pub(super) async fn edit(
    outbound: &DiscordOutbound,
    plan: &PlanOut,
    message: u64,
) -> Result<(), PostError> {
    let edit = serenity::EditMessage::new()
        .embed(embed(outbound, plan)?)
        .allowed_mentions(serenity::CreateAllowedMentions::new());
    let channel = serenity::ChannelId::new(plan.channel_id);
    outbound
        .pacer
        .call(Some(plan.channel_id), || {
            channel.edit_message(
                &outbound.http,
                serenity::MessageId::new(message),
                edit.clone(),
            )
        })
        .await?;
    Ok(())
}

pub(super) async fn notice(
    outbound: &DiscordOutbound,
    notice: &NoticeOut,
) -> Result<u64, PostError> {
    let title = outbound
        .curriculum
        .track(&notice.track)
        .map_or(notice.track.clone(), |t| t.title.clone());
    let button = serenity::CreateButton::new(
        PlanButton::Certificate {
            completion: notice.completion_id,
        }
        .to_string(),
    )
    .label("Get my certificate")
    .style(serenity::ButtonStyle::Success);
    let message = serenity::CreateMessage::new()
        .content(format!(
            "🎓 You've completed the **{title}** with **{}**: every module's criteria, and the \
             track's. Well done!\nPress **Get my certificate** and type the name to put on it \
             (it is not taken from your profile). Your certificate comes with a verification code.",
            super::render::plan::plain(&notice.cohort_name)
        ))
        .components(vec![serenity::CreateActionRow::Buttons(vec![button])])
        .allowed_mentions(serenity::CreateAllowedMentions::new())
        .nonce(serenity::Nonce::String(notice.nonce.clone()))
        .enforce_nonce(true);
    let user = serenity::UserId::new(notice.user_id);
    let channel = outbound
        .pacer
        .call(None, || user.create_dm_channel(&outbound.http))
        .await?;
    let posted = outbound
        .pacer
        .call(Some(channel.id.get()), || {
            channel.id.send_message(&outbound.http, message.clone())
        })
        .await?;
    Ok(posted.id.get())
}
