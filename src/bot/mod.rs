//! Everything that knows Discord: the poise framework, commands, component routing, rendering
//! and the outbound side. The rest of the crate never imports serenity.

pub mod budget;
mod checkin_routes;
pub mod commands;
pub mod components;
pub mod connection;
pub mod edit_turns;
pub mod errors;
mod events;
pub mod flows;
mod in_flight;
pub mod outbound;
pub mod pacer;
pub mod permissions;
pub mod plan_ids;
mod plan_outbound;
mod plan_routes;
mod posts;
mod redact;
pub mod render;
mod reply;
pub mod sealed;
pub mod seam;
pub mod shares;
mod zones;

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;

use crate::clock::SharedClock;
use crate::config::{CommandScope, Settings};
use crate::content::model::Curriculum;
use crate::store::Store;

pub use in_flight::InFlight;

/// What every handler can reach.
pub struct Data {
    pub store: Store,
    pub clock: SharedClock,
    pub settings: Arc<Settings>,
    pub curriculum: Arc<Curriculum>,
    /// Seals and opens reflection, commitment and note text.
    pub cipher: Arc<crate::crypto::Cipher>,
    /// Every rate-limited REST call goes through it.
    pub pacer: Arc<pacer::Pacer>,
    /// Wakes the scheduler after a schedule, channel or calendar change.
    pub scheduler_wake: Arc<crate::scheduler::Wake>,
    pub in_flight: InFlight,
    /// The lease holder this process writes into the claims it makes (anonymous shares).
    pub lease_owner: crate::store::LeaseOwner,
    /// One edit at a time per proposal message.
    pub proposal_edits: edit_turns::EditTurns,
}

impl Data {
    /// k for `guild`: its own `/org settings min_group_size`, else `privacy.min_group_size`.
    /// What people are told must match what summaries do.
    pub async fn group_minimum(&self, guild: Option<u64>) -> u32 {
        let configured = self.settings.privacy.min_group_size;
        match guild {
            Some(guild) => match self.store.org_settings(guild).await {
                Ok(org) => org.k(configured),
                Err(e) => {
                    tracing::warn!(error = %e, "organisation settings could not be read; using the configured k");
                    configured
                }
            },
            None => configured,
        }
    }
}

pub type Error = anyhow::Error;
pub type Context<'a> = poise::Context<'a, Data, Error>;

/// Attempts at registering commands before giving up (and serving what Discord already has).
const REGISTRATION_ATTEMPTS: u32 = 3;

pub fn framework(data: Data) -> poise::Framework<Data, Error> {
    let scope = data.settings.discord.command_scope;
    // Discord sends DMs only to shard 0, so its process must always run; it alone registers the
    // commands, so that several processes do not overwrite each other's registration.
    let shards = data.settings.discord.shards;
    let registers = shards.is_none_or(|range| range.holds_shard_zero());
    poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
            on_error: |error| Box::pin(errors::on_error(error)),
            event_handler: |framework, event| Box::pin(events::handle(framework, event)),
            pre_command: |ctx| {
                Box::pin(async move {
                    ctx.data().in_flight.enter();
                    tracing::info!(
                        command = %ctx.command().qualified_name,
                        user_id = ctx.author().id.get(),
                        guild_id = ctx.guild_id().map(|g| g.get()),
                        "command"
                    );
                })
            },
            post_command: |ctx| {
                Box::pin(async move {
                    checkin_routes::show_waiting(ctx).await;
                    flows::certificate::check_completion(ctx.data(), ctx.author().id.get()).await;
                    ctx.data().in_flight.leave()
                })
            },
            // No owner-only commands: skip the extra application-info call at start-up.
            initialize_owners: false,
            // Nobody is ever pinged, whatever a reply's text holds.
            allowed_mentions: Some(serenity::CreateAllowedMentions::new()),
            ..Default::default()
        })
        // poise runs this once, on the first READY, and holds every event until it returns.
        // It must therefore never fail: a registration failure is logged and the bot serves the
        // commands Discord already knows.
        .setup(move |ctx, _ready, framework| {
            Box::pin(async move {
                if registers {
                    register_commands(ctx, &framework.options().commands, scope).await;
                } else if let Some(range) = shards {
                    tracing::info!(
                        shards = %range,
                        "this process does not run shard 0: it leaves registering the slash commands to the process that does"
                    );
                }
                Ok(data)
            })
        })
        .build()
}

async fn register_commands(
    ctx: &serenity::Context,
    commands: &[poise::Command<Data, Error>],
    scope: CommandScope,
) {
    for attempt in 1..=REGISTRATION_ATTEMPTS {
        let result = match scope {
            CommandScope::Global => poise::builtins::register_globally(ctx, commands).await,
            CommandScope::Guild(id) => {
                poise::builtins::register_in_guild(ctx, commands, serenity::GuildId::new(id)).await
            }
        };
        match result {
            Ok(()) => {
                tracing::info!(count = commands.len(), ?scope, "slash commands registered");
                return;
            }
            Err(e) => {
                tracing::warn!(attempt, error = %crate::bot::redact::redact_tokens(&e.to_string()), "command registration failed");
                tokio::time::sleep(Duration::from_secs(u64::from(attempt))).await;
            }
        }
    }
    tracing::error!("could not register slash commands; serving the ones Discord already has");
}
