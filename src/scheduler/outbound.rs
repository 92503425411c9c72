//! What the scheduler needs from Discord, as a trait so it never depends on serenity. The bot
//! implements it over serenity's HTTP client with the process-wide outbound pacer.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::Stage;
use crate::report::{ChartWeek, Figures};
use crate::store::{ActionStatus, Commitment};

/// A nudge ready to post.
#[derive(Debug, Clone)]
pub struct NudgeOut {
    pub delivery_id: i64,
    pub channel_id: u64,
    /// Deterministic per cohort and day; sent with `enforce_nonce`.
    pub nonce: String,
    pub track: String,
    pub prompt_id: String,
    pub stage: Stage,
    pub day: u32,
    /// When the nudge was due, if it goes out late.
    pub late_due: Option<DateTime<Utc>>,
}

/// A check-in DM ready to send: who gets it and the commitments it asks about. Their text is
/// still sealed; only the Discord side opens it, at the moment of rendering.
#[derive(Debug, Clone)]
pub struct CheckinOut {
    pub reminder_id: i64,
    pub user_id: u64,
    /// Deterministic per person and local day; sent with `enforce_nonce`.
    pub nonce: String,
    pub items: Vec<Commitment>,
}

/// A weekly summary ready to post to the organisation's summary channel.
#[derive(Debug, Clone)]
pub struct SummaryOut {
    pub summary_id: i64,
    pub channel_id: u64,
    /// Deterministic per cohort and week; sent with `enforce_nonce`.
    pub nonce: String,
    pub cohort_name: String,
    pub figures: Figures,
    /// Every week so far, oldest first, this one last.
    pub chart: Vec<ChartWeek>,
    /// When the summary was due, if it goes out late.
    pub late_due: Option<DateTime<Utc>>,
}

/// The anonymous post of a shared reflection, to post again or look for after its first
/// attempt was interrupted. The text is still sealed; only the Discord side opens it.
#[derive(Debug, Clone)]
pub struct ShareOut {
    pub reflection_id: i64,
    pub user_id: u64,
    pub channel_id: u64,
    /// The share's nonce; sent with `enforce_nonce`.
    pub nonce: String,
    pub sealed_text: Vec<u8>,
    /// When the share was claimed: its post cannot be older.
    pub claimed_at: DateTime<Utc>,
}

/// A published action plan, to post or edit in the organisation's summary channel. Texts and
/// names are still sealed; only the Discord side opens them.
#[derive(Debug, Clone)]
pub struct PlanOut {
    pub plan_id: i64,
    pub channel_id: u64,
    /// Deterministic per plan; sent with `enforce_nonce`.
    pub nonce: String,
    pub cohort_name: String,
    /// Its actions, first first.
    pub actions: Vec<PlanActionOut>,
}

#[derive(Debug, Clone)]
pub struct PlanActionOut {
    pub proposal_id: i64,
    pub rank: u32,
    pub sealed_text: Vec<u8>,
    pub target_date: chrono::NaiveDate,
    pub status: ActionStatus,
    /// Each owner: (owner row, person, sealed name if they gave one).
    pub owners: Vec<(i64, u64, Option<Vec<u8>>)>,
}

/// The private message telling someone they completed a track.
#[derive(Debug, Clone)]
pub struct NoticeOut {
    pub completion_id: i64,
    pub user_id: u64,
    /// Deterministic per completion; sent with `enforce_nonce`.
    pub nonce: String,
    pub track: String,
    pub cohort_name: String,
}

