//! The Discord client as the rest of the crate sees it: built with the framework and the
//! scheduler's outbound side, started once, watched for an end of its own, and closed on
//! shutdown. Only this module holds serenity's client, shard manager and task handle.

use std::sync::Arc;

use anyhow::Context as _;
use poise::serenity_prelude as serenity;
use tokio::task::JoinHandle;

use super::outbound::DiscordOutbound;
use super::pacer::Pacer;
use super::{framework, seam, Data};
use crate::config::{Secret, ShardRange};
use crate::content::model::Curriculum;
use crate::crypto::Cipher;

/// A client built and not started yet.
pub struct Prepared {
    client: serenity::Client,
}

/// Builds the client (this asks the gateway address over REST) with every handler attached.
pub async fn prepare(
    token: &Secret,
    proxy_url: Option<&str>,
    data: Data,
) -> anyhow::Result<Prepared> {
    let http = seam::build_http(token, proxy_url)?;
    let client = seam::build_client(http, framework(data))
        .await
        .context("could not build the Discord client")?;
    Ok(Prepared { client })
}

impl Prepared {
    /// The scheduler's way out to Discord, over this client's HTTP connection.
    pub fn outbound(
        &self,
        curriculum: Arc<Curriculum>,
        pacer: Arc<Pacer>,
        cipher: Arc<Cipher>,
    ) -> DiscordOutbound {
        DiscordOutbound {
            http: self.client.http.clone(),
            curriculum,
            pacer,
            cipher,
        }
    }

    /// Connects to the gateway in the background: every shard (`None`), or the range
    /// `discord.shards` names.
    pub fn start(mut self, range: Option<ShardRange>) -> Connection {
        let shards = self.client.shard_manager.clone();
        let task = tokio::spawn(async move {
            match range {
                // Today's behaviour: one shard, which is every shard.
                None => self.client.start().await,
                Some(range) => {
                    tracing::info!(shards = %range, "running a range of the gateway shards");
                    let (first_to_last, total) = serenity_shard_range(range);
                    self.client.start_shard_range(first_to_last, total).await
                }
            }
        });
        Connection {
            shards,
            task,
            finished: false,
        }
    }
}

/// The arguments of serenity 0.12.5's `Client::start_shard_range` for `range`. Its `Range`'s
/// end is INCLUDED, unlike any other Rust range: `start_connection` boots `end - start + 1`
/// shards, so `0..1` runs shards 0 and 1. Pinned by the sharding end-to-end test (two
/// connections for "0-1/2"); check it again before upgrading serenity.
fn serenity_shard_range(range: ShardRange) -> (std::ops::Range<u32>, u32) {
    (range.first..range.last, range.total)
}

/// A running client.
pub struct Connection {
    shards: Arc<serenity::ShardManager>,
    task: JoinHandle<Result<(), serenity::Error>>,
    finished: bool,
}

impl Connection {
    /// Resolves when the client stops by itself (for example, Discord refused the token); the
    /// error says why. Resolves at once if it already did.
    pub async fn ended(&mut self) -> anyhow::Result<()> {
        if self.finished {
            return Ok(());
        }
        let outcome = (&mut self.task).await;
        self.finished = true;
        match outcome {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(anyhow::Error::new(e).context("the Discord connection ended")),
            Err(e) => Err(anyhow::anyhow!("the Discord client task failed: {e}")),
        }
    }

    /// Closes the gateway: no new events arrive after this.
    pub async fn close_gateway(&self) {
        self.shards.shutdown_all().await;
    }

    /// Stops the client's task (after [`Connection::close_gateway`] and draining handlers).
    pub async fn finish(self) {
        if !self.finished {
            self.task.abort();
            let _ = self.task.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serenity_gets_the_last_shard_as_the_range_end_because_it_includes_it() {
        let range = ShardRange {
            first: 2,
            last: 3,
            total: 4,
        };
        assert_eq!(serenity_shard_range(range), (2..3, 4));
    }
}
