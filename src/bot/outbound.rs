//! The scheduler's [`Outbound`], over serenity's HTTP client and the pacer.

use std::sync::Arc;

use poise::serenity_prelude as serenity;

use super::components::ComponentAction;
use super::pacer::Pacer;
use super::posts::{delete_post, recent_messages};
use super::render::{self, NudgeView};
use super::sealed;
use super::shares;
use crate::content::model::Curriculum;
use crate::crypto::Cipher;
use crate::scheduler::{
    CheckinOut, NoticeOut, NudgeOut, Outbound, PlanOut, PostError, ShareOut, SummaryOut,
};

pub struct DiscordOutbound {
    pub http: Arc<serenity::Http>,
    pub curriculum: Arc<Curriculum>,
    pub pacer: Arc<Pacer>,
    /// Opens commitment text at the moment a check-in DM is rendered.
    pub cipher: Arc<Cipher>,
}

impl DiscordOutbound {
    fn message(&self, nudge: &NudgeOut) -> Result<serenity::CreateMessage, PostError> {
        let missing = |what: &str| PostError::Rejected {
            code: 0,
            message: format!("{what} is not in the loaded curriculum"),
        };
        let track = self
            .curriculum
            .track(&nudge.track)
            .ok_or_else(|| missing(&format!("track {}", nudge.track)))?;
        let (module, prompt) = track
            .prompt(&nudge.prompt_id)
            .ok_or_else(|| missing(&format!("prompt {}", nudge.prompt_id)))?;
        let view = NudgeView {
            track,
            stage: nudge.stage,
            prompt_module: module,
            prompt,
            day: nudge.day,
            delivery: nudge.delivery_id,
            late_due: nudge.late_due,
        };
        Ok(render::nudge_message(&view)
            .nonce(serenity::Nonce::String(nudge.nonce.clone()))
            .enforce_nonce(true))
    }
}

impl Outbound for DiscordOutbound {
    async fn send_checkin(&self, checkin: &CheckinOut) -> Result<u64, PostError> {
        let lines = crate::bot::flows::checkin::lines(&self.cipher, &checkin.items, |_| None)
            .map_err(|_| PostError::Rejected {
                code: 0,
                message: "a commitment could not be decrypted".into(),
            })?;
        let message = render::checkin_dm(&lines)
            .nonce(serenity::Nonce::String(checkin.nonce.clone()))
            .enforce_nonce(true);
        let user = serenity::UserId::new(checkin.user_id);
        let channel = self
            .pacer
            .call(None, || user.create_dm_channel(&self.http))
            .await?;
        let posted = self
            .pacer
            .call(Some(channel.id.get()), || {
                channel.id.send_message(&self.http, message.clone())
            })
            .await?;
        Ok(posted.id.get())
    }

    async fn post_nudge(&self, nudge: &NudgeOut) -> Result<u64, PostError> {
        let message = self.message(nudge)?;
        let channel = serenity::ChannelId::new(nudge.channel_id);
        let posted = self
            .pacer
            .call(Some(nudge.channel_id), || {
                channel.send_message(&self.http, message.clone())
            })
            .await?;
        Ok(posted.id.get())
    }

    async fn delete_message(&self, channel: u64, message: u64) -> Result<(), PostError> {
        delete_post(&self.pacer, &self.http, channel, message).await
    }

    async fn find_nudge(&self, channel: u64, delivery: i64) -> Result<Option<u64>, PostError> {
        let recent = recent_messages(&self.http, &self.pacer, channel).await?;
        let marker = ComponentAction::TriedIt { delivery }.to_string();
        Ok(recent
            .iter()
            .find(|m| carries(m, &marker))
            .map(|m| m.id.get()))
    }