/// Why a post failed, in the terms the scheduler acts on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PostError {
    /// The channel is gone (10003) or the bot cannot see it (50001): stop at once.
    #[error("{reason} (Discord {code})")]
    DeadTarget { code: u32, reason: String },
    /// 50013: stop after three in a row.
    #[error("the bot is missing a permission it needs in the channel (Discord 50013)")]
    MissingPermissions,
    /// The recipient does not accept DMs from the bot (50007).
    #[error("the recipient does not accept direct messages (Discord 50007)")]
    DmClosed,
    /// Discord refused this message (e.g. 50035): retrying it would not help.
    #[error("Discord refused the message ({code}): {message}")]
    Rejected { code: u32, message: String },
    /// 5xx, timeouts, rate limits: worth trying again later.
    #[error("temporary failure: {detail}")]
    Transient {
        code: Option<u32>,
        detail: String,
        retry_after: Option<Duration>,
    },
}

impl PostError {
    pub fn code(&self) -> Option<u32> {
        match self {
            PostError::DeadTarget { code, .. } | PostError::Rejected { code, .. } => Some(*code),
            PostError::MissingPermissions => Some(50013),
            PostError::DmClosed => Some(50007),
            PostError::Transient { code, .. } => *code,
        }
    }
}

pub trait Outbound: Send + Sync + 'static {
    /// Posts a nudge; returns the message id.
    fn post_nudge(&self, nudge: &NudgeOut) -> impl Future<Output = Result<u64, PostError>> + Send;

    /// Deletes a message the bot posted (an anonymous share whose reflection is gone).
    fn delete_message(
        &self,
        channel: u64,
        message: u64,
    ) -> impl Future<Output = Result<(), PostError>> + Send;

    /// Looks through the channel's recent messages for the nudge of `delivery` (after a crash
    /// longer ago than Discord remembers nonces).
    fn find_nudge(
        &self,
        channel: u64,
        delivery: i64,
    ) -> impl Future<Output = Result<Option<u64>, PostError>> + Send;

    /// Posts a weekly summary with its chart; returns the message id.
    fn post_summary(
        &self,
        summary: &SummaryOut,
    ) -> impl Future<Output = Result<u64, PostError>> + Send;

    /// Looks through the channel's recent messages for the summary `summary` (a re-post after
    /// Discord may have forgotten the nonce).
    fn find_summary(
        &self,
        channel: u64,
        summary: i64,
    ) -> impl Future<Output = Result<Option<u64>, PostError>> + Send;

    /// Posts a shared reflection anonymously; returns the message id.
    fn post_share(&self, share: &ShareOut) -> impl Future<Output = Result<u64, PostError>> + Send;

    /// Looks through the channel's recent messages for the anonymous post of `share`: the bot's
    /// own posts of its text made since its claim, newest first (the caller passes over those
    /// already recorded for another share of the same text).
    fn find_share(
        &self,
        share: &ShareOut,
    ) -> impl Future<Output = Result<Vec<u64>, PostError>> + Send;

    /// Sends a check-in by DM; returns the message id. `PostError::DmClosed` when the person
    /// does not accept DMs from the bot.
    fn send_checkin(
        &self,
        checkin: &CheckinOut,
    ) -> impl Future<Output = Result<u64, PostError>> + Send;

    /// Posts a published action plan; returns the message id.
    fn post_plan(&self, plan: &PlanOut) -> impl Future<Output = Result<u64, PostError>> + Send;

    /// Shows the plan's current state in its message.
    fn edit_plan(
        &self,
        plan: &PlanOut,
        message: u64,
    ) -> impl Future<Output = Result<(), PostError>> + Send;

    /// Looks through the channel's recent messages for the plan `plan` (a re-post after
    /// Discord may have forgotten the nonce).
    fn find_plan(
        &self,
        channel: u64,
        plan: i64,
    ) -> impl Future<Output = Result<Option<u64>, PostError>> + Send;

    /// Tells someone by DM that they completed a track, with the button for their certificate.
    fn send_notice(
        &self,
        notice: &NoticeOut,
    ) -> impl Future<Output = Result<u64, PostError>> + Send;

    /// This process became (true) or stopped being (false) the one whose scheduler runs: its
    /// share of the outbound budget changes. Nothing by default.
    fn leading(&self, _leading: bool) {}
}