    async fn post_summary(&self, summary: &SummaryOut) -> Result<u64, PostError> {
        let title = format!("{}: practice by week", summary.cohort_name);
        let (weeks, k) = (summary.chart.clone(), summary.figures.k);
        // Drawing is CPU work: off the async workers, so interactions are not held up.
        let chart =
            tokio::task::spawn_blocking(move || crate::report::chart::render(&title, &weeks, k))
                .await
                .map_err(|e| PostError::Rejected {
                    code: 0,
                    message: format!("the chart could not be drawn: {e}"),
                })?
                .map_err(|e| PostError::Rejected {
                    code: 0,
                    message: e.to_string(),
                })?;
        let view = render::SummaryEmbed {
            kind: render::SummaryKind::Weekly,
            cohort: &summary.cohort_name,
            figures: &summary.figures,
            summary_id: Some(summary.summary_id),
            late_due: summary.late_due,
        };
        let message = render::summary_message(&view, chart)
            .nonce(serenity::Nonce::String(summary.nonce.clone()))
            .enforce_nonce(true);
        let channel = serenity::ChannelId::new(summary.channel_id);
        let posted = self
            .pacer
            .call(Some(summary.channel_id), || {
                channel.send_message(&self.http, message.clone())
            })
            .await?;
        Ok(posted.id.get())
    }

    async fn find_summary(&self, channel: u64, summary: i64) -> Result<Option<u64>, PostError> {
        let recent = recent_messages(&self.http, &self.pacer, channel).await?;
        let marker = render::summary_marker(summary);
        Ok(recent
            .iter()
            .find(|m| {
                m.author.bot
                    && m.embeds
                        .iter()
                        .any(|e| e.footer.as_ref().is_some_and(|f| f.text.ends_with(&marker)))
            })
            .map(|m| m.id.get()))
    }

    async fn post_share(&self, share: &ShareOut) -> Result<u64, PostError> {
        let text = self.open_share(share)?;
        shares::post(
            &self.http,
            &self.pacer,
            share.channel_id,
            &share.nonce,
            &text,
        )
        .await
    }

    async fn find_share(&self, share: &ShareOut) -> Result<Vec<u64>, PostError> {
        let text = self.open_share(share)?;
        shares::find(
            &self.http,
            &self.pacer,
            share.channel_id,
            &text,
            share.claimed_at,
        )
        .await
    }

    async fn post_plan(&self, plan: &PlanOut) -> Result<u64, PostError> {
        super::plan_outbound::post(self, plan).await
    }

    async fn edit_plan(&self, plan: &PlanOut, message: u64) -> Result<(), PostError> {
        super::plan_outbound::edit(self, plan, message).await
    }

    async fn find_plan(&self, channel: u64, plan: i64) -> Result<Option<u64>, PostError> {
        let recent = recent_messages(&self.http, &self.pacer, channel).await?;
        let marker = render::plan::plan_marker(plan);
        Ok(recent
            .iter()
            .find(|m| {
                m.author.bot
                    && m.embeds
                        .iter()
                        .any(|e| e.footer.as_ref().is_some_and(|f| f.text == marker))
            })
            .map(|m| m.id.get()))
    }

    async fn send_notice(&self, notice: &NoticeOut) -> Result<u64, PostError> {
        super::plan_outbound::notice(self, notice).await
    }

    fn leading(&self, leading: bool) {
        self.pacer.set_leading(leading);
    }
}

impl DiscordOutbound {
    fn open_share(&self, share: &ShareOut) -> Result<String, PostError> {
        sealed::reflection_sealed(
            &self.cipher,
            share.reflection_id,
            share.user_id,
            &share.sealed_text,
        )
        .map_err(|_| PostError::Rejected {
            code: 0,
            message: "a shared reflection could not be decrypted".into(),
        })
    }
}

fn carries(message: &serenity::Message, custom_id: &str) -> bool {
    message
        .components
        .iter()
        .flat_map(|row| &row.components)
        .any(|component| {
            matches!(component, serenity::ActionRowComponent::Button(serenity::Button {
            data: serenity::ButtonKind::NonLink { custom_id: id, .. }, ..
        }) if id == custom_id)
        })
}
